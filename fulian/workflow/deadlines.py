"""Deadlines: a reminder one working day before, escalation once overdue.

Both jobs are idempotent (a task is reminded and escalated once) and run every few
minutes under Celery beat, or ``manage.py run_periodic_jobs`` in development.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from fulian.core.calendar import add_working_days

from . import definitions
from .engine import definition_of, log_action, notify_about, process_context
from .models import Action, Task, TaskState


def send_reminders(today=None) -> int:
    """Tasks due on the next working day get one reminder."""
    today = today or timezone.localdate()
    due_soon = add_working_days(today, 1)
    count = 0
    for task in Task.objects.filter(
        state=TaskState.OPEN, reminded_at__isnull=True, due_date__lte=due_soon, due_date__gte=today
    ).select_related("instance", "assignee"):
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            targets = [task.assignee] if task.assignee else list(task.candidates.all())
            for person in targets:
                notify_about(
                    person, "task_reminder", task.instance, due_date=task.due_date.isoformat()
                )
            log_action(task.instance, Action.REMIND, None, task=task)
            count += 1
    return count


def escalate_overdue(today=None) -> int:
    """Overdue tasks go up once: to the step's escalation rule, else the chairwoman."""
    today = today or timezone.localdate()
    count = 0
    for task in Task.objects.filter(
        state=TaskState.OPEN, escalated_at__isnull=True, due_date__lt=today
    ).select_related("instance", "instance__org", "assignee"):
        instance = task.instance
        step = definition_of(instance).step(task.step_index)
        rule = step.escalate_to or definitions.chairwoman()
        targets = [u for u in rule.resolve(process_context(instance)) if u.pk != task.assignee_id]
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now(), escalated_to=targets[0] if targets else None
            ):
                continue
            for person in targets:
                notify_about(
                    person,
                    "task_escalated",
                    instance,
                    assignee=task.assignee.display_name if task.assignee else "—",
                    due_date=task.due_date.isoformat(),
                )
            if task.assignee:
                notify_about(
                    task.assignee, "task_overdue", instance, due_date=task.due_date.isoformat()
                )
            log_action(instance, Action.ESCALATE, None, task=task, targets=[u.pk for u in targets])
            if definition_of(instance).on_escalated:
                definition_of(instance).on_escalated(instance, instance.subject, task, targets)
            count += 1
    return count


def overdue_filter(today=None) -> Q:
    """Tasks finished late or still open past their due date (责任追究)."""
    today = today or timezone.localdate()
    return Q(state=TaskState.OPEN, due_date__lt=today) | Q(
        state=TaskState.DONE, completed_at__date__gt=F("due_date")
    )


def overdue_counts_by_person(tasks) -> dict[int, int]:
    """{user id: overdue tasks} over a queryset of tasks the caller already scoped."""
    rows = (
        tasks.filter(overdue_filter())
        .exclude(assignee__isnull=True)
        .values("assignee")
        .annotate(n=Count("id"))
    )
    return {row["assignee"]: row["n"] for row in rows}


def overdue_counts_by_org(tasks) -> dict[int, int]:
    rows = tasks.filter(overdue_filter()).values("instance__org").annotate(n=Count("id"))
    return {row["instance__org"]: row["n"] for row in rows}
