"""The workflow engine: every approval and chain of responsibility runs through here.

Concurrency: a task is completed by a conditional UPDATE (``state = open`` in the
WHERE clause); of two people acting on one task at once exactly one changes a row,
the other gets ``WorkflowConflict`` with a clear message. This holds on SQLite and
PostgreSQL alike, without relying on row locks.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.models import User
from fulian.core import audit
from fulian.core.calendar import add_working_days
from fulian.orgs.models import Org

from . import definitions
from .models import Action, Delegation, ProcessInstance, ProcessState, Task, TaskLog, TaskState

PARALLEL, IN_ORDER = "parallel", "in_order"  # Step.fan_out


def _approved_at_step(instance: ProcessInstance, index: int) -> set[int]:
    """Who approved step ``index`` since the latest (re)submission."""
    submitted = instance.log.filter(action__in=[Action.SUBMIT, Action.RESUBMIT]).latest("at")
    return set(
        instance.tasks.filter(
            step_index=index,
            action=Action.APPROVE,
            completed_at__gte=submitted.at,
            is_countersign=False,
        ).values_list("assignee", flat=True)
    )


class WorkflowConflict(ValidationError):
    """Somebody else acted first, or the process moved on."""


def notify_about(recipient: User, kind: str, instance: ProcessInstance, **context) -> None:
    from fulian.notifications.services import notify

    notify(
        recipient=recipient,
        kind=kind,
        link=f"/inbox/process/{instance.pk}/",
        context={"subject": instance.title, **context},
        channels=("app", "sms"),
    )


def log_action(instance, action, actor, *, task=None, comment="", on_behalf_of=None, **detail):
    TaskLog.objects.create(
        instance=instance,
        task=task,
        actor=actor,
        action=action,
        comment=comment,
        on_behalf_of=on_behalf_of,
        detail=detail,
    )


def definition_of(instance: ProcessInstance) -> definitions.ProcessDefinition:
    return definitions.get(instance.definition_key, instance.definition_version)


def process_context(instance: ProcessInstance) -> definitions.Context:
    return definition_of(instance).make_context(instance.subject, instance.started_by, instance.org)


def _open_step(instance: ProcessInstance, start: int, sender: User) -> None:
    """Open the first applicable step at or after ``start``; finish when none is left."""
    definition = definition_of(instance)
    ctx = process_context(instance)
    for index in range(start, len(definition.steps)):
        step = definition.step(index)
        if not step.applies(ctx):
            continue
        people = step.actor.resolve(ctx)
        if step.fan_out == IN_ORDER and people:
            # The next one who has not yet approved this step since the (re)submission.
            done = _approved_at_step(instance, index)
            people = [p for p in people if p.pk not in done][:1]
            if not people:
                continue
        if not people:
            # The post is vacant (or held by the applicant herself): the step goes one
            # level up rather than being left with nobody to act.
            people = [
                u
                for u in (step.escalate_to or definitions.chairwoman()).resolve(ctx)
                if u.pk != instance.started_by_id
            ]
            log_action(
                instance,
                Action.ESCALATE,
                None,
                step=step.key,
                comment=_("“%(step)s”无人任职，转由上级办理") % {"step": step.name},
            )
        if not people:
            continue
        instance.step_index = index
        instance.save(update_fields=["step_index"])
        due = add_working_days(timezone.localdate(), step.due_working_days)
        if step.actor.claim and len(people) > 1:
            task = Task.objects.create(
                instance=instance,
                step_key=step.key,
                step_name=step.name,
                step_index=index,
                sender=sender,
                due_date=due,
            )
            task.candidates.set(people)
        else:
            everyone = step.actor.claim or step.fan_out == PARALLEL
            for person in people if everyone else people[:1]:
                Task.objects.create(
                    instance=instance,
                    step_key=step.key,
                    step_name=step.name,
                    step_index=index,
                    assignee=person,
                    sender=sender,
                    due_date=due,
                )
        for person in people:
            notify_about(
                person,
                "task_assigned",
                instance,
                sender=sender.display_name,
                due_date=due.isoformat(),
            )
        return
    if not _acted_on_since_submission(instance):
        raise ValidationError(_("该事项没有可以审批的人员，请联系管理员配置岗位"))
    _finish(instance, ProcessState.APPROVED, sender)


def _finish(instance: ProcessInstance, state: str, actor: User | None) -> None:
    instance.state = state
    instance.finished_at = timezone.now()
    instance.save(update_fields=["state", "finished_at"])
    definition = definition_of(instance)
    hook = {
        ProcessState.APPROVED: definition.on_approved,
        ProcessState.REJECTED: definition.on_rejected,
        ProcessState.WITHDRAWN: definition.on_withdrawn,
    }.get(state)
    if hook:
        hook(instance, instance.subject)
    if state in (ProcessState.APPROVED, ProcessState.REJECTED):
        notify_about(instance.started_by, f"process_{state}", instance)


@transaction.atomic
def start(*, definition_key: str, subject, actor: User, org: Org, title: str) -> ProcessInstance:
    """Start the latest version of a process for ``subject`` and open its first step."""
    definition = definitions.get(definition_key)
    instance = ProcessInstance.objects.create(
        definition_key=definition.key,
        definition_version=definition.version,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        title=title[:200],
        org=org,
        started_by=actor,
    )
    with audit.acting_as(actor):
        log_action(instance, Action.SUBMIT, actor)
        _open_step(instance, 0, actor)
    return instance


def delegators_of(user: User, on=None) -> list[int]:
    """Whose tasks she may act on today by delegation (委托)."""
    on = on or timezone.localdate()
    return list(
        Delegation.objects.filter(delegate=user, start_date__lte=on, end_date__gte=on).values_list(
            "delegator", flat=True
        )
    )


def _acting_for(task: Task, actor: User) -> User | None:
    """None when she acts in her own right; the delegator when she acts for her."""
    if task.assignee_id == actor.pk:
        return None
    if task.assignee_id is None and task.candidates.filter(pk=actor.pk).exists():
        return None
    if task.assignee_id and task.assignee_id in delegators_of(actor):
        return task.assignee
    raise PermissionDenied(_("这项待办不是您的"))


def _take(task: Task, actor: User, action: str, comment: str) -> None:
    """Complete the task if still open: exactly one of two racing actors succeeds."""
    changed = Task.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
        state=TaskState.DONE,
        action=action,
        comment=comment,
        acted_by=actor,
        completed_at=timezone.now(),
        assignee=task.assignee_id or actor.pk,
    )
    if not changed:
        done = Task.objects.select_related("acted_by").get(pk=task.pk)
        who = done.acted_by.display_name if done.acted_by else _("其他人")
        raise WorkflowConflict(
            _("该待办已由%(who)s办理（%(action)s），无需重复操作")
            % {"who": who, "action": done.get_action_display()}
        )
    task.refresh_from_db()


def _locked_instance(task: Task) -> ProcessInstance:
    instance = ProcessInstance.objects.select_for_update().get(pk=task.instance_id)
    if instance.state != ProcessState.RUNNING:
        raise WorkflowConflict(
            _("该流程已%(state)s，不能再办理") % {"state": instance.get_state_display()}
        )
    return instance


@transaction.atomic
def act(
    *, task: Task, actor: User, action: str, comment: str = "", target: User | None = None
) -> Task:
    """Approve, return, reject, transfer or add a countersigner on a task."""
    instance = _locked_instance(task)
    step = definition_of(instance).step(task.step_index)
    if action not in step.actions:
        raise ValidationError(_("此环节不允许“%(action)s”") % {"action": Action(action).label})
    on_behalf_of = _acting_for(task, actor)
    if action in (Action.RETURN, Action.REJECT) and not comment.strip():
        raise ValidationError(_("退回或不同意时请填写理由"))
    if action in (Action.TRANSFER, Action.COUNTERSIGN) and target is None:
        raise ValidationError(_("请选择转办或加签的人员"))
    if target is not None and target.pk == actor.pk:
        raise ValidationError(_("不能转给自己"))
    with audit.acting_as(actor):
        if action == Action.COUNTERSIGN:
            # 加签: the task stays hers; the step also waits for the countersigner.
            Task.objects.create(
                instance=instance,
                step_key=task.step_key,
                step_name=task.step_name,
                step_index=task.step_index,
                assignee=target,
                sender=actor,
                is_countersign=True,
                due_date=task.due_date,
            )
            log_action(
                instance,
                action,
                actor,
                task=task,
                comment=comment,
                on_behalf_of=on_behalf_of,
                target=target.pk,
            )
            notify_about(
                target,
                "task_assigned",
                instance,
                sender=actor.display_name,
                due_date=task.due_date.isoformat(),
            )
            return task
        _take(task, actor, action, comment)
        log_action(
            instance,
            action,
            actor,
            task=task,
            comment=comment,
            on_behalf_of=on_behalf_of,
            **({"target": target.pk} if target else {}),
        )
        if action == Action.TRANSFER:
            new_task = Task.objects.create(
                instance=instance,
                step_key=task.step_key,
                step_name=task.step_name,
                step_index=task.step_index,
                assignee=target,
                sender=actor,
                due_date=task.due_date,
                is_countersign=task.is_countersign,
            )
            _assigned(instance, new_task)
            notify_about(
                target,
                "task_assigned",
                instance,
                sender=actor.display_name,
                due_date=task.due_date.isoformat(),
            )
        elif action == Action.APPROVE:
            still_open = instance.tasks.filter(step_index=task.step_index, state=TaskState.OPEN)
            if not still_open.exists():
                in_order = definition_of(instance).step(task.step_index).fan_out == IN_ORDER
                _open_step(instance, task.step_index + (0 if in_order else 1), actor)
        elif action == Action.RETURN:
            _cancel_open(instance)
            instance.state = ProcessState.RETURNED
            instance.save(update_fields=["state"])
            hook = definition_of(instance).on_returned
            if hook:
                hook(instance, instance.subject)
            notify_about(instance.started_by, "process_returned", instance, reason=comment)
        elif action == Action.REJECT:
            _cancel_open(instance)
            _finish(instance, ProcessState.REJECTED, actor)
    return task


def _cancel_open(instance: ProcessInstance) -> None:
    instance.tasks.filter(state=TaskState.OPEN).update(
        state=TaskState.CANCELLED, completed_at=timezone.now()
    )


@transaction.atomic
def claim(*, task: Task, actor: User) -> Task:
    """抢办: the first of the group to claim the task owns it."""
    if not task.candidates.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("这项待办不是您的"))
    if not Task.objects.filter(pk=task.pk, assignee__isnull=True, state=TaskState.OPEN).update(
        assignee=actor
    ):
        raise WorkflowConflict(_("该待办已被他人认领"))
    task.refresh_from_db()
    with audit.acting_as(actor):
        log_action(task.instance, Action.CLAIM, actor, task=task)
        _assigned(task.instance, task)
    return task


def _assigned(instance: ProcessInstance, task: Task) -> None:
    hook = definition_of(instance).on_assigned
    if hook:
        hook(instance, instance.subject, task)


@transaction.atomic
def withdraw(*, instance: ProcessInstance, actor: User, comment: str = "") -> ProcessInstance:
    """The submitter takes it back, only before anyone has acted on it."""
    instance = ProcessInstance.objects.select_for_update().get(pk=instance.pk)
    if instance.started_by_id != actor.pk:
        raise PermissionDenied(_("只有发起人可以撤回"))
    if instance.state != ProcessState.RUNNING:
        raise WorkflowConflict(
            _("该流程已%(state)s，不能撤回") % {"state": instance.get_state_display()}
        )
    if _acted_on_since_submission(instance):
        raise WorkflowConflict(_("已有人办理，不能撤回；如需修改请联系当前办理人退回"))
    with audit.acting_as(actor):
        _cancel_open(instance)
        log_action(instance, Action.WITHDRAW, actor, comment=comment)
        _finish(instance, ProcessState.WITHDRAWN, actor)
    return instance


def _acted_on_since_submission(instance: ProcessInstance) -> bool:
    """Anyone's action (a claim included) since the latest (re)submission."""
    submitted = instance.log.filter(action__in=[Action.SUBMIT, Action.RESUBMIT]).latest("at")
    passive = [Action.SUBMIT, Action.RESUBMIT, Action.ESCALATE, Action.REMIND, Action.URGE]
    return instance.log.filter(at__gte=submitted.at).exclude(action__in=passive).exists()


