"""Roll-up: any element for any org and period over its whole subtree, live.

How a total is found (measured in ``make bench`` at national size):

- a province, city or county (depth 2–4): its rows in ``ValueSummary`` (one per stripe);
- the national root (depth 1): the provinces' summary rows, plus its own values;
- a town or village (depth ≥ 5): the values themselves, one prefix range of the
  ``datavalue_rollup_idx`` index (a county holds a few thousand rows at most).

The summary is written in the same transaction as the value, as one upsert of the
deltas ordered by key (unordered multi-row upserts deadlock). A value is in every
ancestor's total the moment its transaction commits; there is no nightly rebuild.
Writers to one province spread over ``STRIPES`` rows per ancestor, chosen by the org
id, so eight writers in one province do not queue on one row lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from fulian.orgs.models import SEGMENT_WIDTH, Org, decode_path

from .models import (
    Aggregation,
    DataElement,
    DataValue,
    SubmissionSummary,
    ValueSummary,
)
from .periods import Period, parse, parts_of

STRIPES = 16
SUMMARY_DEPTHS = (2, 3, 4)  # province, city, county
_CHUNK = 500


def stripe_of(org_id: int) -> int:
    return org_id % STRIPES


def summary_ancestors(path: str) -> list[tuple[int, int, str]]:
    """(id, depth, path) of the province, city and county above or at an org."""
    ids = decode_path(path)
    return [
        (ids[depth - 1], depth, path[: depth * SEGMENT_WIDTH])
        for depth in SUMMARY_DEPTHS
        if len(ids) >= depth
    ]


# ---------------------------------------------------------------------- writing


@dataclass(frozen=True)
class ValueDelta:
    org_id: int
    path: str
    element_id: int
    period: str
    option_key: int
    total: Decimal
    count: int


def _upsert(table: str, key: list[str], extra: list[str], add: list[str], rows: list[tuple]):
    """INSERT … ON CONFLICT (key) DO UPDATE SET col = col + excluded.col, rows in key order.

    Each row is (*key, *extra, *add); ``extra`` columns are written on insert only."""
    if not rows:
        return
    columns = [*key, *extra, *add]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in add)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 — fixed names
                + ", ".join([placeholders] * len(chunk))
                + f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
                [value for row in chunk for value in row],
            )


def apply_value_deltas(deltas: Iterable[ValueDelta]) -> None:
    """Add value changes to the province/city/county totals above them."""
    merged: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, 0, ""])
    for delta in deltas:
        if not delta.total and not delta.count:
            continue
        stripe = stripe_of(delta.org_id)
        for ancestor_id, depth, ancestor_path in summary_ancestors(delta.path):
            key = (ancestor_id, delta.element_id, delta.period, delta.option_key, stripe)
            entry = merged[key]
            entry[0] += delta.total
            entry[1] += delta.count
            entry[2], entry[3] = depth, ancestor_path
    rows = [
        (*key, depth, path, total, count)
        for key, (total, count, depth, path) in sorted(merged.items())
        if total or count
    ]
    _upsert(
        ValueSummary._meta.db_table,
        ["ancestor_id", "element_id", "period", "option_key", "stripe"],
        ["depth", "ancestor_path"],
        ["total", "count"],
        rows,
    )


def apply_submission_deltas(data_set_id: int, period: str, org_id: int, path: str, deltas):
    """deltas: (submitted, on_time, approved) changes for one submission."""
    apply_submission_deltas_many([(data_set_id, period, org_id, path, deltas)])


def apply_submission_deltas_many(changes) -> None:
    """Many submissions' (data set, period, org id, path, (submitted, on time, approved))
    changes, merged per summary row and written in one ordered upsert."""
    merged: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, ""])
    for data_set_id, period, org_id, path, deltas in changes:
        if not any(deltas):
            continue
        stripe = stripe_of(org_id)
        for ancestor_id, depth, ancestor_path in summary_ancestors(path):
            entry = merged[(data_set_id, period, ancestor_id, stripe)]
            for i in range(3):
                entry[i] += deltas[i]
            entry[3], entry[4] = depth, ancestor_path
    rows = [
        (*key, depth, ancestor_path, submitted, on_time, approved)
        for key, (submitted, on_time, approved, depth, ancestor_path) in sorted(merged.items())
        if submitted or on_time or approved
    ]
    _upsert(
        SubmissionSummary._meta.db_table,
        ["data_set_id", "period", "ancestor_id", "stripe"],
        ["depth", "ancestor_path"],
        ["submitted", "on_time", "approved"],
        rows,
    )


def rebuild_value_summary(element_ids: Iterable[int] | None = None) -> int:
    """Recount the summary from the values (after a subtree move or a bulk load)."""
    elements = list(element_ids) if element_ids is not None else None
    stale = ValueSummary.objects.all()
    values = DataValue.objects.exclude(value__isnull=True).exclude(element__source__gt="")
    if elements is not None:
        stale = stale.filter(element_id__in=elements)
        values = values.filter(element_id__in=elements)
    stale.delete()
    rows = values.values_list("org_id", "path", "element_id", "period", "option_id", "value")
    apply_value_deltas(
        ValueDelta(org, path, element, period, option or 0, value, 1)
        for org, path, element, period, option, value in rows.iterator(chunk_size=5000)
    )
    return ValueSummary.objects.count()


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Figure:
    """An element's figure for a subtree: the value shown, and what it was made of."""

    value: Decimal | None
    total: Decimal
    count: int

    @classmethod
    def empty(cls) -> Figure:
        return cls(None, Decimal(0), 0)


