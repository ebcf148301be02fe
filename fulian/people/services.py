"""Every change to the people registry: create, update, tags, relations, reveal.

Merging lives in ``merging.py``. Every service takes the acting user, checks her
permission against the data scope, validates with a Chinese message, writes in one
transaction and leaves an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.scope import require, scope_for
from fulian.core import audit
from fulian.core.crypto import blind_index
from fulian.orgs.models import ADMIN_LEVEL, Org, OrgKind, OrgStatus, decode_path

from .models import ADULT_AGE, LegalBasis, Person, PersonRelation, PersonStatus, PersonTag, Tag
from .validation import (
    birth_date_from_id,
    gender_from_id,
    normalise_phone,
    validate_id_number,
    validate_phone,
)

ID_PURPOSE = "person.id_number"
PHONE_PURPOSE = "person.phone"
REVEALABLE = {"id_number": _("身份证号"), "phone": _("联系电话")}


def id_number_hash(number: str) -> str:
    return blind_index(number, purpose=ID_PURPOSE)


def phone_hash(phone: str) -> str:
    return blind_index(normalise_phone(phone), purpose=PHONE_PURPOSE)


class DuplicatePerson(ValidationError):
    """The ID number is already registered; ``existing`` is set only when she may see it."""

    def __init__(self, message: str, existing: Person | None):
        self.existing = existing
        super().__init__(message, code="duplicate_person")


class SimilarPeople(ValidationError):
    """People with the same name, phone and birth date: shown before saving."""

    def __init__(self, candidates: list[Person]):
        self.candidates = candidates
        super().__init__(_("发现可能重复的人员，请先核对"), code="similar_people")


def _contact_org_for(org: Org) -> Org:
    """Whom to contact about a person outside her scope: the county federation above."""
    ids = decode_path(org.path)
    ancestors = {o.pk: o for o in Org.objects.filter(pk__in=ids)}
    for org_id in reversed(ids):
        candidate = ancestors.get(org_id)
        if candidate and ADMIN_LEVEL.get(candidate.kind, 99) <= ADMIN_LEVEL[OrgKind.COUNTY]:
            return candidate
    return org


def duplicate_error(actor, existing: Person) -> DuplicatePerson:
    """Refuse a second record; outside her scope, say only that she exists and whom to ask."""
    if actor is None or scope_for(actor, "people.view_person").covers_org(existing.org):
        return DuplicatePerson(
            _("该身份证号已登记：%(name)s（%(org)s），请直接查看或更新该人员")
            % {"name": existing.name, "org": existing.org.name},
            existing,
        )
    contact = _contact_org_for(existing.org)
    return DuplicatePerson(
        _("该身份证号对应的人员已在其他单位登记，不能重复登记。如需协同服务，请联系%(org)s")
        % {"org": contact.name},
        None,
    )


@dataclass
class PersonData:
    """What a cadre fills in; validated and normalised by ``clean_person_data``."""

    name: str
    org: Org
    gender: str = "female"
    category: str = "woman"
    id_number: str = ""
    phone: str = ""
    birth_date: datetime.date | None = None
    ethnicity: str = "汉族"
    education: str = ""
    address: str = ""
    household_notes: str = ""
    legal_basis: str = LegalBasis.STATUTORY
    consent_date: datetime.date | None = None
    consent_scope: str = ""


_LENGTHS = {"name": 50, "ethnicity": 20, "address": 200, "consent_scope": 200}


def clean_person_data(data: PersonData) -> dict:
    """Validate and normalise; ValidationError as {field: [message]} in Chinese."""
    errors: dict[str, list[str]] = {}
    values = dict(vars(data))
    values["name"] = (data.name or "").strip()
    if not values["name"]:
        errors["name"] = [_("请填写姓名")]
    for field, limit in _LENGTHS.items():
        if len(str(values.get(field) or "")) > limit:
            errors.setdefault(field, []).append(_("不能超过%(n)s个字") % {"n": limit})
    if data.org.status != OrgStatus.ACTIVE:
        errors["org"] = [_("所属组织已撤销或合并")]
    if data.id_number:
        try:
            number = validate_id_number(data.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            values["id_number"] = number
            born = birth_date_from_id(number)
            if data.birth_date and data.birth_date != born:
                errors["birth_date"] = [
                    _("出生日期与身份证号不一致（应为 %(d)s）") % {"d": born.isoformat()}
                ]
            values["birth_date"] = born
            values["gender"] = gender_from_id(number)
    if data.phone:
        try:
            values["phone"] = validate_phone(data.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if values["birth_date"] and values["birth_date"] > timezone.localdate():
        errors["birth_date"] = [_("出生日期不能晚于今天")]
    if data.legal_basis == LegalBasis.CONSENT and not data.consent_date:
        errors["consent_date"] = [_("依据为“本人同意”时须填写同意日期")]
    if errors:
        raise ValidationError(errors)
    return values


def _under_14(birth_date: datetime.date | None) -> bool:
    if not birth_date:
        return False
    today = timezone.localdate()
    age = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return age < ADULT_AGE


def find_similar(*, name: str, phone: str, birth_date) -> list[Person]:
    """Same name and (same phone or same birth date): candidates for one person."""
    from django.db.models import Q

    if not name or not (phone or birth_date):
        return []
    match = Q(pk__in=[])
    if phone:
        match |= Q(phone_hash=phone_hash(phone))
    if birth_date:
        match |= Q(birth_date=birth_date)
    return list(
        Person.objects.filter(status=PersonStatus.ACTIVE, name=name.strip())
        .filter(match)
        .select_related("org")[:10]
    )


@transaction.atomic
def person_create(
    *,
    actor,
    data: PersonData,
    guardian: Person | None = None,
    guardian_kind: str = "mother",
    tags: list[Tag] = (),
    confirm_not_duplicate: bool = False,
) -> Person:
    """Register a person once: refused when her ID number is already registered."""
    require(actor, "people.add_person", data.org)
    values = clean_person_data(data)
    hashed = id_number_hash(values["id_number"]) if values["id_number"] else None
    if hashed:
        existing = Person.objects.select_related("org").filter(id_number_hash=hashed).first()
        if existing is not None:
            raise duplicate_error(actor, existing)
    elif not confirm_not_duplicate:
        similar = find_similar(
            name=values["name"], phone=values["phone"], birth_date=values["birth_date"]
        )
        visible = [
            p
            for p in similar
            if actor is None or scope_for(actor, "people.view_person").covers_org(p.org)
        ]
        if similar:
            raise SimilarPeople(visible)
    if _under_14(values["birth_date"]) and guardian is None:
        raise ValidationError(
            {"guardian": [_("未满14周岁的儿童须关联监护人（个人信息保护法第三十一条）")]}
        )
    person = Person(
        **values,
        id_number_hash=hashed,
        phone_hash=phone_hash(values["phone"]) if values["phone"] else None,
        created_by=actor,
    )
    with audit.acting_as(actor):
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:  # the same ID number saved a moment earlier
            existing = Person.objects.select_related("org").get(id_number_hash=hashed)
            raise duplicate_error(actor, existing) from exc
        if guardian is not None:
            relation_add(
                actor=actor, person=person, relative=guardian, kind=guardian_kind, is_guardian=True
            )
        for tag in tags:
            person_tag_add(actor=actor, person=person, tag=tag)
    return person


_EDITABLE = {
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
    "legal_basis",
    "consent_date",
    "consent_scope",
    "org",
}


@transaction.atomic
def person_update(*, actor, person: Person, **changes) -> Person:
    """Correct her record; a new ID number must still be unique."""
    require(actor, "people.change_person", person.org)
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "org" in changes:
        require(actor, "people.change_person", changes["org"])
    current = {field: getattr(person, field) for field in _EDITABLE}
    current.update(changes)
    if "id_number" not in changes and person.id_number:
        current["birth_date"] = changes.get("birth_date", person.birth_date)
    values = clean_person_data(PersonData(**current))
    hashed = id_number_hash(values["id_number"]) if values["id_number"] else None
    if hashed and hashed != person.id_number_hash:
        existing = (
            Person.objects.select_related("org")
            .filter(id_number_hash=hashed)
            .exclude(pk=person.pk)
            .first()
        )
        if existing is not None:
            raise duplicate_error(actor, existing)
    for field, value in values.items():
        setattr(person, field, value)
    person.id_number_hash = hashed
    person.phone_hash = phone_hash(values["phone"]) if values["phone"] else None
    with audit.acting_as(actor):
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            existing = Person.objects.select_related("org").get(id_number_hash=hashed)
            raise duplicate_error(actor, existing) from exc
    return person


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str) -> str:
    """The unmasked value, for roles that may see it; logged in the same transaction."""
    if field not in REVEALABLE:
        raise ValidationError(_("该字段不能查看"))
    if not scope_for(actor, "people.reveal_person").covers_org(person.org):
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    with audit.acting_as(actor):
        audit.record_view(person, fields=[field], reason="reveal", actor=actor)
    return getattr(person, field)


@transaction.atomic
def person_tag_add(*, actor, person: Person, tag: Tag, note: str = "") -> PersonTag:
    require(actor, "people.change_person", person.org)
    if not tag.is_active:
        raise ValidationError(_("标签“%(tag)s”已停用") % {"tag": tag.name})
    with audit.acting_as(actor):
        person_tag, created = PersonTag.objects.get_or_create(
            person=person, tag=tag, defaults={"added_by": actor, "note": note}
        )
    if not created:
        raise ValidationError(_("已有标签“%(tag)s”") % {"tag": tag.name})
    return person_tag


@transaction.atomic
def person_tag_remove(*, actor, person: Person, tag: Tag) -> None:
    require(actor, "people.change_person", person.org)
    with audit.acting_as(actor):
        for person_tag in PersonTag.objects.filter(person=person, tag=tag):
            person_tag.delete()


@transaction.atomic
def relation_add(
    *, actor, person: Person, relative: Person, kind: str, is_guardian: bool = False
) -> PersonRelation:
    """Link a relative; both must be in her scope (a guardian too)."""
    require(actor, "people.change_person", person.org)
    if actor is not None and not scope_for(actor, "people.view_person").covers_org(relative.org):
        raise PermissionDenied(_("该亲属不在您的管理范围内"))
    if person.pk == relative.pk:
        raise ValidationError(_("不能与本人建立关系"))
    with audit.acting_as(actor):
        relation, created = PersonRelation.objects.get_or_create(
            person=person, relative=relative, kind=kind, defaults={"is_guardian": is_guardian}
        )
    if not created:
        raise ValidationError(_("该关系已存在"))
    return relation


@transaction.atomic
def tag_save(
    *,
    actor,
    name: str,
    description: str = "",
    is_active: bool = True,
    order: int = 0,
    tag: Tag | None = None,
) -> Tag:
    """The tag dictionary is edited by administrators."""
    if actor is not None and not actor.has_perm("people.change_tag" if tag else "people.add_tag"):
        raise PermissionDenied(_("您没有维护标签字典的权限"))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写标签名称"))
    if Tag.objects.filter(name=name).exclude(pk=getattr(tag, "pk", None)).exists():
        raise ValidationError(_("标签“%(tag)s”已存在") % {"tag": name})
    tag = tag or Tag()
    tag.name, tag.description, tag.is_active, tag.order = name, description, is_active, order
    with audit.acting_as(actor):
        tag.save()
    return tag