@transaction.atomic
def resubmit(*, instance: ProcessInstance, actor: User, comment: str = "") -> ProcessInstance:
    """After a return, the submitter sends it again from the first step."""
    instance = ProcessInstance.objects.select_for_update().get(pk=instance.pk)
    if instance.started_by_id != actor.pk:
        raise PermissionDenied(_("只有发起人可以重新提交"))
    if instance.state != ProcessState.RETURNED:
        raise WorkflowConflict(_("只有被退回的申请可以重新提交"))
    instance.state = ProcessState.RUNNING
    instance.save(update_fields=["state"])
    with audit.acting_as(actor):
        log_action(instance, Action.RESUBMIT, actor, comment=comment)
        _open_step(instance, 0, actor)
    return instance


@transaction.atomic
def urge(*, task: Task, actor: User, comment: str = "") -> None:
    """催办: remind the current actor; anyone who sent or started it may urge."""
    instance = task.instance
    if task.state != TaskState.OPEN:
        raise WorkflowConflict(_("该待办已办理"))
    if actor.pk not in {instance.started_by_id, task.sender_id} and not actor.has_perm(
        "workflow.view_processinstance"
    ):
        raise PermissionDenied(_("您不能催办这项待办"))
    targets = [task.assignee] if task.assignee else list(task.candidates.all())
    with audit.acting_as(actor):
        log_action(instance, Action.URGE, actor, task=task, comment=comment)
    for person in targets:
        notify_about(
            person,
            "task_urged",
            instance,
            sender=actor.display_name,
            due_date=task.due_date.isoformat(),
        )


@transaction.atomic
def delegate(*, actor: User, to: User, start_date, end_date, reason: str = "") -> Delegation:
    """委托 her tasks to a colleague for a date range (e.g. while on leave)."""
    if to.pk == actor.pk:
        raise ValidationError(_("不能委托给自己"))
    if end_date < start_date:
        raise ValidationError(_("结束日期不能早于开始日期"))
    with audit.acting_as(actor):
        return Delegation.objects.create(
            delegator=actor, delegate=to, start_date=start_date, end_date=end_date, reason=reason
        )
