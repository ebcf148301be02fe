"""The inbox (待办/已办) and the process views, always for one user or through the scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fulian.accounts.scope import filter_queryset

from .engine import delegators_of
from .models import ProcessInstance, Task, TaskState


def _with_subject(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related(
        "instance", "instance__started_by", "instance__org", "sender", "assignee"
    )


def inbox_open(*, user, position=None) -> QuerySet[Task]:
    """Every open task waiting on her: her own, her group's unclaimed, her delegators'."""
    mine = Q(assignee=user) | Q(assignee__isnull=True, candidates=user)
    delegators = delegators_of(user)
    if delegators:
        mine |= Q(assignee__in=delegators)
    tasks = Task.objects.filter(mine, state=TaskState.OPEN)
    if position is not None:
        # A leader with posts in two orgs sees one post's work at a time.
        tasks = tasks.filter(instance__org__path__startswith=position.org.federation().path)
    return _with_subject(tasks.distinct()).order_by("due_date", "id")


def inbox_done(*, user) -> QuerySet[Task]:
    return _with_subject(Task.objects.filter(acted_by=user, state=TaskState.DONE)).order_by(
        "-completed_at"
    )


def task_for_actor(*, user, task_id) -> Task:
    """A task she may act on (hers, her group's, her delegator's) or 404."""
    try:
        return inbox_open(user=user).get(pk=int(task_id))
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def process_for_viewer(*, user, instance_id) -> ProcessInstance:
    """A process she started, acted on or was sent, or one in her scope to oversee."""
    try:
        instance = ProcessInstance.objects.select_related("org", "started_by").get(
            pk=int(instance_id)
        )
    except (ProcessInstance.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    involved = (
        instance.started_by_id == user.pk
        or instance.tasks.filter(Q(assignee=user) | Q(candidates=user) | Q(acted_by=user)).exists()
    )
    if involved:
        return instance
    if getattr(instance.subject, "is_restricted", False):
        # A subject only its own hands may see (a secret document): the scope is not enough.
        raise Http404
    subject_model = instance.subject_type.model_class()
    if getattr(subject_model, "scope_confidential", False):
        # A confidential subject (a rights case) is overseen only by those who may see it.
        meta = subject_model._meta
        visible = filter_queryset(
            subject_model.objects.filter(pk=instance.subject_id),
            user,
            f"{meta.app_label}.view_{meta.model_name}",
        ).exists()
        if not visible:
            raise Http404
        return instance
    in_scope = filter_queryset(
        ProcessInstance.objects.filter(pk=instance.pk), user, "workflow.view_processinstance"
    ).exists()
    if not in_scope:
        raise Http404
    return instance


def processes_started_by(*, user) -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(started_by=user).order_by("-started_at")
