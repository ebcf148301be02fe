"""首问负责制 on the workflow engine, for rights cases and office enquiries alike.

One process, one step: the responsible person replies. The step's task *is* the
responsibility: its assignee is the responsible person, its due date the reply due
(3 working days from receipt, 7 after one extension with a reason), a transfer moves
it, and the engine's deadline jobs flag and escalate it when overdue. An item nobody
received yet (a public submission) is offered to the org's handlers; the first to
claim it becomes responsible.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import Position, Post, User
from fulian.core import audit
from fulian.core.calendar import add_working_days
from fulian.orgs.models import Org, OrgKind
from fulian.workflow import definitions, engine
from fulian.workflow.definitions import ActorRule, ProcessDefinition, Step
from fulian.workflow.models import Action, Task, TaskState

from .models import ContactState

REPLY_WORKING_DAYS = 3
EXTENDED_WORKING_DAYS = 7
PROCESS_KEY = "first_contact"


def reply_due_for(received_on, *, extended: bool = False):
    """The reply due date: 3 working days after receipt, 7 once extended."""
    return add_working_days(received_on, EXTENDED_WORKING_DAYS if extended else REPLY_WORKING_DAYS)


def handlers_of(org: Org, codename: str) -> list[User]:
    """Who handles the org's items: holders of ``cases.<codename>`` at it or its departments."""
    positions = (
        Position.objects.current()
        .filter(
            Q(org=org) | Q(org__parent=org, org__kind=OrgKind.DEPARTMENT),
            role__permissions__codename=codename,
            role__permissions__content_type__app_label="cases",
        )
        .select_related("user")
    )
    return sorted({p.user for p in positions if p.user.is_active}, key=lambda u: u.pk)


def handling_org_of(user: User, codename: str) -> Org | None:
    """The org whose items she handles (a department's staff handle their federation's)."""
    position = (
        Position.objects.current()
        .filter(
            user=user,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label="cases",
        )
        .select_related("org")
        .order_by("org__depth", "id")
        .first()
    )
    return position.org.federation() if position else None


def leaders_of(org: Org) -> list[User]:
    """The chairwoman and vice chairs of the handling federation, else the nearest above."""
    current = org.federation()
    while current is not None:
        people = definitions.holders(Q(org=current, post__in=[Post.CHAIRWOMAN, Post.VICE_CHAIR]))
        if people:
            return people
        current = current.parent.federation() if current.parent_id else None
    return []


def _responsible(ctx) -> list[User]:
    subject = ctx.subject
    if subject.responsible_id:
        return [subject.responsible]
    return handlers_of(subject.org, subject.HANDLER_CODENAME)


def _approved(instance, subject) -> None:
    # The inbox's "同意" cannot close an item without the reply on record.
    if not subject.replied_at:
        raise ValidationError(_("请先在事项页面填写答复内容，再办结"))


def _assigned(instance, subject, task: Task) -> None:
    """Keep the subject's responsible person in step with the task (claim or transfer)."""
    previous = subject.responsible
    subject.responsible = task.assignee
    if subject.department_id is None:
        subject.department = definitions.department_of(task.assignee)
    if subject.state == ContactState.UNCLAIMED:
        subject.state = ContactState.OPEN
    subject.save(update_fields=["responsible", "department", "state"])
    if previous is not None and previous.pk != task.assignee_id:
        subject.on_transferred(previous, task.assignee, task.comment or "")


def _escalated(instance, subject, task: Task, people: list[User]) -> None:
    """Leaders told of an overdue item may open it (a confidential case included)."""
    subject.on_escalated(people)


def _leaders_rule() -> ActorRule:
    return ActorRule(_("妇联领导"), lambda ctx: leaders_of(ctx.subject.org))


FIRST_CONTACT_V1 = definitions.register(
    ProcessDefinition(
        key=PROCESS_KEY,
        version=1,
        name="首问负责",
        steps=(
            Step(
                "reply",
                "答复（首问负责）",
                ActorRule("第一责任人", _responsible, claim=True),
                due_working_days=REPLY_WORKING_DAYS,
                actions=frozenset({Action.APPROVE, Action.TRANSFER}),
                escalate_to=_leaders_rule(),
                # The reply itself is written on the case page; the inbox only confirms it.
                approve_label="已答复",
            ),
        ),
        on_approved=_approved,
        on_assigned=_assigned,
        on_escalated=_escalated,
    )
)


