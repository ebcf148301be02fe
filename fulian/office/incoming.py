"""Incoming documents (收文) on the workflow engine (文件处理传阅制度).

The office registers the document and attaches the processing slip (处理签) → the office
director proposes handling (拟办) → the leaders named instruct (批示) → the departments
named read and sign (传阅), in order or in parallel → back to the office for the archive.
Urgent documents (急件即到即送) skip 拟办 and 批示: everyone named gets them at once.
A leader's instruction can name action items (督办事项): each is a process of its own,
with its due date, reminders, escalation to that leader and urging (催办).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import Post, User
from fulian.accounts.scope import require
from fulian.core import audit
from fulian.orgs.models import Org, OrgKind
from fulian.workflow import definitions, engine
from fulian.workflow.definitions import ActorRule, Context, ProcessDefinition, Step
from fulian.workflow.models import Action, Task, TaskState

from . import numbering
from .models import ActionItem, CirculationStop, IncomingAttachment, IncomingDocument, Urgency
from .outgoing import office_head

ADD = "office.add_incomingdocument"
CIRCULATION_STEPS = ("circulate", "circulate_in_order")


def _urgent(ctx: Context) -> bool:
    return ctx.subject.urgency in (Urgency.URGENT, Urgency.EXTRA_URGENT)


def readers_of(department: Org) -> list[User]:
    """Who signs for a department: its head, else its first member."""
    heads = definitions.holders(Q(org=department, post=Post.DEPARTMENT_HEAD))
    return heads or definitions.holders(Q(org=department))[:1]


def _readers(ctx: Context) -> list[User]:
    people: list[User] = []
    if _urgent(ctx):  # urgent: the leaders read it at once with the departments
        people.extend(ctx.subject.instructing_leaders.order_by("id"))
    for stop in ctx.subject.circulation.select_related("department"):
        people.extend(p for p in readers_of(stop.department) if p not in people)
    return people


def _leaders(ctx: Context) -> list[User]:
    return list(ctx.subject.instructing_leaders.order_by("id"))


def _registrar(ctx: Context) -> list[User]:
    return [ctx.subject.registered_by]


READERS = ActorRule("传阅部室负责人", _readers)
CIRCULATE_ONLY = frozenset({Action.APPROVE})

INCOMING_V1 = definitions.register(
    ProcessDefinition(
        key="incoming",
        version=1,
        name="收文办理",
        steps=(
            Step(
                "propose",
                "办公室拟办",
                office_head(),
                due_working_days=1,
                condition=lambda ctx: not _urgent(ctx),
                actions=frozenset({Action.APPROVE, Action.TRANSFER}),
                approve_label="拟办",
            ),
            Step(
                "instruct",
                "领导批示",
                ActorRule("批示领导", _leaders),
                due_working_days=2,
                condition=lambda ctx: not _urgent(ctx) and ctx.subject.instructing_leaders.exists(),
                actions=frozenset({Action.APPROVE, Action.TRANSFER}),
                fan_out=engine.PARALLEL,
                approve_label="批示",
            ),
            Step(
                "circulate_in_order",
                "部室传阅",
                READERS,
                due_working_days=1,
                condition=lambda ctx: ctx.subject.in_order and not _urgent(ctx),
                actions=CIRCULATE_ONLY,
                fan_out=engine.IN_ORDER,
                approve_label="签阅",
            ),
            Step(
                "circulate",
                "部室传阅",
                READERS,
                due_working_days=1,
                condition=lambda ctx: not ctx.subject.in_order or _urgent(ctx),
                actions=CIRCULATE_ONLY,
                fan_out=engine.PARALLEL,
                approve_label="签阅",
            ),
            Step(
                "file",
                "交回办公室归档",
                ActorRule("登记人", _registrar),
                due_working_days=3,
                actions=CIRCULATE_ONLY,
                approve_label="收回",
            ),
        ),
    )
)


def _assigner(ctx: Context) -> list[User]:
    return [ctx.subject.assigned_by]


ACTION_ITEM_V1 = definitions.register(
    ProcessDefinition(
        key="incoming_action",
        version=1,
        name="督办事项",
        steps=(
            Step(
                "handle",
                "承办",
                ActorRule("承办部室负责人", lambda ctx: readers_of(ctx.subject.department)),
                escalate_to=ActorRule("交办领导", _assigner),
                actions=frozenset({Action.APPROVE, Action.TRANSFER}),
                approve_label="办结",
            ),
        ),
    )
)


def _departments(federation: Org, departments) -> list[Org]:
    departments = list(dict.fromkeys(departments or []))
    for department in departments:
        if department.kind != OrgKind.DEPARTMENT or department.parent_id != federation.pk:
            raise ValidationError(_("“%(d)s”不是本会的部室，不能传阅") % {"d": department.name})
    return departments


def _leaders_of(federation: Org, leaders) -> list[User]:
    leaders = list(dict.fromkeys(leaders or []))
    allowed = set(
        definitions.holders(Q(org=federation, post__in=[Post.CHAIRWOMAN, Post.VICE_CHAIR]))
    )
    for leader in leaders:
        if leader not in allowed:
            raise ValidationError(_("“%(n)s”不是本会领导，不能批示") % {"n": leader.display_name})
    return leaders


def _set_circulation(document: IncomingDocument, departments: list[Org]) -> None:
    document.circulation.all().delete()
    CirculationStop.objects.bulk_create(
        CirculationStop(document=document, department=d, position=i)
        for i, d in enumerate(departments, start=1)
    )


@dataclass
class Registration:
    source_org: str
    title: str
    received_on: datetime.date
    source_number: str = ""
    secrecy: str = ""
    urgency: str = ""
    pages: int = 1


def _check(reg: Registration, departments, leaders) -> None:
    missing = [
        str(label)
        for value, label in ((reg.source_org, _("来文单位")), (reg.title, _("标题")))
        if not (value or "").strip()
    ]
    if missing:
        raise ValidationError(_("请填写：%(f)s") % {"f": "、".join(missing)})
    if reg.received_on > timezone.localdate():
        raise ValidationError(_("收文日期不能晚于今天"))
    if not reg.pages or reg.pages < 1:
        raise ValidationError(_("页数至少为1"))
    if (reg.secrecy or reg.urgency) and not departments:
        # A secret document circulates only to those named; an urgent one goes at once.
        raise ValidationError(_("密件和急件登记时必须指定传阅部室"))


@transaction.atomic
def incoming_register(
    *,
    actor: User,
    registration: Registration,
    departments=(),
    leaders=(),
    in_order: bool = False,
    attachments=(),
) -> IncomingDocument:
    """The office registers an incoming document, numbers it and starts its handling."""
    office = definitions.department_of(actor)
    if office is None:
        raise PermissionDenied(_("只有办公室工作人员可以登记收文"))
    federation = office.federation()
    require(actor, ADD, federation)
    departments = _departments(federation, departments)
    leaders = _leaders_of(federation, leaders)
    _check(registration, departments, leaders)
    duplicate = IncomingDocument.objects.filter(
        org=federation,
        source_org=registration.source_org.strip(),
        title=registration.title.strip(),
        source_number=registration.source_number.strip(),
    ).first()
    if duplicate is not None:
        # The same letter registered twice (a form posted twice, or a second copy).
        raise ValidationError(
            _("该来文已于%(d)s登记（%(n)s），请勿重复登记")
            % {"d": duplicate.created_at.date().isoformat(), "n": duplicate.receipt_number.text}
        )
    number = numbering.number_assign(
        actor=actor,
        org=federation,
        doc_type="收文",
        year=registration.received_on.year,
        subject_label=registration.title,
        text_format="{org}收〔{year}〕{n}号",
    )
    with audit.acting_as(actor):
        document = IncomingDocument.objects.create(
            org=federation,
            receipt_number=number,
            source_org=registration.source_org.strip(),
            source_number=registration.source_number.strip(),
            title=registration.title.strip(),
            secrecy=registration.secrecy or "",
            urgency=registration.urgency or "",
            received_on=registration.received_on,
            pages=registration.pages,
            registered_by=actor,
            in_order=in_order,
        )
        document.instructing_leaders.set(leaders)
        _set_circulation(document, departments)
        for upload in attachments:
            IncomingAttachment.objects.create(
                document=document, file=upload, name=upload.name[:200], uploaded_by=actor
            )
        document.process = engine.start(
            definition_key="incoming",
            subject=document,
            actor=actor,
            org=office,
            # A secret title stays off inboxes, notifications and SMS: the number only.
            title=(
                _("收文（%(secrecy)s）：%(number)s")
                % {"secrecy": document.secrecy, "number": number.text}
                if document.secrecy
                else _("收文：%(title)s") % {"title": document.title}
            ),
        )
        document.save(update_fields=["process"])
    return document


def open_task(document, actor: User, steps) -> Task:
    """Her open task on one of ``steps`` of this document's process, or a clear refusal."""
    task = (
        Task.objects.filter(
            instance=document.process, state=TaskState.OPEN, step_key__in=steps, assignee=actor
        )
        .order_by("id")
        .first()
    )
    if task is None:
        raise ValidationError(_("该收文当前没有等待您办理的环节，可能已由他人办理"))
    return task


