"""The dashboard of an org (scoped): key figures, trends, sub-org comparison, overdue
work and report completeness. Each chart's table can be exported to Excel."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import completeness, indicators, rollup, selectors
from .exports import xlsx_response
from .models import DataSetElement
from .periods import last_periods

TREND_PERIODS = 6


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar | line | gauge-like bar
    header: list
    rows: list = field(default_factory=list)
    unit: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "labels": [str(r[0]) for r in self.rows],
            "series": [
                {"name": str(self.header[i]), "data": [_number(r[i]) for r in self.rows]}
                for i in range(1, len(self.header))
            ],
        }


def _number(value):
    if value is None:
        return None
    return float(value)


def _key_rows(data_sets):
    rows = (
        DataSetElement.objects.filter(data_set__in=data_sets, element__on_dashboard=True)
        .select_related("element", "data_set")
        .order_by("data_set__code", "sort_order")
    )
    seen, found = set(), []
    for row in rows:
        if row.element_id not in seen:
            seen.add(row.element_id)
            found.append(row)
    return found


def build(user, org, *, focus: str | None = None) -> dict:
    data_sets = list(selectors.data_sets_for(user))
    key_rows = _key_rows(data_sets)
    figures, charts = [], []
    for row in key_rows:
        period = selectors.last_closed_period(row.data_set)
        figure = rollup.total(row.element, org, period, period_type=row.data_set.period_type)
        figures.append({"element": row.element, "period": period, "figure": figure})
    if key_rows:
        trend_rows = key_rows[:2]
        for index, row in enumerate(trend_rows):
            period = selectors.last_closed_period(row.data_set)
            periods = last_periods(row.data_set.period_type, TREND_PERIODS, until=period.end)
            series = rollup.trend(row.element, org, periods, period_type=row.data_set.period_type)
            charts.append(
                Chart(
                    f"trend{index}",
                    _("%(name)s趋势") % {"name": row.element.name},
                    "line",
                    [_("报告期"), row.element.name],
                    [[p.label, f.value] for p, f in series],
                    row.element.unit,
                )
            )
        chosen = next((r for r in key_rows if r.element.code == focus), key_rows[0])
        period = selectors.last_closed_period(chosen.data_set)
        children, _own = rollup.children_breakdown(
            chosen.element, org, period, period_type=chosen.data_set.period_type
        )
        ranked = sorted(
            (c for c in children if c.figure.value is not None),
            key=lambda c: c.figure.value,
            reverse=True,
        )
        charts.append(
            Chart(
                "compare",
                _("各下级%(name)s（%(period)s）")
                % {"name": chosen.element.name, "period": period.label},
                "bar",
                [_("单位"), chosen.element.name],
                [[c.org.name, c.figure.value] for c in ranked],
                chosen.element.unit,
            )
        )
    reporting = []
    for data_set in data_sets:
        period = selectors.current_period(data_set)
        counts = completeness.counts(data_set, org, period.id)
        if counts.expected or counts.submitted:
            reporting.append({"data_set": data_set, "period": period, "counts": counts})
    if reporting:
        charts.append(
            Chart(
                "completeness",
                _("报表报送率"),
                "bar",
                [_("报表"), _("报送率%"), _("按时率%")],
                [
                    [r["data_set"].name, r["counts"].rate, r["counts"].on_time_rate]
                    for r in reporting
                ],
                "%",
            )
        )
    indicator_values = []
    for indicator in selectors.indicators():
        period = _indicator_period(indicator, data_sets)
        if period is not None:
            indicator_values.append(
                {"value": indicators.evaluate(indicator, org, period), "period": period}
            )
    overdue = _overdue(user, org)
    return {
        "org": org,
        "figures": figures,
        "charts": charts,
        "reporting": reporting,
        "indicators": indicator_values,
        "overdue": overdue,
        "key_elements": [r.element for r in key_rows],
    }


def _indicator_period(indicator, data_sets):
    codes = {code for code, _option in indicators.operands(indicator.numerator)}
    for data_set in data_sets:
        if data_set.rows.filter(element__code__in=codes).exists():
            return selectors.last_closed_period(data_set)
    return None


def _overdue(user, org) -> dict:
    """Open workflow tasks past their due date in the subtree (all modules), counted
    through her scope over processes: someone who may not oversee processes sees 0."""
    from fulian.accounts.scope import filter_queryset
    from fulian.workflow.deadlines import overdue_filter
    from fulian.workflow.models import Task, TaskState

    tasks = filter_queryset(
        Task.objects.filter(
            overdue_filter(), state=TaskState.OPEN, instance__org__path__startswith=org.path
        ),
        user,
        "workflow.view_processinstance",
    )
    return {"count": tasks.count()}


@login_required
def dashboard(request):
    org_id = request.GET.get("org")
    org = (
        selectors.org_for_viewer(request.user, org_id)
        if org_id
        else selectors.home_org(request.user)
    )
    if org is None:
        raise Http404
    context = build(request.user, org, focus=request.GET.get("element"))
    export = request.GET.get("export")
    if export:
        chart = next((c for c in context["charts"] if c.key == export), None)
        if chart is None:
            raise Http404
        return xlsx_response(
            request,
            what=f"dashboard:{chart.key}",
            org=org,
            title=f"{org.name} {chart.title}",
            header=chart.header,
            rows=chart.rows,
            filename=f"dashboard-{chart.key}.xlsx",
        )
    children = org.children.filter(status="active").exclude(kind="department").order_by("path")
    context.update(
        {
            "title": _("数据看板"),
            "chart_data": [c.as_json() for c in context["charts"]],
            "children": children[:60],
            "parent": org.parent
            if org.parent
            and selectors.scope_for(request.user, selectors.VIEW_PERM).covers_org(org.parent)
            else None,
        }
    )
    return render(request, "reports/dashboard.html", context)
