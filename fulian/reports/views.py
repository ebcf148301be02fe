"""Report pages: the list, the entry form, completeness and the roll-up table."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.accounts.scope import scope_for
from fulian.core.errors import error_text

from . import completeness, rollup, selectors, services, sources
from .exports import xlsx_response
from .models import SubmissionState
from .periods import last_periods, parse


def _period(request, data_set):
    text = request.GET.get("period") or ""
    if not text:
        return selectors.current_period(data_set)
    try:
        period = parse(text)
    except ValidationError as error:
        raise Http404 from error
    if period.type != data_set.period_type:
        raise Http404
    return period


def _org(request, user):
    org_id = request.GET.get("org")
    if org_id:
        return selectors.org_for_viewer(user, org_id)
    org = selectors.home_org(user)
    if org is None:
        raise Http404
    return org


@login_required
def data_set_list(request):
    rows = []
    for data_set in selectors.data_sets_for(request.user).order_by("code"):
        period = selectors.current_period(data_set)
        mine = selectors.my_reporting_orgs(request.user, data_set)
        states = {s.org_id: s for s in data_set.submissions.filter(period=period.id, org__in=mine)}
        rows.append(
            {
                "data_set": data_set,
                "period": period,
                "deadline": completeness.deadline_of(data_set, period),
                "mine": [(org, states.get(org.pk)) for org in mine],
            }
        )
    return render(request, "reports/data_set_list.html", {"rows": rows, "title": _("统计报表")})


@login_required
def entry_start(request, data_set_id):
    """The entry form of her own org for the current period."""
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    mine = selectors.my_reporting_orgs(request.user, data_set)
    if not mine:
        messages.info(request, _("您所在的单位不是该报表的填报单位，以下是汇总情况"))
        return redirect("reports:completeness", data_set_id=data_set.pk)
    period = _period(request, data_set)
    return redirect("reports:entry", data_set_id=data_set.pk, org_id=mine[0].pk, period=period.id)


def _entry_context(request, data_set, org, period):
    submission = selectors.submission_of(data_set, org, period.id)
    stored = selectors.values_of(data_set, org, period.id)
    can_enter = scope_for(request.user, services.ENTER_PERM).covers_org(org)
    locked = completeness.is_locked(data_set, org, period)
    frozen = submission is not None and submission.state in (
        SubmissionState.SUBMITTED,
        SubmissionState.APPROVED,
    )
    cells = []
    for cell in services.cells_of(data_set):
        value = stored.get(cell.key)
        if cell.element.is_derived and not frozen:
            shown = sources.compute(
                cell.element.source, org=org, start=period.start, end=period.end
            )
        elif value is None:
            shown = ""
        elif cell.element.value_type == "text":
            shown = value.text
        elif cell.element.value_type == "boolean":
            shown = _("是") if value.value else _("否")
        else:
            shown = value.value.normalize() if value.value is not None else ""
        cells.append({"cell": cell, "value": request.POST.get(f"cell-{cell.key}", shown)})
    return {
        "data_set": data_set,
        "org": org,
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        "next_open": period.next().start <= timezone.localdate(),
        "submission": submission,
        "cells": cells,
        "editable": can_enter and not locked and not frozen,
        "locked": locked,
        "deadline": completeness.deadline_of(data_set, period),
        "can_unapprove": bool(
            submission
            and submission.state == SubmissionState.APPROVED
            and submission.approved_by_id == request.user.pk
        ),
        "can_grant": locked
        and scope_for(request.user, services.APPROVE_PERM).covers_org(org)
        and not can_enter_own(request.user, org),
    }


def can_enter_own(user, org) -> bool:
    return any(p.org_id == org.pk for p in selectors.current_positions(user))


@login_required
def entry(request, data_set_id, org_id, period):
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    org = selectors.org_for_viewer(request.user, org_id)
    try:
        period_obj = parse(period)
    except ValidationError as error:
        raise Http404 from error
    if period_obj.type != data_set.period_type or not completeness.must_report(data_set, org):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            _entry_action(request, action, data_set, org, period_obj)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            return redirect(request.path)
    context = _entry_context(request, data_set, org, period_obj)
    return render(request, "reports/entry.html", context)


def _entry_action(request, action, data_set, org, period):
    user = request.user
    if action in ("save", "submit"):
        entries = {
            key[len("cell-") :]: value
            for key, value in request.POST.items()
            if key.startswith("cell-")
        }
        changed = services.values_save(
            actor=user, data_set=data_set, org=org, period=period.id, entries=entries
        )
        if action == "submit":
            services.submission_submit(actor=user, data_set=data_set, org=org, period=period.id)
            messages.success(request, _("已报送，等待上级审核"))
        else:
            messages.success(request, _("已保存 %(n)s 项") % {"n": changed})
    elif action == "unapprove":
        submission = selectors.submission_of(data_set, org, period.id)
        if submission is None:
            raise Http404
        services.submission_unapprove(
            actor=user, submission=submission, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已取消审核并退回填报单位"))
    elif action == "grant":
        try:
            until = dt.date.fromisoformat(request.POST.get("until", ""))
        except ValueError as error:
            raise ValidationError(_("请填写正确的补报截止日期（YYYY-MM-DD）")) from error
        services.entry_exception_grant(
            actor=user,
            data_set=data_set,
            org=org,
            period=period.id,
            until=until,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已允许补报"))
    else:
        raise Http404


@login_required
def completeness_page(request, data_set_id):
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    org = _org(request, request.user)
    period = _period(request, data_set)
    overall = completeness.counts(data_set, org, period.id)
    children = completeness.children_counts(data_set, org, period.id)
    missing = Paginator(completeness.missing_orgs(data_set, org, period.id), 50).get_page(
        request.GET.get("page")
    )
    if request.GET.get("export") == "xlsx":
        return _completeness_export(request, data_set, org, period, children)
    return render(
        request,
        "reports/completeness.html",
        {
            "data_set": data_set,
            "org": org,
            "period": period,
            "periods": last_periods(data_set.period_type, 8, until=period.end),
            "deadline": completeness.deadline_of(data_set, period),
            "overall": overall,
            "children": children,
            "missing": missing,
            "title": _("报送情况"),
        },
    )


def _completeness_export(request, data_set, org, period, children):
    header = [_("单位"), _("应报"), _("已报"), _("按时"), _("已审核"), _("报送率%")]
    rows = [
        [child.name, c.expected, c.submitted, c.on_time, c.approved, c.rate or 0]
        for child, c in children
    ]
    return xlsx_response(
        request,
        what=f"completeness:{data_set.code}:{period.id}",
        org=org,
        title=f"{data_set.name} {period.label} {org.name}",
        header=header,
        rows=rows,
        filename=f"completeness-{data_set.code}-{period.id}.xlsx",
    )


@login_required
def figures_page(request, data_set_id):
    """The roll-up of every element for the org's subtree, by child org."""
    data_set = selectors.data_set_for_viewer(request.user, data_set_id)
    org = _org(request, request.user)
    period = _period(request, data_set)
    cells = [c for c in services.cells_of(data_set) if not c.option]
    elements = []
    seen = set()
    for cell in cells:
        if cell.element.pk not in seen and cell.element.is_numeric:
            seen.add(cell.element.pk)
            elements.append(cell.element)
    columns = []
    child_rows: dict[int, dict] = {}
    own_row = []
    orgs_below = rollup.child_orgs(org)
    for element in elements:
        children, own = rollup.children_breakdown(
            element, org, period, period_type=data_set.period_type, children=orgs_below
        )
        columns.append(
            (element, rollup.total(element, org, period, period_type=data_set.period_type))
        )
        own_row.append(own)
        for child in children:
            entry = child_rows.setdefault(child.org.pk, {"org": child.org, "figures": []})
            entry["figures"].append(child.figure)
    pending = {
        child.pk: c.pending_approval
        for child, c in completeness.children_counts(data_set, org, period.id)
    }
    rows = [r for r in child_rows.values() if any(f.count for f in r["figures"])]
    for row in rows:
        row["pending"] = pending.get(row["org"].pk, 0)
    if request.GET.get("export") == "xlsx":
        header = [_("单位")] + [e.name for e in elements]
        table = [[r["org"].name] + [f.value or 0 for f in r["figures"]] for r in rows]
        table.append([_("合计")] + [f.value or 0 for _e, f in columns])
        return xlsx_response(
            request,
            what=f"figures:{data_set.code}:{period.id}",
            org=org,
            title=f"{data_set.name} {period.label} {org.name}",
            header=header,
            rows=table,
            filename=f"figures-{data_set.code}-{period.id}.xlsx",
        )
    return render(
        request,
        "reports/figures.html",
        {
            "data_set": data_set,
            "org": org,
            "period": period,
            "periods": last_periods(data_set.period_type, 8, until=period.end),
            "columns": columns,
            "rows": rows,
            "own": own_row if any(f.count for f in own_row) else None,
            "pending_total": completeness.counts(data_set, org, period.id).pending_approval,
            "breadcrumbs": _breadcrumbs(request.user, org),
            "title": _("汇总数据"),
        },
    )


def _breadcrumbs(user, org):
    """The org's ancestors she may open, for walking back up the tree."""
    from fulian.orgs.models import Org

    scope = scope_for(user, selectors.VIEW_PERM)
    ancestors = Org.objects.filter(pk__in=org.ancestor_ids()).order_by("path")
    return [a for a in ancestors if scope.covers_org(a)]
