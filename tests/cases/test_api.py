import pytest

pytestmark = pytest.mark.django_db


def test_the_api_lists_only_visible_cases_and_masks_names(receive, api_client_for):
    case = receive(name="孙美玲")
    mine = api_client_for("city_rights").get("/api/v1/cases/").json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert [r["number"] for r in rows if r["id"] == case.pk] == [case.number]
    assert next(r for r in rows if r["id"] == case.pk)["name"] == "孙*玲"
    other = api_client_for("village_chair2").get("/api/v1/cases/").json()
    other_rows = other["results"] if isinstance(other, dict) else other
    assert case.pk not in [r["id"] for r in other_rows]
    assert api_client_for("village_chair2").get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api_client_for("city_office").get(f"/api/v1/cases/{case.pk}/").status_code in (403, 404)


def test_the_api_is_in_the_openapi_schema(client_for):
    schema = client_for("admin").get("/api/schema/").content.decode()
    assert "/api/v1/cases/" in schema and "/api/v1/enquiries/" in schema


def test_figures_are_registered_as_report_sources(receive, org_by_code):
    import datetime

    from fulian.reports.sources import all_sources, compute

    codes = {s.code for s in all_sources()}
    assert {"cases.received", "cases.on_time_rate", "cases.legal_aid", "cases.overdue"} <= codes
    city = org_by_code("321200000000")
    today = datetime.date.today()
    other = org_by_code("321281000000")  # 兴化市: the town case is not in its subtree
    before = compute("cases.received", org=city, start=today, end=today)
    other_before = compute("cases.received", org=other, start=today, end=today)
    receive(by="town_cadre")
    assert compute("cases.received", org=city, start=today, end=today) == before + 1
    assert compute("cases.received", org=other, start=today, end=today) == other_before


def test_the_category_dictionary_is_editable_by_the_rights_department(client_for):
    from fulian.cases.models import Category

    client = client_for("city_rights")
    response = client.post(
        "/cases/categories/",
        {"code": "elderly", "name": "老年妇女权益", "order": 65, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Category.objects.get(code="elderly").name == "老年妇女权益"
    assert client_for("village_chair").get("/cases/categories/").status_code == 403
