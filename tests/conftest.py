"""The standard cast (as in Healthchecks): the demo city is loaded once per session.

- city_chair, city_vice …: the city federation (sees the whole city)
- county_cadre: 海陵区; town_cadre: 九龙镇 in 海陵区
- village_chair: a village in 九龙镇; village_chair2: a village in 兴化市 (the neighbour)
- city_auditor: read-only auditor of the city
"""

import pytest
from django.test import Client

from fulian.accounts.models import User
from fulian.core.demo import DEMO_PASSWORD, seed_demo
from fulian.orgs.models import Org


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture(autouse=True)
def _chinese_first():
    """Every test starts in the default language: a page a test opened in English
    (the crawl switches languages) must not leave English active for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    # Browser and transactional tests empty the database afterwards: run them last.
    items.sort(
        key=lambda item: any(item.get_closest_marker(name) for name in ("browser", "transactional"))
    )


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def user_named(db):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(db, user_named):
    """A logged-in test client for a demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(user_named(username))
        return client

    return make


@pytest.fixture
def org_by_code(db):
    def get(code: str) -> Org:
        return Org.objects.get(code=code)

    return get


@pytest.fixture
def my_village(user_named):
    return user_named("village_chair").positions.get().org


@pytest.fixture
def other_village(user_named):
    return user_named("village_chair2").positions.get().org


@pytest.fixture
def api_client_for(db, user_named):
    from rest_framework.test import APIClient

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user_named(username))
        return client

    return make
