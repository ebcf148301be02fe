import datetime

import pytest

from fulian.people import services
from fulian.people.demo import make_id_number


@pytest.fixture
def new_id():
    """Valid ID numbers no demo person holds (demo sequences stay below 500)."""
    counter = iter(range(500, 999))

    def make(region="321202", born=datetime.date(1975, 3, 8)):
        return make_id_number(region, born, next(counter), female=True)

    return make


@pytest.fixture
def register(user_named):
    def create(actor_name, org, name="测试女", **fields):
        actor = user_named(actor_name) if actor_name else None
        return services.person_create(
            actor=actor, data=services.PersonData(name=name, org=org, **fields)
        )

    return create
