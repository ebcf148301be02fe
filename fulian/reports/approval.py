"""Report approval on the workflow engine: the level above approves or returns.

The approvers are whoever holds ``reports.approve_submission`` at the reporting org's
parent federation (or in one of its departments); the first to claim the task owns it.
"""

from __future__ import annotations

from django.db.models import Q

from fulian.orgs.models import OrgKind
from fulian.workflow import definitions
from fulian.workflow.definitions import ActorRule, Context, ProcessDefinition, Step
from fulian.workflow.models import Action

from . import services


def parent_federation(ctx: Context):
    parent = ctx.org.parent
    return parent.federation() if parent else None


def _approvers(ctx: Context):
    parent = parent_federation(ctx)
    if parent is None:
        return []
    return definitions.holders(
        (Q(org=parent) | Q(org__parent=parent, org__kind=OrgKind.DEPARTMENT))
        & Q(
            role__permissions__codename="approve_submission",
            role__permissions__content_type__app_label="reports",
        ),
        exclude=ctx.applicant,
    )


def level_above() -> ActorRule:
    return ActorRule("上级妇联审核", _approvers, claim=True)


REPORT_SUBMISSION = definitions.register(
    ProcessDefinition(
        key="report_submission",
        version=1,
        name="报表审核",
        steps=(
            Step(
                key="review",
                name="上级审核",
                actor=level_above(),
                due_working_days=5,
                actions=frozenset({Action.APPROVE, Action.RETURN}),
            ),
        ),
        on_approved=services.approval_done,
        on_returned=services.approval_returned,
        on_withdrawn=services.approval_withdrawn,
    )
)