@transaction.atomic
def incoming_propose(
    *,
    actor: User,
    document: IncomingDocument,
    proposal: str,
    leaders=(),
    departments=(),
    in_order: bool = False,
) -> IncomingDocument:
    """拟办: the office director proposes handling, names the leaders and the departments."""
    task = open_task(document, actor, ("propose",))
    if not (proposal or "").strip():
        raise ValidationError(_("请填写拟办意见"))
    departments = _departments(document.org, departments)
    leaders = _leaders_of(document.org, leaders)
    if not departments and not leaders:
        raise ValidationError(_("请至少指定一位批示领导或一个传阅部室"))
    with audit.acting_as(actor):
        document.proposal = proposal.strip()
        document.in_order = in_order
        document.save(update_fields=["proposal", "in_order"])
        document.instructing_leaders.set(leaders)
        _set_circulation(document, departments)
        engine.act(task=task, actor=actor, action=Action.APPROVE, comment=document.proposal)
    return document


@dataclass
class NewActionItem:
    department: Org
    text: str
    due_date: datetime.date


@transaction.atomic
def incoming_instruct(
    *, actor: User, document: IncomingDocument, instruction: str, actions=()
) -> list[ActionItem]:
    """批示: a leader instructs; each action item named is tracked until done (督办)."""
    task = open_task(document, actor, ("instruct",))
    if not (instruction or "").strip():
        raise ValidationError(_("请填写批示意见"))
    today = timezone.localdate()
    for item in actions:
        _departments(document.org, [item.department])
        if not (item.text or "").strip():
            raise ValidationError(_("请填写督办事项的办理要求"))
        if item.due_date is None or item.due_date < today:
            raise ValidationError(_("督办事项的办理期限不能早于今天"))
    created = []
    with audit.acting_as(actor):
        for item in actions:
            action_item = ActionItem.objects.create(
                document=document,
                department=item.department,
                text=item.text.strip(),
                due_date=item.due_date,
                assigned_by=actor,
            )
            action_item.process = engine.start(
                definition_key="incoming_action",
                subject=action_item,
                actor=actor,
                org=item.department,
                title=_("督办：%(text)s") % {"text": action_item.text},
            )
            action_item.save(update_fields=["process"])
            # The leader's date, not the step's default, is the deadline chased.
            action_item.process.tasks.filter(state=TaskState.OPEN).update(due_date=item.due_date)
            created.append(action_item)
        engine.act(task=task, actor=actor, action=Action.APPROVE, comment=instruction.strip())
    return created


@transaction.atomic
def incoming_sign(*, actor: User, document: IncomingDocument, comment: str = "") -> Task:
    """传阅: the department signs as read (an opinion optional)."""
    task = open_task(document, actor, (*CIRCULATION_STEPS, "file"))
    return engine.act(
        task=task, actor=actor, action=Action.APPROVE, comment=(comment or "").strip() or _("已阅")
    )


def incoming_state(document: IncomingDocument) -> str:
    """The step it waits on, or where it ended; read from the process without a query."""
    process = document.process
    if process is None:
        return "—"
    if process.state == "running" and process.step_index >= 0:
        return engine.definition_of(process).step(process.step_index).name
    if process.state == "approved":
        filed = getattr(document, "archive_entry", None) is not None
        return str(_("已归档") if filed else _("已办结，待归档"))
    return process.get_state_display()
