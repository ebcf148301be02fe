"""Merging two records of one person, and undoing it from the audit trail.

Every row in every module that points at the merged person is moved to the survivor;
the audit row of the merge lists what moved, so ``person_unmerge`` can put it back.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fulian.accounts.scope import scope_for
from fulian.core import audit
from fulian.core.crypto import decrypt_text, encrypt_text
from fulian.core.fields import EncryptedTextField
from fulian.core.models import AuditEvent

from .models import Person, PersonStatus

MERGEABLE_FIELDS = [
    "name",
    "gender",
    "category",
    "id_number",
    "phone",
    "birth_date",
    "ethnicity",
    "education",
    "address",
    "household_notes",
    "org",
]
_HASHES = {"id_number": "id_number_hash", "phone": "phone_hash"}


def _snapshot(person: Person, fields) -> dict:
    """Field values as JSON; encrypted fields stay encrypted in the audit trail."""
    snapshot = {}
    for name in fields:
        field = Person._meta.get_field(name)
        value = getattr(person, field.attname)
        if isinstance(field, EncryptedTextField):
            value = encrypt_text(value, context=field.context) if value else ""
            snapshot[_HASHES[name]] = getattr(person, _HASHES[name])
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        snapshot[field.attname] = value
    return snapshot


def _restore(person: Person, snapshot: dict) -> None:
    for attname, value in snapshot.items():
        field = next(f for f in Person._meta.concrete_fields if f.attname == attname)
        if isinstance(field, EncryptedTextField):
            value = decrypt_text(value, context=field.context) if value else ""
        elif isinstance(field, models.DateField) and value:
            value = field.to_python(value)
        setattr(person, attname, value)


def _person_links():
    """(model, field) for every foreign key to Person in every installed app.

    Includes ``Person.merged_into``: earlier merges into this record follow it.
    """
    return [
        (rel.related_model, rel.field)
        for rel in Person._meta.related_objects
        if rel.one_to_many or rel.one_to_one
    ]


def _unique_partners(model, field) -> list[list[str]]:
    """Other fields that form a unique set with ``field`` (where a move could collide)."""
    sets = [
        list(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and field.name in c.fields
    ]
    sets += [list(t) for t in model._meta.unique_together if field.name in t]
    return [[f for f in s if f != field.name] for s in sets]


def _plain_row(row) -> dict:
    return {
        f.attname: (v.isoformat() if hasattr((v := getattr(row, f.attname)), "isoformat") else v)
        for f in row._meta.concrete_fields
    }


@transaction.atomic
def person_merge(*, actor, survivor: Person, merged: Person, take: list[str] = ()) -> Person:
    """Merge ``merged`` into ``survivor``, taking the named fields from ``merged``."""
    for person in (survivor, merged):
        if actor is not None and not scope_for(actor, "people.merge_person").covers_org(person.org):
            raise PermissionDenied(_("您没有合并这两人的权限"))
    if survivor.pk == merged.pk:
        raise ValidationError(_("不能与自身合并"))
    if survivor.status != PersonStatus.ACTIVE or merged.status != PersonStatus.ACTIVE:
        raise ValidationError(_("已合并的人员不能再合并"))
    if survivor.id_number and merged.id_number and survivor.id_number != merged.id_number:
        raise ValidationError(_("两人的身份证号不同，不是同一人，不能合并"))
    unknown = set(take) - set(MERGEABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能合并的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    survivor_before = _snapshot(survivor, MERGEABLE_FIELDS)
    merged_before = _snapshot(merged, ["id_number", "phone"])

    # The merged record gives up its ID hash first: the hash is unique.
    Person.objects.filter(pk=merged.pk).update(id_number_hash=None)
    for name in take:
        setattr(survivor, name, getattr(merged, name))
        if name in _HASHES:
            setattr(survivor, _HASHES[name], merged_before[_HASHES[name]])
    if not survivor.id_number and merged.id_number:  # never lose a known ID number
        survivor.id_number = merged.id_number
        survivor.id_number_hash = merged_before["id_number_hash"]

    moved: dict[str, dict[str, list]] = {}
    deleted: list[dict] = []
    for model, field in _person_links():
        rows = model._default_manager.filter(**{field.name: merged})
        for partners in _unique_partners(model, field):
            taken = set(
                model._default_manager.filter(**{field.name: survivor}).values_list(*partners)
            )
            for row in list(rows):
                key = tuple(getattr(row, model._meta.get_field(p).attname) for p in partners)
                if key in taken or (
                    model._meta.label == "people.PersonRelation" and survivor.pk in key
                ):
                    deleted.append({"model": model._meta.label, "row": _plain_row(row)})
                    row.delete()
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field.name: survivor})
            moved.setdefault(model._meta.label, {})[field.name] = ids

    with audit.acting_as(actor):
        survivor.save()
        merged.status = PersonStatus.MERGED
        merged.merged_into = survivor
        merged.id_number_hash = None
        merged.save(update_fields=["status", "merged_into", "id_number_hash", "updated_at"])
        audit.record_action(
            "person_merge",
            survivor,
            detail={
                "merged_id": merged.pk,
                "take": list(take),
                "moved": moved,
                "deleted": deleted,
                "survivor_before": survivor_before,
                "merged_before": merged_before,
            },
        )
    return survivor


@transaction.atomic
def person_unmerge(*, actor, event: AuditEvent) -> Person:
    """Undo a merge from its audit row: rows move back, both records as they were."""
    if event.verb != "person_merge":
        raise ValidationError(_("这不是一次人员合并记录"))
    if AuditEvent.objects.filter(verb="person_unmerge", detail__merge_event=event.pk).exists():
        raise ValidationError(_("这次合并已经撤销过"))
    detail = event.detail
    survivor = Person.objects.get(pk=int(event.object_id))
    merged = Person.objects.get(pk=detail["merged_id"])
    for person in (survivor, merged):
        if actor is not None and not scope_for(actor, "people.merge_person").covers_org(person.org):
            raise PermissionDenied(_("您没有撤销这次合并的权限"))
    for label, fields in detail["moved"].items():
        model = apps.get_model(label)
        for field_name, ids in fields.items():
            model._default_manager.filter(pk__in=ids, **{field_name: survivor}).update(
                **{field_name: merged}
            )
    _restore(survivor, detail["survivor_before"])
    with audit.acting_as(actor):
        survivor.save()
        _restore(merged, detail["merged_before"])
        merged.status = PersonStatus.ACTIVE
        merged.merged_into = None
        merged.save()
        for item in detail["deleted"]:
            model = apps.get_model(item["model"])
            instance = model(**item["row"])
            instance.save(force_insert=True)
        audit.record_action(
            "person_unmerge", merged, detail={"merge_event": event.pk, "survivor_id": survivor.pk}
        )
    return merged