def _finish(element: DataElement, by_period: dict[str, tuple[Decimal, int]]) -> Figure:
    """Combine per-period (total, count) by the element's aggregation."""
    if not by_period:
        return Figure.empty()
    if element.aggregation == Aggregation.LAST:
        latest = max(by_period)  # period ids of one type sort in time order
        total, count = by_period[latest]
        return Figure(total if count else None, total, count)
    total = sum((t for t, _ in by_period.values()), Decimal(0))
    count = sum(c for _, c in by_period.values())
    if not count:
        return Figure.empty()
    if element.aggregation == Aggregation.AVERAGE:
        return Figure((total / count).quantize(Decimal("0.01")), total, count)
    if element.aggregation == Aggregation.COUNT:
        return Figure(Decimal(count), total, count)
    return Figure(total, total, count)


def period_parts(element_period_type: str, period: Period | str) -> list[str]:
    period = parse(period) if isinstance(period, str) else period
    return [p.id for p in parts_of(period, element_period_type)]


def _summary_rows(element_id, periods, option_key, **where):
    query = ValueSummary.objects.filter(element_id=element_id, period__in=periods, **where)
    if option_key is not None:
        query = query.filter(option_key=option_key)
    return query


def _raw_rows(element_id, periods, option_id, **where):
    query = DataValue.objects.filter(
        element_id=element_id, period__in=periods, value__isnull=False, **where
    )
    if option_id is not None:
        query = query.filter(option_id=option_id or None)
    return query


def _per_period(rows, total_field: str, count_expr) -> dict[str, tuple[Decimal, int]]:
    result = {}
    for row in rows.values("period").annotate(t=Sum(total_field), c=count_expr):
        result[row["period"]] = (row["t"] or Decimal(0), row["c"] or 0)
    return result


def _merge(*parts: dict[str, tuple[Decimal, int]]) -> dict[str, tuple[Decimal, int]]:
    merged: dict[str, tuple[Decimal, int]] = {}
    for part in parts:
        for period, (total, count) in part.items():
            old_total, old_count = merged.get(period, (Decimal(0), 0))
            merged[period] = (old_total + total, old_count + count)
    return merged


def subtree_periods(
    element: DataElement, org: Org, periods: list[str], *, option_key: int | None = None
) -> dict[str, tuple[Decimal, int]]:
    """(total, count) per period for the org's whole subtree."""
    if org.depth in SUMMARY_DEPTHS:
        return _per_period(
            _summary_rows(element.pk, periods, option_key, ancestor_id=org.pk),
            "total",
            Sum("count"),
        )
    if org.depth < SUMMARY_DEPTHS[0]:
        below = _per_period(
            _summary_rows(element.pk, periods, option_key, depth=SUMMARY_DEPTHS[0]).filter(
                ancestor_path__startswith=org.path
            ),
            "total",
            Sum("count"),
        )
        own = _per_period(
            _raw_rows(element.pk, periods, option_key, org_id=org.pk), "value", Count("value")
        )
        return _merge(below, own)
    return _per_period(
        _raw_rows(element.pk, periods, option_key, path__startswith=org.path),
        "value",
        Count("value"),
    )


