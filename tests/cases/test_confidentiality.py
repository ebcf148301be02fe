"""A case is seen only by its handlers, its responsible person and those it is shared with.

Everyone else gets the same 404 as for a missing case, and cannot list, count, search
or export it; every allowed view leaves exactly one audit row.
"""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from fulian.accounts import services as account_services
from fulian.accounts.models import Role
from fulian.cases import services
from fulian.cases.models import Case
from fulian.cases.selectors import cases_visible_to
from fulian.core.models import AuditEvent
from fulian.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_town_cadre():
    """A town cadre of another town of 海陵区 (the demo has only 九龙镇's)."""
    town = (
        Org.objects.filter(parent__code="321202000000", kind=OrgKind.TOWN)
        .exclude(code="321202100000")
        .order_by("code")
        .first()
    )
    user = account_services.user_create(
        actor=None, username="town_cadre_other", full_name="钱慧", password="Ceshi@2026x"
    )
    account_services.position_grant(
        actor=None, user=user, org=town, role=Role.objects.get(code="town_cadre")
    )
    return "town_cadre_other"


OUTSIDERS = ["village_chair2", "city_org", "city_office", "city_chair", "city_auditor", "admin"]


def _views(case: Case) -> int:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        action=AuditEvent.Action.VIEW,
    ).count()


def _export_text(response) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)


@pytest.fixture
def city_case(receive):
    return receive(name="欧阳秀兰", phone="13912345678", category_code="domestic_violence")


@pytest.fixture
def town_case(receive):
    return receive(by="town_cadre", name="郭丽华", phone="13712345678")


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_cannot_open_list_count_search_or_export_a_city_case(
    username, city_case, client_for
):
    client = client_for(username)
    assert client.get(f"/cases/{city_case.pk}/").status_code in (404, 403)
    assert client.get(f"/cases/{city_case.pk}/viewers/").status_code in (404, 403)
    assert client.post(f"/cases/{city_case.pk}/do/claim/").status_code in (404, 403)
    listing = client.get("/cases/", {"q": city_case.number})
    if listing.status_code == 200:
        assert listing.context["page"].paginator.count == 0
        export = client.get("/cases/", {"export": "xlsx"})
        assert city_case.number not in _export_text(export)
    figures = client.get("/cases/figures/")
    if figures.status_code == 200:
        assert figures.context["figures"]["total"] == 0
    api = client.get(f"/api/v1/cases/{city_case.pk}/")
    assert api.status_code in (401, 403, 404)
    assert _views(city_case) == 0


def test_a_town_cadre_of_another_town_cannot_see_a_town_case(
    town_case, other_town_cadre, client_for, user_named
):
    client = client_for(other_town_cadre)
    assert client.get(f"/cases/{town_case.pk}/").status_code == 404
    assert client.get("/cases/", {"q": town_case.number}).context["page"].paginator.count == 0
    assert not cases_visible_to(viewer=user_named(other_town_cadre)).filter(pk=town_case.pk)
    # Nor the county above, nor the city's rights department, without a grant.
    for username in ("county_cadre", "city_rights", "village_chair"):
        assert client_for(username).get(f"/cases/{town_case.pk}/").status_code == 404
    assert client_for("town_cadre").get(f"/cases/{town_case.pk}/").status_code == 200


def test_each_allowed_view_leaves_exactly_one_audit_row(city_case, client_for):
    client = client_for("city_rights")
    assert client.get(f"/cases/{city_case.pk}/").status_code == 200
    assert _views(city_case) == 1
    client.get(f"/cases/{city_case.pk}/")
    assert _views(city_case) == 2
    viewers = client.get(f"/cases/{city_case.pk}/viewers/")
    assert viewers.status_code == 200
    assert viewers.content.decode().count("city_rights") >= 2


def test_a_superior_sees_the_case_only_while_explicitly_allowed(city_case, client_for, user_named):
    rights, chair = user_named("city_rights"), user_named("city_chair")
    assert client_for("city_chair").get(f"/cases/{city_case.pk}/").status_code == 404
    with pytest.raises(Exception, match="理由"):
        services.case_access_grant(actor=rights, case=city_case, user=chair, reason="")
    access = services.case_access_grant(actor=rights, case=city_case, user=chair, reason="主席督办")
    assert client_for("city_chair").get(f"/cases/{city_case.pk}/").status_code == 200
    services.case_access_end(actor=rights, access=access)
    assert client_for("city_chair").get(f"/cases/{city_case.pk}/").status_code == 404


def test_domestic_violence_names_are_hidden_in_lists_by_default(city_case, client_for):
    client = client_for("city_rights")
    page = client.get("/cases/").content.decode()
    assert city_case.number in page
    assert "欧阳" not in page and "（已隐藏）" in page
    shown = client.get("/cases/", {"show_names": "1"}).content.decode()
    assert "欧**兰" in shown  # shown on request, still masked
    assert "欧阳秀兰" not in shown


def test_exports_are_masked_and_logged_unless_the_permission_allows(
    receive, client_for, user_named
):
    case = receive(name="孙美玲", phone="13612345678")
    client = client_for("city_rights")
    masked = _export_text(client.get("/cases/", {"export": "xlsx"}))
    assert case.number in masked and "孙*玲" in masked and "孙美玲" not in masked
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("at")
    assert event.actor.username == "city_rights" and event.detail["masked"] is True
    plain = _export_text(client.get("/cases/", {"export": "xlsx", "unmasked": "1"}))
    assert "孙美玲" in plain
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("at")
    assert event.detail["masked"] is False
    # Without the permission "unmasked" is ignored.
    town = receive(by="town_cadre", name="孙美玲", phone="13612345670")
    text = _export_text(
        client_for("town_cadre").get("/cases/", {"export": "xlsx", "unmasked": "1"})
    )
    assert town.number in text and "孙美玲" not in text


def test_search_by_phone_or_id_number_finds_only_visible_cases(receive, client_for, id_number):
    number = id_number()
    case = receive(name="周小红", phone="13512345678", id_number=number, area=None)
    client = client_for("city_rights")
    assert case.number in client.get("/cases/", {"q": "13512345678"}).content.decode()
    other = client_for("town_cadre").get("/cases/", {"q": "13512345678"})
    assert other.context["page"].paginator.count == 0


def test_the_process_page_of_a_case_is_as_confidential_as_the_case(city_case, client_for):
    url = f"/inbox/process/{city_case.process_id}/"
    assert client_for("city_rights").get(url).status_code == 200
    for username in ("city_office", "city_office_head", "city_chair", "admin", "village_chair2"):
        assert client_for(username).get(url).status_code == 404, username


def test_the_audit_trail_keeps_the_story_out(receive, user_named):
    case = receive(summary="丈夫酒后殴打，左臂骨折")
    services.case_reply(actor=user_named("city_rights"), case=case, text="已陪同验伤")
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
    )
    assert events.exists()
    for event in events:
        text = str(event.changes) + str(event.detail)
        assert "骨折" not in text and "验伤" not in text and "王小梅" not in text
