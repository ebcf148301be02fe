"""People pages: registration form, merge page, tag dictionary, list query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fulian.core.models import AuditEvent
from fulian.people import services
from fulian.people.models import Person, PersonStatus, Tag

pytestmark = pytest.mark.django_db


def test_registration_form_shows_a_bad_id_number_in_chinese(client_for, my_village):
    response = client_for("village_chair").post(
        "/people/new/",
        {
            "name": "错号女",
            "org": my_village.pk,
            "id_number": "110105194912310021",
            "gender": "female",
            "category": "woman",
            "legal_basis": "statutory",
        },
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Person.objects.filter(name="错号女").exists()


def test_registration_form_creates_and_redirects(client_for, my_village, new_id):
    tag = Tag.objects.get(name="留守妇女")
    response = client_for("village_chair").post(
        "/people/new/",
        {
            "name": "新登记",
            "org": my_village.pk,
            "id_number": new_id(),
            "phone": "13512345678",
            "gender": "female",
            "category": "woman",
            "legal_basis": "statutory",
            "tags": [tag.pk],
        },
    )
    person = Person.objects.get(name="新登记")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert list(person.tags.all()) == [tag]


def test_registration_form_shows_similar_people_first(client_for, my_village):
    services.person_create(
        actor=None, data=services.PersonData(name="相似人", org=my_village, phone="13511112222")
    )
    data = {
        "name": "相似人",
        "org": my_village.pk,
        "phone": "13511112222",
        "gender": "female",
        "category": "woman",
        "legal_basis": "statutory",
    }
    client = client_for("village_chair")
    response = client.post("/people/new/", data)
    assert "可能与您要登记的是同一人" in response.content.decode()
    assert Person.objects.filter(name="相似人").count() == 1
    client.post("/people/new/", {**data, "confirm_not_duplicate": "on"})
    assert Person.objects.filter(name="相似人").count() == 2


def test_merge_page_merges_and_the_merge_can_be_undone(client_for, my_village):
    a = services.person_create(
        actor=None, data=services.PersonData(name="合并甲", org=my_village, phone="13522220001")
    )
    b = services.person_create(
        actor=None,
        data=services.PersonData(name="合并乙", org=my_village, phone="13522220002"),
        confirm_not_duplicate=True,
    )
    client = client_for("town_cadre")
    compare = client.get("/people/merge/", {"survivor": a.pk, "merged": b.pk})
    assert "合并乙" in compare.content.decode()
    client.post(
        "/people/merge/", {"survivor": a.pk, "merged": b.pk, "confirm": "1", "take_phone": "merged"}
    )
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.status == PersonStatus.MERGED and a.phone == "13522220002"
    event = AuditEvent.objects.get(verb="person_merge", object_id=str(a.pk))
    client.post(f"/people/merge/{event.pk}/undo/")
    b.refresh_from_db()
    assert b.status == PersonStatus.ACTIVE


def test_village_chair_cannot_merge(client_for):
    assert client_for("village_chair").get("/people/merge/").status_code == 403


def test_only_administrators_add_tags(client_for):
    assert client_for("village_chair").post("/people/tags/", {"name": "新标签"}).status_code == 403
    client_for("admin").post("/people/tags/", {"name": "新标签", "order": 1})
    assert Tag.objects.filter(name="新标签").exists()


def test_the_search_page_lists_nobody_until_she_searches(client_for):
    body = client_for("city_chair").get("/people/").content.decode()
    assert "不列出全部人员" in body
    assert 'id="list-rows"' not in body


def test_people_list_query_count_does_not_grow_with_rows(client_for, my_village):
    tag = Tag.objects.get(name="残疾")
    client = client_for("city_chair")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/people/", {"tag": tag.pk}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(8):
        person = services.person_create(
            actor=None,
            data=services.PersonData(name=f"计数{i}", org=my_village, phone=f"1360000{i:04d}"),
        )
        services.person_tag_add(actor=None, person=person, tag=tag)
    assert count() <= before