def total(
    element: DataElement,
    org: Org,
    period: Period | str,
    *,
    period_type: str,
    option_key: int | None = None,
) -> Figure:
    """The element's figure for the org's subtree over ``period`` (e.g. a year of months)."""
    if element.is_derived:
        return derived_total(element, org, period)
    return _finish(
        element,
        subtree_periods(element, org, period_parts(period_type, period), option_key=option_key),
    )


def derived_total(element: DataElement, org: Org, period: Period | str) -> Figure:
    """一数一源: a derived figure is counted from the module's records, never summed copies."""
    from . import sources

    period = parse(period) if isinstance(period, str) else period
    value = Decimal(sources.compute(element.source, org=org, start=period.start, end=period.end))
    return Figure(value, value, 1)


@dataclass(frozen=True)
class ChildFigure:
    org: Org
    figure: Figure


def child_orgs(org: Org) -> list[Org]:
    return list(Org.objects.filter(parent=org).only("id", "name", "path", "depth", "kind"))


def children_breakdown(
    element: DataElement,
    org: Org,
    period: Period | str,
    *,
    period_type: str,
    children: list[Org] | None = None,
) -> tuple[list[ChildFigure], Figure]:
    """Each child's subtree figure, and the org's own figure (本级). Pass ``children``
    (``child_orgs(org)``) when breaking down several elements of one org."""
    periods = period_parts(period_type, period)
    children = child_orgs(org) if children is None else children
    if element.is_derived:
        return (
            [ChildFigure(child, derived_total(element, child, period)) for child in children],
            Figure.empty(),
        )
    per_child: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    child_depth = org.depth + 1
    if child_depth in SUMMARY_DEPTHS:
        rows = (
            ValueSummary.objects.filter(
                element_id=element.pk,
                period__in=periods,
                depth=child_depth,
                ancestor_path__startswith=org.path,
            )
            .values("ancestor_id", "period")
            .annotate(t=Sum("total"), c=Sum("count"))
        )
        for row in rows:
            per_child[row["ancestor_id"]][row["period"]] = (row["t"], row["c"])
    else:
        by_path = {child.path: child.pk for child in children}
        width = child_depth * SEGMENT_WIDTH
        rows = (
            DataValue.objects.filter(
                element_id=element.pk,
                period__in=periods,
                value__isnull=False,
                path__startswith=org.path,
            )
            .values("path", "period")
            .annotate(t=Sum("value"), c=Count("value"))
        )
        for row in rows:
            child_id = by_path.get(row["path"][:width])
            if child_id is None:
                continue
            old_total, old_count = per_child[child_id].get(row["period"], (Decimal(0), 0))
            per_child[child_id][row["period"]] = (old_total + row["t"], old_count + row["c"])
    own = _per_period(_raw_rows(element.pk, periods, None, org_id=org.pk), "value", Count("value"))
    return (
        [ChildFigure(child, _finish(element, per_child.get(child.pk, {}))) for child in children],
        _finish(element, own),
    )


def trend(
    element: DataElement, org: Org, periods: list[Period], *, period_type: str
) -> list[tuple[Period, Figure]]:
    """The figure for each of several periods, in one query per summary level."""
    if element.is_derived:
        return [(p, derived_total(element, org, p)) for p in periods]
    parts = {p.id: period_parts(period_type, p) for p in periods}
    every = sorted({part for group in parts.values() for part in group})
    by_period = subtree_periods(element, org, every)
    return [
        (p, _finish(element, {k: v for k, v in by_period.items() if k in parts[p.id]}))
        for p in periods
    ]


def options_breakdown(
    element: DataElement, org: Org, period: Period | str, *, period_type: str
) -> list[tuple[object, Figure]]:
    """The figure per disaggregation option (城镇/农村 …) and their sum."""
    if not element.disaggregation_id:
        return []
    return [
        (option, total(element, org, period, period_type=period_type, option_key=option.pk))
        for option in element.disaggregation.options.all()
    ]
