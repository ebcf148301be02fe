"""Reads for reports, always through the data scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fulian.accounts.scope import current_positions, filter_queryset, scope_for
from fulian.orgs.models import Org

from .completeness import deadline_of, must_report
from .models import DataSet, DataValue, Indicator, Submission
from .periods import Period, period_containing

VIEW_PERM = "reports.view_datavalue"


def home_org(user) -> Org | None:
    """Where a user's figures start: the highest org of her view scope."""
    scope = scope_for(user, VIEW_PERM)
    if scope.everything:
        return Org.objects.filter(parent=None).order_by("path").first()
    roots = [path for _, path in scope.subtrees] + [path for _, path in scope.orgs]
    if not roots:
        return None
    return Org.objects.filter(path=min(roots, key=len)).first()


def org_for_viewer(user, org_id) -> Org:
    """An org whose figures she may see; 404 otherwise (the same as a missing one)."""
    try:
        org = Org.objects.get(pk=int(org_id))
    except (Org.DoesNotExist, TypeError, ValueError) as missing:
        raise Http404 from missing
    if not scope_for(user, VIEW_PERM).covers_org(org):
        raise Http404
    return org


def data_sets_for(user) -> QuerySet[DataSet]:
    """Data sets defined at or above her orgs (she reports them) or within her scope."""
    return filter_queryset(
        DataSet.objects.filter(is_active=True).select_related("owner"),
        user,
        "reports.view_dataset",
    )


def data_set_for_viewer(user, data_set_id) -> DataSet:
    try:
        return data_sets_for(user).get(pk=int(data_set_id))
    except (DataSet.DoesNotExist, TypeError, ValueError) as missing:
        raise Http404 from missing


def current_period(data_set: DataSet, today=None) -> Period:
    """The period being reported now: the last finished one (this year's yearly report is
    filled after the year ends), or the running one while it is still inside its deadline."""
    today = today or timezone.localdate()
    running = period_containing(data_set.period_type, today)
    previous = running.previous()
    return previous if today <= deadline_of(data_set, previous) else running


def last_closed_period(data_set: DataSet, today=None) -> Period:
    """The latest period that has ended: what a leader's figures show (the running one
    is still filling in)."""
    today = today or timezone.localdate()
    return period_containing(data_set.period_type, today).previous()


def my_reporting_orgs(user, data_set: DataSet) -> list[Org]:
    """The orgs she reports this data set for (her positions' orgs that must report)."""
    orgs = {p.org for p in current_positions(user)}
    return sorted((o for o in orgs if must_report(data_set, o)), key=lambda o: o.path)


def submission_of(data_set: DataSet, org: Org, period: str) -> Submission | None:
    return (
        Submission.objects.filter(data_set=data_set, org=org, period=period)
        .select_related("process", "submitted_by", "approved_by")
        .first()
    )


def values_of(data_set: DataSet, org: Org, period: str) -> dict[str, DataValue]:
    """The stored values of an entry form, keyed as the form's cells are."""
    rows = DataValue.objects.filter(
        org=org, period=period, element__datasetelement__data_set=data_set
    ).select_related("element", "option")
    return {
        (f"{v.element.code}.{v.option.code}" if v.option_id else v.element.code): v for v in rows
    }


def submissions_visible_to(user) -> QuerySet[Submission]:
    return filter_queryset(
        Submission.objects.select_related("data_set", "org"), user, "reports.view_submission"
    )


def values_visible_to(user) -> QuerySet[DataValue]:
    return filter_queryset(
        DataValue.objects.select_related("element", "org", "option"), user, VIEW_PERM
    )


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.all()
