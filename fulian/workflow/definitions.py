"""Process definitions, declared in code and versioned.

A definition is a sequence of steps. Each step says who acts — resolved from the org
tree when the step is reached — an optional condition on the subject, a due time in
working days, the actions allowed, and whom to escalate to when it is overdue.

Never edit a released version: register ``version + 1``. Running instances keep the
version they started with, which stays registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from fulian.accounts.models import Position, Post, User
from fulian.orgs.models import Org, OrgKind

from .models import Action


@dataclass
class Context:
    """What a rule or a condition looks at: the subject, who started, and where."""

    subject: Any
    applicant: User
    org: Org  # the department or org the subject belongs to

    @property
    def federation(self) -> Org:
        return self.org.federation()


def holders(query: Q, exclude: User | None = None) -> list[User]:
    positions = Position.objects.current().filter(query).select_related("user")
    users = {p.user for p in positions}
    if exclude is not None:
        users.discard(exclude)
    return sorted(users, key=lambda u: u.pk)


@dataclass(frozen=True)
class ActorRule:
    """Who acts on a step; ``claim`` offers the step to the group (first to claim owns it)."""

    label: str
    resolve: Callable[[Context], list[User]]
    claim: bool = False


def department_head() -> ActorRule:
    return ActorRule(
        "部室负责人",
        lambda ctx: holders(Q(org=ctx.org, post=Post.DEPARTMENT_HEAD), exclude=ctx.applicant),
    )


def leader_in_charge() -> ActorRule:
    """分管领导: the vice chair whose position oversees the department."""
    return ActorRule(
        "分管领导",
        lambda ctx: holders(Q(post=Post.VICE_CHAIR, oversees=ctx.org), exclude=ctx.applicant),
    )


def chairwoman() -> ActorRule:
    return ActorRule(
        "主席",
        lambda ctx: holders(Q(org=ctx.federation, post=Post.CHAIRWOMAN), exclude=ctx.applicant),
    )


def role_in_org(
    role_code: str,
    org: Callable[[Context], Org] | None = None,
    *,
    label: str = "",
    claim: bool = True,
) -> ActorRule:
    """Everyone holding ``role_code`` at the org (the subject's org by default)."""
    return ActorRule(
        label or role_code,
        lambda ctx: holders(
            Q(role__code=role_code, org=(org or (lambda c: c.org))(ctx)), exclude=ctx.applicant
        ),
        claim=claim,
    )


def named(username: str) -> ActorRule:
    return ActorRule(
        username, lambda ctx: list(User.objects.filter(username=username, is_active=True))
    )


def department_of(user: User) -> Org | None:
    """Her department: the internal department of her first current position there."""
    position = (
        Position.objects.current()
        .filter(user=user, org__kind=OrgKind.DEPARTMENT)
        .select_related("org")
        .order_by("id")
        .first()
    )
    return position.org if position else None


def is_department_head(user: User, department: Org) -> bool:
    return (
        Position.objects.current()
        .filter(user=user, org=department, post=Post.DEPARTMENT_HEAD)
        .exists()
    )


DEFAULT_ACTIONS = frozenset(
    {Action.APPROVE, Action.RETURN, Action.REJECT, Action.TRANSFER, Action.COUNTERSIGN}
)


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    actor: ActorRule
    due_working_days: int = 3
    condition: Callable[[Context], bool] | None = None
    actions: frozenset = DEFAULT_ACTIONS
    escalate_to: ActorRule | None = None
    # Several people on one step: "parallel" gives each a task and the step completes
    # when all have approved; "in_order" gives them one after another (传阅 in order).
    fan_out: str = ""
    # What approving means on this step, for the buttons and the history ("签发", "签阅").
    approve_label: str = ""

    def applies(self, ctx: Context) -> bool:
        return self.condition is None or bool(self.condition(ctx))


@dataclass(frozen=True)
class ProcessDefinition:
    key: str
    version: int
    name: str
    steps: tuple[Step, ...]
    # Hooks run inside the transaction of the action that triggered them.
    on_approved: Callable[[Any, Any], None] | None = None
    on_returned: Callable[[Any, Any], None] | None = None
    on_rejected: Callable[[Any, Any], None] | None = None
    on_withdrawn: Callable[[Any, Any], None] | None = None
    # Runs when a task changes hands (claimed, transferred): (instance, subject, new task).
    on_assigned: Callable[[Any, Any, Any], None] | None = None
    # Runs when an overdue task is escalated: (instance, subject, task, people told).
    on_escalated: Callable[[Any, Any, Any, list], None] | None = None
    context: Callable[[Any, User], Context] | None = field(default=None)

    def step(self, index: int) -> Step:
        return self.steps[index]

    def make_context(self, subject, applicant: User, org: Org) -> Context:
        if self.context is not None:
            return self.context(subject, applicant)
        return Context(subject=subject, applicant=applicant, org=org)


_registry: dict[tuple[str, int], ProcessDefinition] = {}


def register(definition: ProcessDefinition) -> ProcessDefinition:
    key = (definition.key, definition.version)
    if key in _registry and _registry[key] is not definition:
        raise ValueError(f"{key} is already registered: register a new version instead")
    _registry[key] = definition
    return definition


def get(key: str, version: int | None = None) -> ProcessDefinition:
    if version is None:
        versions = [v for (k, v) in _registry if k == key]
        if not versions:
            raise LookupError(f"no process definition {key!r}")
        version = max(versions)
    return _registry[(key, version)]
