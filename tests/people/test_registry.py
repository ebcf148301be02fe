"""One person, recorded once; protected personal data; tags, guardians, merge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.core.models import AuditEvent
from fulian.people import merging, services
from fulian.people.models import Person, PersonRelation, PersonStatus, PersonTag, Tag

pytestmark = pytest.mark.django_db


def test_birth_date_and_gender_come_from_the_id_number(register, my_village, new_id):
    number = new_id(born=datetime.date(1981, 7, 2))
    person = register("village_chair", my_village, id_number=number.lower())
    assert person.birth_date == datetime.date(1981, 7, 2)
    assert person.gender == "female"
    assert person.id_number == number  # normalised upper case


def test_a_second_record_with_the_same_id_number_is_refused_and_points_to_her(
    register, my_village, new_id
):
    number = new_id()
    first = register("village_chair", my_village, id_number=number, name="李桂兰")
    with pytest.raises(services.DuplicatePerson) as caught:
        register("village_chair", my_village, id_number=number, name="李桂兰")
    assert caught.value.existing == first
    assert "李桂兰" in caught.value.messages[0]
    assert Person.objects.filter(name="李桂兰").count() == 1


def test_a_duplicate_outside_her_scope_reveals_nothing_but_whom_to_contact(
    register, my_village, other_village, new_id
):
    number = new_id(region="321281")
    register("village_chair2", other_village, id_number=number, name="赵春梅")
    with pytest.raises(services.DuplicatePerson) as caught:
        register("village_chair", my_village, id_number=number, name="随便")
    message = caught.value.messages[0]
    assert caught.value.existing is None
    assert "赵春梅" not in message and other_village.name not in message
    assert "兴化市妇联" in message  # whom to contact: the county federation
    assert number not in message


def test_without_an_id_number_similar_people_are_shown_before_saving(register, my_village):
    first = register("village_chair", my_village, name="王小红", phone="13912345678")
    with pytest.raises(services.SimilarPeople) as caught:
        register("village_chair", my_village, name="王小红", phone="139 1234 5678")
    assert caught.value.candidates == [first]
    second = services.person_create(
        actor=None,
        data=services.PersonData(name="王小红", org=my_village, phone="13912345678"),
        confirm_not_duplicate=True,
    )
    assert second.pk != first.pk


def test_a_child_under_14_needs_a_guardian(register, my_village, new_id):
    child_id = new_id(born=datetime.date(2018, 5, 1))
    with pytest.raises(ValidationError, match="监护人"):
        register("village_chair", my_village, name="小明", id_number=child_id)
    mother = register("village_chair", my_village, name="小明妈妈", id_number=new_id())
    child = services.person_create(
        actor=None,
        data=services.PersonData(name="小明", org=my_village, id_number=child_id),
        guardian=mother,
    )
    relation = PersonRelation.objects.get(person=child)
    assert relation.relative == mother and relation.is_guardian


def test_consent_needs_its_date(register, my_village):
    with pytest.raises(ValidationError) as caught:
        register("village_chair", my_village, name="甲", legal_basis="consent")
    assert "consent_date" in caught.value.message_dict


def test_registering_outside_her_scope_is_refused(register, other_village):
    with pytest.raises(PermissionDenied):
        register("village_chair", other_village, name="外村人")


def test_tags_record_date_and_who(user_named, register, my_village):
    person = register("village_chair", my_village, name="丙")
    tag = Tag.objects.get(name="贫困母亲")
    services.person_tag_add(actor=user_named("village_chair"), person=person, tag=tag)
    person_tag = PersonTag.objects.get(person=person, tag=tag)
    assert person_tag.added_by == user_named("village_chair")
    assert person_tag.added_on == datetime.date.today()


def test_reveal_is_logged_in_the_same_transaction(user_named, register, my_village, new_id):
    number = new_id()
    person = register("village_chair", my_village, id_number=number)
    rights = user_named("city_rights")
    assert services.person_reveal(actor=rights, person=person, field="id_number") == number
    event = AuditEvent.objects.get(action="view", object_id=str(person.pk))
    assert event.actor == rights and event.detail["fields"] == ["id_number"]


def test_reveal_needs_the_permission(user_named, register, my_village, new_id):
    person = register("village_chair", my_village, id_number=new_id())
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=user_named("village_chair"), person=person, field="id_number")
    assert not AuditEvent.objects.filter(action="view", object_id=str(person.pk)).exists()


def test_audit_rows_keep_personal_data_masked(register, my_village, new_id):
    number = new_id()
    person = register("village_chair", my_village, id_number=number, phone="13800001111")
    event = AuditEvent.objects.get(
        action="create", content_type__model="person", object_id=str(person.pk)
    )
    assert event.changes["id_number"][1] == number[:4] + "*" * 10 + number[-4:]
    assert event.changes["phone"][1] == "138****1111"


def test_merge_moves_every_link_and_can_be_undone(user_named, register, my_village, new_id):
    county = user_named("county_cadre")
    number = new_id()
    survivor = register("village_chair", my_village, name="孙玉珍", phone="13700000001")
    merged = register(
        "village_chair", my_village, name="孙玉真", id_number=number, phone="13700000002"
    )
    tag = Tag.objects.get(name="困难妇女")
    services.person_tag_add(actor=None, person=merged, tag=tag)
    services.person_tag_add(actor=None, person=survivor, tag=Tag.objects.get(name="单亲"))
    child = services.person_create(
        actor=None,
        data=services.PersonData(
            name="孙小宝", org=my_village, id_number=new_id(born=datetime.date(2019, 1, 1))
        ),
        guardian=merged,
    )

    merging.person_merge(actor=county, survivor=survivor, merged=merged, take=["phone"])

    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.status == PersonStatus.MERGED and merged.merged_into == survivor
    assert survivor.id_number == number  # a known ID number is never lost
    assert survivor.phone == "13700000002"
    assert set(survivor.tags.values_list("name", flat=True)) == {"困难妇女", "单亲"}
    assert PersonRelation.objects.get(person=child).relative == survivor

    event = AuditEvent.objects.get(verb="person_merge")
    merging.person_unmerge(actor=county, event=event)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.status == PersonStatus.ACTIVE and merged.id_number == number
    assert survivor.id_number == "" and survivor.phone == "13700000001"
    assert PersonRelation.objects.get(person=child).relative == merged
    assert set(merged.tags.values_list("name", flat=True)) == {"困难妇女"}
    with pytest.raises(ValidationError, match="撤销过"):
        merging.person_unmerge(actor=county, event=event)


def test_two_different_id_numbers_are_never_merged(register, my_village, new_id, user_named):
    a = register("village_chair", my_village, id_number=new_id())
    b = register("village_chair", my_village, id_number=new_id())
    with pytest.raises(ValidationError, match="不是同一人"):
        merging.person_merge(actor=user_named("county_cadre"), survivor=a, merged=b)


def test_a_merge_where_both_share_a_tag_keeps_one(register, my_village, user_named):
    a = register("village_chair", my_village, name="同标签甲", phone="13600000001")
    b = register("village_chair", my_village, name="同标签乙", phone="13600000002")
    tag = Tag.objects.get(name="留守妇女")
    for person in (a, b):
        services.person_tag_add(actor=None, person=person, tag=tag)
    merging.person_merge(actor=user_named("county_cadre"), survivor=a, merged=b)
    assert PersonTag.objects.filter(tag=tag, person__in=[a, b]).count() == 1
