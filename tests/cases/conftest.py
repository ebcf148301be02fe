import datetime

import pytest
from django.core.cache import cache

from fulian.cases.models import Category
from fulian.cases.services import Intake, case_receive
from fulian.people.demo import make_id_number


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def category():
    def get(code: str = "marriage_family") -> Category:
        return Category.objects.get(code=code)

    return get


@pytest.fixture
def id_number():
    counter = iter(range(100, 999))

    def make(birth=datetime.date(1988, 5, 6), female=True) -> str:
        return make_id_number("321202", birth, next(counter), female=female)

    return make


@pytest.fixture
def receive(user_named, category):
    """A case received by ``by`` (city_rights unless told) — the usual start of a test."""

    def make(by: str = "city_rights", **fields):
        data = {
            "channel": "visit",
            "category": category(fields.pop("category_code", "marriage_family")),
            "name": "王小梅",
            "phone": "13812345678",
            "summary": "丈夫长期不给生活费，要求调解。",
        }
        data.update(fields)
        return case_receive(actor=user_named(by), data=Intake(**data))

    return make
