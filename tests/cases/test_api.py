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