def open_task(subject) -> Task | None:
    if not subject.process_id:
        return None
    return (
        Task.objects.filter(instance_id=subject.process_id, state=TaskState.OPEN)
        .select_related("assignee", "instance")
        .first()
    )


def start(*, actor: User, subject, title: str) -> None:
    """Open the responsibility: the receiver's task, or the org's claimable one."""
    subject.process = engine.start(
        definition_key=PROCESS_KEY, subject=subject, actor=actor, org=subject.org, title=title
    )
    subject.save(update_fields=["process"])
    # The engine counts from today; the rule counts from the day she was received.
    Task.objects.filter(instance=subject.process, state=TaskState.OPEN).update(
        due_date=subject.reply_due
    )
    task = open_task(subject)
    if task is not None and task.assignee_id and subject.responsible_id is None:
        # A single handler gets the task directly, as if she had claimed it.
        _assigned(subject.process, subject, task)


def require_responsible(actor: User, subject) -> Task:
    """The open task, if ``actor`` holds it (or acts for its holder by delegation)."""
    task = open_task(subject)
    if task is None:
        raise ValidationError(_("该事项已答复或办结"))
    if task.assignee_id is None:
        raise PermissionDenied(_("请先认领该事项"))
    if task.assignee_id != actor.pk and task.assignee_id not in engine.delegators_of(actor):
        raise PermissionDenied(_("只有第一责任人可以办理"))
    return task


def claim(*, actor: User, subject) -> None:
    task = open_task(subject)
    if task is None or task.assignee_id is not None:
        raise engine.WorkflowConflict(_("该事项已被他人认领"))
    engine.claim(task=task, actor=actor)


def reply(*, actor: User, subject, text: str, final_state: str) -> None:
    """Record the reply and complete the responsibility task."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": [_("请填写答复内容")]})
    task = require_responsible(actor, subject)
    subject.reply = text
    subject.replied_at = timezone.now()
    subject.state = final_state
    subject.save(update_fields=["reply", "replied_at", "state"])
    engine.act(task=task, actor=actor, action=Action.APPROVE, comment=_("已答复"))


def extend(*, actor: User, subject, reason: str) -> None:
    """Once only, with a reason: the reply is then due 7 working days after receipt."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("延期须填写理由")]})
    if subject.extension_reason:
        raise ValidationError(_("答复时限只能延长一次"))
    task = require_responsible(actor, subject)
    subject.extension_reason = reason[:500]
    subject.extended_at = timezone.now()
    subject.reply_due = reply_due_for(subject.received_on, extended=True)
    subject.save(update_fields=["extension_reason", "extended_at", "reply_due"])
    Task.objects.filter(pk=task.pk).update(due_date=subject.reply_due)
    audit.record_action("extend_reply", subject, detail={"reason": subject.extension_reason})


def transfer(*, actor: User, subject, to: User, reason: str) -> None:
    """Hand responsibility to a colleague in another department or org; history kept."""
    if to is None or not to.is_active:
        raise ValidationError({"to": [_("请选择接收人")]})
    if handling_org_of(to, subject.HANDLER_CODENAME) is None:
        raise ValidationError({"to": [_("接收人没有办理此类事项的岗位")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写转办理由")]})
    task = require_responsible(actor, subject)
    engine.act(task=task, actor=actor, action=Action.TRANSFER, comment=reason.strip(), target=to)


def escalate_major(*, actor: User, subject, reason: str) -> list[User]:
    """重大事项: the leadership of the handling federation is told (and may see it)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请说明重大事项的情况")]})
    leaders = [u for u in leaders_of(subject.org) if u.pk != actor.pk]
    subject.is_major = True
    subject.save(update_fields=["is_major"])
    if subject.process_id:
        engine.log_action(
            subject.process, Action.ESCALATE, actor, comment=reason.strip(), major=True
        )
        for leader in leaders:
            engine.notify_about(
                leader,
                "task_escalated",
                subject.process,
                assignee=(subject.responsible or actor).display_name,
                due_date=subject.reply_due.isoformat(),
            )
    return leaders
