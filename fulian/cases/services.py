"""Every change to a rights case: intake, reply, transfer, handling, closure, sharing.

Services check who the actor is against the case (its handlers, its responsible
person), validate with a Chinese message, and write in one transaction under
``audit.acting_as`` — a refused intake writes nothing, not half a case.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import User
from fulian.core import audit
from fulian.orgs.models import Org, OrgKind
from fulian.people.models import Person
from fulian.people.services import PersonData, id_number_hash, person_create, phone_hash
from fulian.people.validation import validate_id_number, validate_phone
from fulian.workflow.definitions import department_of

from . import first_contact
from .models import (
    RETURNING,
    AccessKind,
    Case,
    CaseAccess,
    Category,
    Channel,
    ContactState,
    Party,
    PartyRole,
    Satisfaction,
    Transfer,
    TransferState,
)

HANDLE = "handle_case"


@dataclass
class Intake:
    """What the receiver records; ``answer_now`` closes it at once (当场答复)."""

    channel: str
    category: Category | None
    name: str
    summary: str
    phone: str = ""
    id_number: str = ""
    area: Org | None = None
    received_on: datetime.date | None = None
    answer_now: str = ""
    is_major: bool = False
    parties: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, id)


def _clean(data: Intake) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict = {"name": (data.name or "").strip(), "summary": (data.summary or "").strip()}
    if not values["name"]:
        errors["name"] = [_("请填写当事人姓名")]
    elif len(values["name"]) > 50:
        errors["name"] = [_("姓名不能超过50个字")]
    if not values["summary"]:
        errors["summary"] = [_("请填写诉求内容")]
    if data.channel not in Channel.values:
        errors["channel"] = [_("请选择来源渠道")]
    if data.category is None or not data.category.is_active:
        errors["category"] = [_("请选择案件类别")]
    values["phone"] = ""
    if data.phone:
        try:
            values["phone"] = validate_phone(data.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    values["id_number"] = ""
    if data.id_number:
        try:
            values["id_number"] = validate_id_number(data.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if data.area is not None and data.area.kind != OrgKind.VILLAGE:
        errors["area"] = [_("所在地请选择到村（社区）")]
    received_on = data.received_on or timezone.localdate()
    if received_on > timezone.localdate():
        errors["received_on"] = [_("受理日期不能晚于今天")]
    values["received_on"] = received_on
    for index, (role, name, id_number) in enumerate(data.parties):
        if role not in PartyRole.values or not (name or "").strip():
            errors.setdefault("parties", []).append(
                _("第%(n)s位关系人信息不完整") % {"n": index + 1}
            )
        elif id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as exc:
                errors.setdefault("parties", []).append(
                    _("第%(n)s位关系人：%(e)s") % {"n": index + 1, "e": exc.messages[0]}
                )
    if errors:
        raise ValidationError(errors)
    return values


def _find_or_create_person(
    *,
    actor,
    name: str,
    id_number: str,
    phone: str,
    area: Org | None,
    category: str = "woman",
    guardian: Person | None = None,
) -> Person | None:
    """Found by ID number through the blind index, else registered at her village."""
    if id_number:
        found = Person.objects.filter(id_number_hash=id_number_hash(id_number)).first()
        if found is not None:
            return found
    if area is None or not id_number:
        # Without an ID number a match by name alone could be the wrong woman.
        return None
    return person_create(
        actor=actor,
        data=PersonData(name=name, org=area, id_number=id_number, phone=phone, category=category),
        guardian=guardian,
        confirm_not_duplicate=True,
    )


def _number(case: Case) -> str:
    return f"WQ{case.received_on.year}{case.pk:05d}"


def create_case(*, actor, starter: User, data: Intake, org: Org, received_by) -> Case:
    """Write a validated case and open its first-contact responsibility."""
    values = _clean(data)
    case = Case(
        number=uuid.uuid4().hex[:20],
        org=org,
        channel=data.channel,
        category=data.category,
        name=values["name"],
        phone=values["phone"],
        phone_hash=phone_hash(values["phone"]) if values["phone"] else None,
        summary=values["summary"],
        area=data.area,
        received_on=values["received_on"],
        received_by=received_by,
        responsible=received_by,
        department=department_of(received_by) if received_by else None,
        reply_due=first_contact.reply_due_for(values["received_on"]),
        is_major=data.is_major,
        state=ContactState.OPEN if received_by else ContactState.UNCLAIMED,
    )
    with audit.acting_as(actor):
        if received_by is not None:
            case.woman = _find_or_create_person(
                actor=actor,
                name=values["name"],
                id_number=values["id_number"],
                phone=values["phone"],
                area=data.area,
            )
        case.save()
        case.number = _number(case)
        case.save(update_fields=["number"])
        for role, name, id_number in data.parties:
            person = _find_or_create_person(
                actor=actor,
                name=name.strip(),
                id_number=validate_id_number(id_number) if id_number else "",
                phone="",
                area=data.area,
                category="child" if role == PartyRole.CHILD else "family",
            )
            if person is not None:
                Party.objects.get_or_create(case=case, person=person, role=role)
        first_contact.start(
            actor=starter,
            subject=case,
            title=_("维权案件 %(number)s（%(category)s）")
            % {"number": case.number, "category": case.category.name},
        )
    return case


@transaction.atomic
def case_receive(*, actor: User, data: Intake) -> Case:
    """首问: whoever receives her is responsible; an answer given at once closes it."""
    org = first_contact.handling_org_of(actor, HANDLE)
    if org is None:
        raise PermissionDenied(_("您没有受理维权案件的岗位"))
    case = create_case(actor=actor, starter=actor, data=data, org=org, received_by=actor)
    if data.answer_now.strip():
        with audit.acting_as(actor):
            first_contact.reply(
                actor=actor, subject=case, text=data.answer_now, final_state=ContactState.CLOSED
            )
            case.closed_at = case.replied_at
            case.answered_at_once = True
            case.closure_note = case.reply
            case.save(update_fields=["closed_at", "answered_at_once", "closure_note"])
    elif data.is_major:
        with audit.acting_as(actor):
            _grant_leaders(
                actor,
                case,
                first_contact.escalate_major(
                    actor=actor, subject=case, reason=_("受理时认定为重大事项")
                ),
            )
    return case


def is_handler(actor: User, case: Case) -> bool:
    org = first_contact.handling_org_of(actor, HANDLE)
    return org is not None and org.pk == case.org_id


def require_handler(actor: User, case: Case) -> None:
    if case.responsible_id == actor.pk or is_handler(actor, case):
        return
    raise PermissionDenied(_("只有承办组织的维权工作人员可以办理该案件"))


@transaction.atomic
def case_claim(*, actor: User, case: Case) -> Case:
    """抢办: the first handler to take an unclaimed case becomes responsible."""
    require_handler(actor, case)
    with audit.acting_as(actor):
        first_contact.claim(actor=actor, subject=case)
    case.refresh_from_db()
    return case


@transaction.atomic
def case_reply(*, actor: User, case: Case, text: str) -> Case:
    with audit.acting_as(actor):
        first_contact.reply(actor=actor, subject=case, text=text, final_state=ContactState.REPLIED)
    return case


@transaction.atomic
def case_extend(*, actor: User, case: Case, reason: str) -> Case:
    with audit.acting_as(actor):
        first_contact.extend(actor=actor, subject=case, reason=reason)
    return case


@transaction.atomic
def case_transfer(*, actor: User, case: Case, to: User | None, reason: str) -> Case:
    """Responsibility moves to ``to`` at once; the sender keeps sight of it until decided."""
    with audit.acting_as(actor):
        first_contact.transfer(actor=actor, subject=case, to=to, reason=reason)
    case.refresh_from_db()
    return case


def _pending_transfer_to(actor: User, case: Case) -> Transfer:
    transfer = case.transfers.filter(state=TransferState.PENDING, to_user=actor).last()
    if transfer is None:
        raise ValidationError(_("没有待您接收的转办"))
    return transfer


def _end_transfer_access(transfer: Transfer) -> None:
    CaseAccess.objects.filter(
        case=transfer.case, user=transfer.from_user, kind=AccessKind.TRANSFER, ended_at=None
    ).update(ended_at=timezone.now())


@transaction.atomic
def case_transfer_accept(*, actor: User, case: Case) -> Transfer:
    transfer = _pending_transfer_to(actor, case)
    with audit.acting_as(actor):
        transfer.state = TransferState.ACCEPTED
        transfer.decided_at = timezone.now()
        transfer.save(update_fields=["state", "decided_at"])
        _end_transfer_access(transfer)
    return transfer


@transaction.atomic
def case_transfer_reject(*, actor: User, case: Case, note: str) -> Transfer:
    """退回: responsibility goes back to the sender and the receiver's sight of it ends."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("退回时请填写理由")]})
    transfer = _pending_transfer_to(actor, case)
    task = first_contact.require_responsible(actor, case)
    with audit.acting_as(actor):
        transfer.state = TransferState.REJECTED
        transfer.decided_at = timezone.now()
        transfer.decision_note = note.strip()[:200]
        transfer.save(update_fields=["state", "decided_at", "decision_note"])
        _end_transfer_access(transfer)
        token = RETURNING.set(transfer)
        try:
            first_contact.engine.act(
                task=task,
                actor=actor,
                action=first_contact.Action.TRANSFER,
                comment=_("退回：%(note)s") % {"note": transfer.decision_note},
                target=transfer.from_user,
            )
        finally:
            RETURNING.reset(token)
    return transfer


