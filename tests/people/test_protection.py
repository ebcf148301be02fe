"""Personal data at rest, in exports, in the API and on pages."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from fulian.core import crypto
from fulian.core.models import AuditEvent
from fulian.people.models import Person
from fulian.people.sections import PersonSection, register, registered

pytestmark = pytest.mark.django_db
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _all_rows_as_text():
    """Every row of every table, as the database holds it."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — our own table names
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def test_no_plaintext_id_number_is_stored_anywhere(client_for, my_village):
    numbers = {p.id_number for p in Person.objects.exclude(id_number="")}
    assert len(numbers) > 100  # the demo city's people
    client_for("city_rights").post(f"/people/{Person.objects.first().pk}/reveal/id_number/")
    client_for("city_chair").get("/people/", {"tag": 1, "export": "xlsx"})
    leaks = []
    for table, text in _all_rows_as_text():
        leaks += [(table, m) for m in ID_PATTERN.findall(text) if m.upper() in numbers]
        leaks += [(table, n) for n in numbers if n in text]
    assert leaks == []


def test_phones_are_not_stored_in_plaintext():
    phones = {p.phone for p in Person.objects.exclude(phone="")[:200]}
    for _table, text in _all_rows_as_text():
        assert not any(phone in text for phone in phones)


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_exports_are_masked_by_default(client_for):
    rows = _sheet(client_for("city_chair").get("/people/", {"tag": 1, "export": "xlsx"}))
    header, first = rows[0], rows[1]
    id_cell = first[header.index("身份证号")]
    assert "**********" in id_cell
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.detail["masked"] is True


def test_an_unmasked_export_needs_the_permission_and_is_logged(client_for):
    refused = client_for("city_chair").get(
        "/people/", {"tag": 1, "export": "xlsx", "unmasked": "1"}
    )
    assert refused.status_code == 403
    rows = _sheet(
        client_for("admin").get("/people/", {"tag": 1, "export": "xlsx", "unmasked": "1"})
    )
    header = rows[0]
    assert ID_PATTERN.match(rows[1][header.index("身份证号")])
    assert AuditEvent.objects.filter(action="export").latest("id").detail["masked"] is False


def test_search_by_id_number_is_a_post_and_finds_only_within_scope(
    client_for, my_village, other_village
):
    mine = Person.objects.filter(org=my_village).exclude(id_number="").first()
    theirs = Person.objects.filter(org=other_village).exclude(id_number="").first()
    client = client_for("village_chair")
    found = client.post("/people/", {"q": mine.id_number})
    assert found.status_code == 302 and found["Location"] == f"/people/{mine.pk}/"
    hidden = client.post("/people/", {"q": theirs.id_number})
    assert "没有找到" in hidden.content.decode()
    assert theirs.name not in hidden.content.decode()


def test_the_person_page_shows_masked_values_and_the_reveal_button(client_for):
    person = Person.objects.exclude(id_number="").exclude(phone="").first()
    body = client_for("city_rights").get(f"/people/{person.pk}/").content.decode()
    assert person.id_number not in body and person.phone not in body
    assert person.id_number[:4] + "**********" + person.id_number[-4:] in body
    assert "显示" in body
    shown = client_for("city_rights").post(f"/people/{person.pk}/reveal/id_number/")
    assert person.id_number in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"


def test_village_chair_cannot_reveal(client_for, my_village):
    person = Person.objects.filter(org=my_village).exclude(id_number="").first()
    client = client_for("village_chair")
    assert "显示" not in client.get(f"/people/{person.pk}/").content.decode()
    assert client.post(f"/people/{person.pk}/reveal/id_number/").status_code == 403


def test_the_api_masks_and_its_reveal_is_logged(api_client_for, my_village):
    person = Person.objects.filter(org=my_village).exclude(id_number="").first()
    client = api_client_for("county_cadre")
    listed = client.get("/api/v1/people/", {"org": my_village.pk}).json()["results"]
    assert all("*" in p["id_number"] for p in listed)
    revealed = client.post(f"/api/v1/people/{person.pk}/reveal/", {"field": "id_number"})
    assert revealed.json()["value"] == person.id_number
    assert AuditEvent.objects.filter(
        action="view", object_id=str(person.pk), actor_name="county_cadre"
    ).exists()


def test_the_api_refuses_a_duplicate_with_409(api_client_for, my_village):
    person = Person.objects.filter(org=my_village).exclude(id_number="").first()
    response = api_client_for("village_chair").post(
        "/api/v1/people/",
        {"name": "重复", "org": my_village.pk, "id_number": person.id_number},
        format="json",
    )
    assert response.status_code == 409 and response.json()["existing"] == person.pk


def test_the_api_reports_a_bad_id_number_in_chinese(api_client_for, my_village):
    response = api_client_for("village_chair").post(
        "/api/v1/people/",
        {"name": "错号", "org": my_village.pk, "id_number": "110105194912310021"},
        format="json",
    )
    assert response.status_code == 400 and "校验位" in str(response.json())


def test_key_rotation_leaves_every_value_readable():
    people = {p.pk: (p.id_number, p.phone) for p in Person.objects.all()}
    old = crypto.get_keyring()
    import base64

    new_key = base64.b64encode(b"k" * 32).decode()
    ring = (
        f"{old.active_key_id}:{base64.b64encode(old.keys[old.active_key_id]).decode()},k2:{new_key}"
    )
    with override_settings(
        FIELD_ENCRYPTION_KEYS=ring,
        FIELD_ENCRYPTION_ACTIVE_KEY="k2",
        FIELD_HASH_KEY=base64.b64encode(old.hash_key).decode(),
    ):
        call_command("rotate_field_keys", stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM people_person WHERE id_number <> ''")
            assert all(t.startswith("fe1$k2$") for (t,) in cursor.fetchall())
        assert {p.pk: (p.id_number, p.phone) for p in Person.objects.all()} == people
        out = io.StringIO()
        call_command("rotate_field_keys", stdout=out)  # a second run rotates nothing


def test_modules_add_sections_to_the_person_page(client_for):
    person = Person.objects.first()
    register(
        PersonSection(
            key="probe",
            title="测试模块",
            template="people/_revealed.html",
            context=lambda p, viewer: {"value": f"记录{p.pk}"},
            order=99,
        )
    )
    try:
        body = client_for("city_chair").get(f"/people/{person.pk}/").content.decode()
        assert "测试模块" in body
    finally:
        from fulian.people import sections

        sections._sections.pop("probe")
    assert "probe" not in [s.key for s in registered()]
