"""List pages: query counts do not grow with rows; exports mask personal data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulian.accounts import services as account_services
from fulian.accounts.models import Role
from fulian.core.masking import mask_id_number, mask_name, mask_phone
from fulian.orgs import services as org_services
from fulian.orgs.models import OrgKind

pytestmark = pytest.mark.django_db


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _add_users(n, org):
    role = Role.objects.get(code="village_chair")
    for i in range(n):
        user = account_services.user_create(
            actor=None, username=f"extra{i}", full_name=f"测试{i}", password="Ceshi@2026x"
        )
        account_services.position_grant(actor=None, user=user, org=org, role=role)


@pytest.mark.parametrize("url", ["/accounts/users/", "/orgs/search/", "/audit/", "/holidays/"])
def test_list_query_count_does_not_grow_with_rows(client_for, org_by_code, url):
    client = client_for("admin")
    before = _queries(client, url)
    town = org_by_code("321202100000")
    _add_users(10, town)
    for i in range(10):
        org_services.org_create(actor=None, name=f"队{i}", kind=OrgKind.VOLUNTEER_TEAM, parent=town)
    assert _queries(client, url) <= before


def test_user_list_stays_within_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    client = client_for("city_chair")
    with django_assert_max_num_queries(14):
        client.get("/accounts/users/")


def test_tree_children_query_count_is_fixed(client_for, org_by_code, django_assert_max_num_queries):
    county = org_by_code("321202000000")
    client = client_for("city_chair")
    with django_assert_max_num_queries(12):
        client.get(f"/orgs/{county.pk}/children/")


def test_one_masking_rule():
    assert mask_id_number("310101199001011234") == "3101**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王秀英") == "王*英"
    assert mask_id_number("") == ""
