import pytest
from django.core.cache import cache
from django.test import Client

from fulian.cases.models import Category
from fulian.orgs.models import Org


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return Client()


def challenge(client: Client) -> dict:
    """Open the form and read the one-time challenge as she would solve it."""
    page = client.get("/help/")
    assert page.status_code == 200
    token = page.context["form"]["token"].value()
    return {"token": token, "answer": str(cache.get(f"public:challenge:{token}"))}


@pytest.fixture
def help_data(db):
    def make(**changes) -> dict:
        data = {
            "name": "李女士",
            "phone": "13812349876",
            "area": Org.objects.get(code="321202100000").pk,  # 九龙镇
            "category": Category.objects.get(code="domestic_violence").pk,
            "summary": "丈夫酒后打人，想咨询怎么办。",
            "website": "",
        }
        data.update(changes)
        return data

    return make