@transaction.atomic
def case_escalate(*, actor: User, case: Case, reason: str) -> list[User]:
    require_handler(actor, case)
    with audit.acting_as(actor):
        leaders = first_contact.escalate_major(actor=actor, subject=case, reason=reason)
        _grant_leaders(actor, case, leaders)
    return leaders


def _grant_leaders(actor, case: Case, leaders: list[User]) -> None:
    for leader in leaders:
        CaseAccess.objects.get_or_create(
            case=case,
            user=leader,
            kind=AccessKind.ESCALATED,
            ended_at=None,
            defaults={"granted_by": actor, "reason": _("重大事项报告")},
        )


@transaction.atomic
def case_access_grant(*, actor: User, case: Case, user: User | None, reason: str) -> CaseAccess:
    """A superior may see a case only when a handler explicitly allows it, with a reason."""
    require_handler(actor, case)
    if user is None or not user.is_active:
        raise ValidationError({"user": [_("请选择授权查看的人员")]})
    if not user.has_perm("cases.view_case"):
        raise ValidationError({"user": [_("该人员没有查看维权案件的权限")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写授权理由")]})
    with audit.acting_as(actor):
        access, _created = CaseAccess.objects.get_or_create(
            case=case,
            user=user,
            kind=AccessKind.GRANTED,
            ended_at=None,
            defaults={"granted_by": actor, "reason": reason.strip()[:200]},
        )
    return access


@transaction.atomic
def case_access_end(*, actor: User, access: CaseAccess) -> CaseAccess:
    require_handler(actor, access.case)
    with audit.acting_as(actor):
        access.ended_at = timezone.now()
        access.save(update_fields=["ended_at"])
    return access


@transaction.atomic
def case_link_woman(*, actor: User, case: Case, id_number: str, area: Org | None) -> Case:
    """Link her to the registry by ID number (found, or registered at her village)."""
    require_handler(actor, case)
    try:
        number = validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    area = area or case.area
    with audit.acting_as(actor):
        person = _find_or_create_person(
            actor=actor, name=case.name, id_number=number, phone=case.phone, area=area
        )
        if person is None:
            raise ValidationError({"area": [_("登记新人员须选择所在村（社区）")]})
        case.woman = person
        case.area = area
        case.save(update_fields=["woman", "area"])
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, note: str, satisfaction: str) -> Case:
    """办结 with her satisfaction; only after the reply is on record."""
    require_handler(actor, case)
    if case.state == ContactState.CLOSED:
        raise ValidationError(_("该案件已办结"))
    if case.state != ContactState.REPLIED:
        raise ValidationError(_("请先答复当事人，再办结"))
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": [_("请选择当事人满意度")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写办结情况")]})
    with audit.acting_as(actor):
        case.state = ContactState.CLOSED
        case.closed_at = timezone.now()
        case.closure_note = note.strip()
        case.satisfaction = satisfaction
        case.save(update_fields=["state", "closed_at", "closure_note", "satisfaction"])
    return case


@transaction.atomic
def case_party_add(*, actor: User, case: Case, role: str, name: str, id_number: str) -> Party:
    """Another party (respondent, child), found by ID number or registered at her village."""
    require_handler(actor, case)
    if role not in PartyRole.values or not (name or "").strip():
        raise ValidationError(_("请填写关系人的身份和姓名"))
    try:
        number = validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    with audit.acting_as(actor):
        person = _find_or_create_person(
            actor=actor,
            name=name.strip(),
            id_number=number,
            phone="",
            area=case.area,
            category="child" if role == PartyRole.CHILD else "family",
            # A child under 14 is registered with her mother as guardian (PIPL art. 31).
            guardian=case.woman if role == PartyRole.CHILD else None,
        )
        if person is None:
            raise ValidationError(_("该人员尚未登记：请先为案件填写所在村（社区），再添加关系人"))
        party, _created = Party.objects.get_or_create(case=case, person=person, role=role)
    return party
