"""Reads of the people registry, always through the data scope; search first."""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from fulian.accounts.scope import filter_queryset
from fulian.core.models import AuditEvent

from .models import Person, PersonRelation, PersonStatus, PersonTag
from .services import id_number_hash, phone_hash
from .validation import normalise_id_number, normalise_phone

VIEW = "people.view_person"
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def people_visible_to(*, viewer, perm: str = VIEW) -> QuerySet[Person]:
    """Active people at orgs in the viewer's scope (merged records are hidden)."""
    return filter_queryset(Person.objects.filter(status=PersonStatus.ACTIVE), viewer, perm)


def person_get_for_viewer(*, viewer, person_id, perm: str = VIEW) -> Person:
    try:
        return filter_queryset(
            Person.objects.select_related("org", "merged_into"), viewer, perm
        ).get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def people_search(*, viewer, text: str) -> QuerySet[Person]:
    """By ID number or phone (exact, through the keyed hash) or by name, within scope."""
    text = (text or "").strip()
    people = people_visible_to(viewer=viewer).select_related("org")
    if not text:
        return people.none()
    if _ID_LIKE.match(text):
        return people.filter(id_number_hash=id_number_hash(normalise_id_number(text)))
    if _PHONE_LIKE.match(normalise_phone(text)):
        return people.filter(phone_hash=phone_hash(text))
    return people.filter(name__contains=text)


def person_tags(person: Person) -> QuerySet[PersonTag]:
    return PersonTag.objects.filter(person=person).select_related("tag", "added_by")


def person_relations(*, viewer, person: Person) -> list[PersonRelation]:
    """Her relatives, both directions; a relative outside the scope shows only the kind."""
    visible = set(
        people_visible_to(viewer=viewer)
        .values_list("pk", flat=True)
        .filter(
            pk__in=list(
                PersonRelation.objects.filter(person=person).values_list("relative", flat=True)
            )
            + list(PersonRelation.objects.filter(relative=person).values_list("person", flat=True))
        )
    )
    relations = list(PersonRelation.objects.filter(person=person).select_related("relative"))
    relations += list(PersonRelation.objects.filter(relative=person).select_related("person"))
    for relation in relations:
        other = relation.relative if relation.person_id == person.pk else relation.person
        relation.other = other
        relation.other_visible = other.pk in visible
        relation.direction = "of" if relation.person_id == person.pk else "to"
    return relations


def person_reveals(*, person: Person) -> QuerySet[AuditEvent]:
    """Who has seen her full ID number or phone, newest first."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW,
        content_type__app_label="people",
        content_type__model="person",
        object_id=str(person.pk),
    ).order_by("-at")


def people_with_tags(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.prefetch_related(
        Prefetch("person_tags", queryset=PersonTag.objects.select_related("tag"))
    )
