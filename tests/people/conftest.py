import datetime

import pytest

from fulian.people import services
from fulian.people.demo import make_id_number


@pytest.fixture
def new_id():
    """Valid ID numbers no demo person holds: demo birthdays fall on days 1–28."""
    counter = iter(range(1, 499))

    def make(region="321202", born=None):
        sequence = next(counter)
        months = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # every one has a 29th and a 30th
        born = born or datetime.date(1975, months[sequence % 11], 29 + sequence % 2)
        return make_id_number(region, born, sequence, female=True)

    return make


@pytest.fixture
def register(user_named):
    def create(actor_name, org, name="测试女", **fields):
        actor = user_named(actor_name) if actor_name else None
        return services.person_create(
            actor=actor, data=services.PersonData(name=name, org=org, **fields)
        )

    return create
