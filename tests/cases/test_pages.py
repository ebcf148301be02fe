"""Every page answers for the people who may use it, and lists do not grow in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulian.cases.models import Case, RiskEntry
from fulian.core.demo import DEMO_USERS

pytestmark = pytest.mark.django_db

PAGES = [
    "/cases/",
    "/cases/new/",
    "/cases/hotline/",
    "/cases/figures/",
    "/cases/risk/",
    "/cases/risk/new/",
    "/cases/enquiries/",
    "/cases/enquiries/new/",
    "/cases/categories/",
]


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_no_page_errors_for_any_demo_user(username, client_for):
    client = client_for(username)
    for url in PAGES:
        assert client.get(url).status_code in (200, 403), (username, url)


def test_the_demo_city_has_cases_in_every_state_and_city_rights_has_work_waiting(client_for):
    states = set(Case.objects.values_list("state", flat=True))
    assert {"open", "replied", "closed"} <= states
    channels = set(Case.objects.values_list("channel", flat=True))
    assert {"visit", "hotline", "online"} <= channels
    assert Case.objects.count() >= 30
    assert RiskEntry.objects.count() >= 3
    inbox = client_for("city_rights").get("/inbox/")
    assert "维权案件" in inbox.content.decode()


def test_the_demo_public_code_shows_a_status(client):
    response = client.post("/help/status/", {"code": "DEMO-2026-HELP", "phone_last4": "6688"})
    assert response.context["result"]


def test_case_pages_render_for_their_handler(client_for):
    client = client_for("city_rights")
    for case in Case.objects.filter(org__code="321200000000")[:10]:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
        assert client.get(f"/cases/{case.pk}/viewers/").status_code == 200


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _add_cases(receive, user_named, my_village, n):
    for i in range(n):
        receive(name=f"测试{i}", category_code="domestic_violence" if i % 2 else "labour")


def _add_enquiries(receive, user_named, my_village, n):
    from fulian.cases.enquiries import enquiry_receive

    for i in range(n):
        enquiry_receive(
            actor=user_named("city_rights"),
            channel="phone",
            title=f"来电{i}",
            caller_name=f"来电人{i}",
            summary="咨询",
        )


def _add_risks(receive, user_named, my_village, n):
    from fulian.cases.risk import risk_entry_create

    for i in range(n):
        risk_entry_create(
            actor=None, org=my_village, household=f"家庭{i}", situation="争吵", risk_level=2
        )


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [("/cases/", _add_cases), ("/cases/enquiries/", _add_enquiries), ("/cases/risk/", _add_risks)],
)
def test_list_query_count_does_not_grow_with_rows(
    url, add_rows, client_for, receive, user_named, my_village
):
    client = client_for("city_rights")
    client.get(url)
    before = _queries(client, url)
    add_rows(receive, user_named, my_village, 8)
    assert _queries(client, url) <= before


def test_the_case_list_stays_within_a_fixed_number_of_queries(
    client_for, receive, django_assert_max_num_queries
):
    for n in range(30):
        receive(name=f"测试{n}")
    client = client_for("city_rights")
    client.get("/cases/")  # warm the per-process caches (content types, calendar)
    with django_assert_max_num_queries(16):
        client.get("/cases/")


def test_the_process_page_opens_the_case(client_for, receive):
    case = receive()
    page = client_for("city_rights").get(f"/inbox/process/{case.process_id}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page
