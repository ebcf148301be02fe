"""Bench data for reporting: ≥ 10 M data values over the national tree, set-wise in SQL.

One monthly data set owned by the national root, reported by every village: 3 numeric
elements × the 6 months up to the current one × ~610 000 villages ≈ 11 M values, written by one
INSERT … SELECT with the value table's indexes dropped and rebuilt after. The summary
tables are then built set-wise (one pass grouped by county, rolled up from there), the
same totals the services keep at write time. Submissions: about 90 % of villages for
the current month, a tenth of those late, most approved.

Values are a hash of (org, element, period), so a run is repeatable.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

DATA_SET = "bench_monthly"
ELEMENTS = ["bench_events", "bench_women_members", "bench_members"]
MONTHS = 6
STRIPES = 16
_DROPPED = ["datavalue_rollup_idx", "datavalue_org_period_idx", "datavalue_once"]


def periods(data_set) -> list[str]:
    """The months the dashboard shows: the current one and the five before it."""

    from fulian.reports.periods import last_periods
    from fulian.reports.selectors import current_period

    current = current_period(data_set)
    return [p.id for p in last_periods("monthly", MONTHS, until=current.end)]


def _definitions():
    from fulian.orgs.models import Org, OrgKind
    from fulian.reports.models import DataElement, DataSet, DataSetElement, Indicator

    root = Org.objects.get(parent=None)
    data_set, created = DataSet.objects.get_or_create(
        code=DATA_SET,
        defaults={
            "name": "基准测试月报",
            "period_type": "monthly",
            "owner": root,
            "reporting_kinds": [OrgKind.VILLAGE],
            "deadline_days": 10,
            "lock_after_deadline": False,
        },
    )
    elements = []
    for order, code in enumerate(ELEMENTS):
        element, _ = DataElement.objects.get_or_create(
            code=code,
            defaults={"name": code, "value_type": "integer", "on_dashboard": order < 2},
        )
        elements.append(element)
        if created:
            DataSetElement.objects.create(data_set=data_set, element=element, sort_order=order)
    Indicator.objects.get_or_create(
        code="bench_share",
        defaults={
            "name": "女性成员比例",
            "numerator": "#{bench_women_members}",
            "denominator": "#{bench_members}",
        },
    )
    return data_set, elements


def needs_generation(data_set) -> bool:
    """No values yet, or not for the months the dashboard now shows (the month moved on)."""
    from fulian.reports.models import DataValue

    if data_set is None:
        return True
    months = periods(data_set)
    stored = DataValue.objects.filter(element__code=ELEMENTS[0], period__in=[months[0], months[-1]])
    return stored.values("period").distinct().count() < 2


def present(data_set) -> int:
    from fulian.reports.models import DataValue

    return DataValue.objects.filter(element__datasetelement__data_set=data_set).count()


def generate(log=print) -> dict:
    """Write the values, summaries and submissions; returns counts and seconds."""
    from fulian.reports import completeness
    from fulian.reports.models import DataValue, Submission, SubmissionSummary, ValueSummary

    started = time.perf_counter()
    data_set, elements = _definitions()
    ids = ",".join(str(e.pk) for e in elements)
    months = periods(data_set)
    listed = ",".join(f"('{p}')" for p in months)
    values_table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        log("  dropping value indexes for the load ...")
        cursor.execute(f"TRUNCATE {values_table}, {ValueSummary._meta.db_table}")
        cursor.execute(
            f"TRUNCATE {Submission._meta.db_table}, {SubmissionSummary._meta.db_table} CASCADE"
        )
        for name in _DROPPED:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        log("  inserting values ...")
        t = time.perf_counter()
        # The rows reference orgs and elements that exist by construction: skip the
        # per-row foreign-key triggers for this load (superuser only; the bench's own DB).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"""
            INSERT INTO {values_table}
                (element_id, org_id, path, period, option_id, value, text, comment,
                 stored_by_id, updated_at)
            SELECT e.id, o.id, o.path, p.period, NULL,
                   1 + abs(hashtext(o.id::text || e.id::text || p.period)) % 40
                     + CASE WHEN e.id = {elements[-1].pk} THEN 40 ELSE 0 END,
                   '', '', NULL, now()
            FROM orgs_org o
            CROSS JOIN (SELECT unnest(ARRAY[{ids}]::bigint[]) AS id) e
            CROSS JOIN (VALUES {listed}) AS p(period)
            WHERE o.kind = 'village' AND o.status = 'active'
            """
        )
        inserted = cursor.rowcount
        cursor.execute("SET session_replication_role = DEFAULT")
        log(f"  {inserted:,} values in {time.perf_counter() - t:.0f} s; rebuilding indexes ...")
        t = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            f"CREATE UNIQUE INDEX datavalue_once ON {values_table} (element_id, org_id, period) "
            "WHERE option_id IS NULL"
        )
        cursor.execute(
            f"CREATE INDEX datavalue_rollup_idx ON {values_table} "
            "(element_id int8_ops, period varchar_pattern_ops, path varchar_pattern_ops)"
        )
        cursor.execute(f"CREATE INDEX datavalue_org_period_idx ON {values_table} (org_id, period)")
        log(f"  indexes in {time.perf_counter() - t:.0f} s; building summaries ...")
        t = time.perf_counter()
        _summaries(cursor, values_table)
        log(f"  summaries in {time.perf_counter() - t:.0f} s; submissions ...")
        t = time.perf_counter()
        _submissions(cursor, data_set, months[-1])
        log(f"  submissions in {time.perf_counter() - t:.0f} s")
        cursor.execute(f"VACUUM (ANALYZE) {values_table}")
        for model in (ValueSummary, Submission, SubmissionSummary):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    with transaction.atomic():
        completeness.expected_refresh(data_set)
    return {
        "values": inserted,
        "periods": months,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _summaries(cursor, values_table: str) -> None:
    """Subtree totals per county (depth 4) in one pass, then cities and provinces from them."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE county_totals AS
        SELECT substr(path, 1, 24) AS prefix, element_id, period, org_id % {STRIPES} AS stripe,
               sum(value) AS total, count(value) AS n
        FROM {values_table}
        WHERE value IS NOT NULL AND length(path) >= 24
        GROUP BY 1, 2, 3, 4
        """
    )
    for depth in (4, 3, 2):
        cursor.execute(
            f"""
            INSERT INTO reports_valuesummary
                (ancestor_id, depth, ancestor_path, element_id, period, option_key, stripe,
                 total, count)
            SELECT a.id, {depth}, a.path, g.element_id, g.period, 0, g.stripe, g.total, g.n
            FROM (SELECT substr(prefix, 1, {depth * 6}) AS prefix, element_id, period, stripe,
                         sum(total) AS total, sum(n) AS n
                  FROM county_totals GROUP BY 1, 2, 3, 4) g
            JOIN orgs_org a ON a.path = g.prefix
            """
        )
    cursor.execute("DROP TABLE county_totals")


def _submissions(cursor, data_set, period: str) -> None:
    """Nine in ten villages submitted the last month; a tenth of those late; 80 % approved."""
    cursor.execute(
        f"""
        INSERT INTO reports_submission
            (data_set_id, org_id, path, period, state, submitted_at, on_time, approved_at,
             counted_submitted, counted_on_time, counted_approved)
        SELECT {data_set.pk}, o.id, o.path, '{period}',
               CASE WHEN abs(hashtext(o.id::text)) % 10 < 8 THEN 'approved' ELSE 'submitted' END,
               now(), abs(hashtext(o.path)) % 10 <> 0,
               CASE WHEN abs(hashtext(o.id::text)) % 10 < 8 THEN now() END,
               true, abs(hashtext(o.path)) % 10 <> 0, abs(hashtext(o.id::text)) % 10 < 8
        FROM orgs_org o
        WHERE o.kind = 'village' AND o.status = 'active' AND abs(hashtext(o.code)) % 10 <> 0
        """
    )
    cursor.execute(
        f"""
        CREATE TEMP TABLE county_done AS
        SELECT substr(path, 1, 24) AS prefix, org_id % {STRIPES} AS stripe,
               count(*) FILTER (WHERE counted_submitted) AS submitted,
               count(*) FILTER (WHERE counted_on_time) AS on_time,
               count(*) FILTER (WHERE counted_approved) AS approved
        FROM reports_submission WHERE data_set_id = {data_set.pk} AND length(path) >= 24
        GROUP BY 1, 2
        """
    )
    for depth in (4, 3, 2):
        cursor.execute(
            f"""
            INSERT INTO reports_submissionsummary
                (data_set_id, period, ancestor_id, depth, ancestor_path, stripe,
                 submitted, on_time, approved)
            SELECT {data_set.pk}, '{period}', a.id, {depth}, a.path, g.stripe,
                   g.submitted, g.on_time, g.approved
            FROM (SELECT substr(prefix, 1, {depth * 6}) AS prefix, stripe,
                         sum(submitted) AS submitted, sum(on_time) AS on_time,
                         sum(approved) AS approved
                  FROM county_done GROUP BY 1, 2) g
            JOIN orgs_org a ON a.path = g.prefix
            """
        )
    cursor.execute("DROP TABLE county_done")
