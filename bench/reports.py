"""``make bench`` (reports): roll-ups over ≥ 10 M values on the national tree.

Usage: DATABASE_URL=postgres://... python bench/reports.py [--regenerate] [--repeats 20]

Needs the national tree (``bench/run.py`` builds it; this script builds it too when it
is missing). Generates the values once (``bench/reports_generate.py``), then times,
through the same functions the pages call: one element's total at the root, a
province and a county; the breakdown by the root's and a province's children; the
completeness of the data set for the whole country; the dashboard page of a province
(server time, Django test client); the cost the roll-up adds to saving a value; and
the throughput of 8 concurrent writers in one province against 1.

Writes bench/results/reports.json and reports.md; exit 1 when a target is missed or
the totals do not match the values after the concurrent writes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")

from bench.run import RESULTS, measure, percentile, prepare_database, refuse  # noqa: E402

TARGETS_MS = {
    "total": 10,
    "children": 20,
    "completeness": 200,
    "dashboard": 300,
    "save_overhead": 5,
}
MIN_CONCURRENCY_GAIN = 2.0
WRITE_SECONDS = 8.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="write the values again")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--writers", type=int, default=8)
    return parser.parse_args()


def targets():
    from fulian.orgs.models import Org, OrgKind

    root = Org.objects.get(parent=None)
    largest = max(
        Org.objects.filter(kind=OrgKind.PROVINCE),
        key=lambda p: Org.objects.filter(path__startswith=p.path, kind=OrgKind.VILLAGE).count(),
    )
    county = (
        Org.objects.filter(path__startswith=largest.path, kind=OrgKind.COUNTY)
        .order_by("-child_count", "path")
        .first()
    )
    return root, largest, county


def leader_at(org):
    """A federation leader of the province, to open its dashboard."""
    from fulian.accounts import services as account_services
    from fulian.accounts.models import Position, Role, User
    from fulian.accounts.roles import sync_system_roles

    sync_system_roles()
    user = User.objects.filter(username="bench-leader").first()
    if user is None:
        user = account_services.user_create(
            actor=None, username="bench-leader", full_name="基准", password="Bench@2026xx"
        )
    if not Position.objects.current().filter(user=user, org=org).exists():
        Position.objects.filter(user=user).delete()
        account_services.position_grant(
            actor=None, user=user, org=org, role=Role.objects.get(code="federation_leader")
        )
    return user


def read_cases(data_set, root, province, county, leader):
    from django.test import Client

    from fulian.reports import completeness, rollup
    from fulian.reports.models import DataElement
    from fulian.reports.selectors import current_period

    element = DataElement.objects.get(code="bench_events")
    period = current_period(data_set)
    client = Client()
    client.force_login(leader)

    def total(org):
        return lambda: rollup.total(element, org, period, period_type="monthly").value

    def children(org):
        return lambda: len(
            rollup.children_breakdown(element, org, period, period_type="monthly")[0]
        )

    def dashboard():
        response = client.get("/reports/dashboard/", HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    return [
        ("total", "element total: national root", root, total(root)),
        ("total", "element total: largest province", province, total(province)),
        ("total", "element total: largest county", county, total(county)),
        ("children", "breakdown by children: national root", root, children(root)),
        ("children", "breakdown by children: largest province", province, children(province)),
        (
            "completeness",
            "completeness: whole country",
            root,
            lambda: completeness.counts(data_set, root, period.id).submitted,
        ),
        (
            "completeness",
            "completeness by province: whole country",
            root,
            lambda: len(completeness.children_counts(data_set, root, period.id)),
        ),
        ("dashboard", "dashboard page of the province (server)", province, dashboard),
    ]


def _villages(province, count: int, offset: int = 0):
    from fulian.orgs.models import Org, OrgKind

    return list(
        Org.objects.filter(
            path__startswith=province.path, kind=OrgKind.VILLAGE, status="active"
        ).order_by("path")[offset : offset + count]
    )


def save_cost(data_set, province, *, repeats: int) -> dict:
    """What the roll-up adds to saving a value: saves with and without the summary upsert,
    interleaved (A, B, A, B …) so machine noise hits both alike, and the upsert alone."""
    from unittest import mock

    from django.db import transaction

    from fulian.reports import services
    from fulian.reports.models import DataElement
    from fulian.reports.rollup import ValueDelta, apply_value_deltas
    from fulian.reports.selectors import current_period

    period = current_period(data_set).previous().id  # no submissions yet: open for entry
    villages = _villages(province, repeats * 2 + 5)
    skipped: list = []

    def save(org, raw) -> float:
        started = time.perf_counter()
        services.value_save(
            actor=None, data_set=data_set, org=org, period=period, key="bench_events", raw=raw
        )
        return (time.perf_counter() - started) * 1000

    for org in villages[:5]:  # warm-up
        save(org, "7")
    with_rollup, without = [], []
    for n in range(repeats):
        with_rollup.append(save(villages[5 + 2 * n], str(100 + n % 7)))
        with mock.patch("fulian.reports.services.apply_value_deltas", skipped.extend):
            without.append(save(villages[6 + 2 * n], str(100 + n % 7)))
    services.apply_value_deltas(skipped)  # the summary stays true to the values
    upsert = []
    element_id = DataElement.objects.get(code="bench_events").pk
    for org in villages[:repeats]:
        delta = ValueDelta(org.pk, org.path, element_id, period, 0, 1, 0)
        with transaction.atomic():
            started = time.perf_counter()
            apply_value_deltas([delta])
            upsert.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return {
        "with_rollup_median_ms": round(statistics.median(with_rollup), 2),
        "with_rollup_p95_ms": round(percentile(with_rollup, 95), 2),
        "without_rollup_median_ms": round(statistics.median(without), 2),
        "overhead_ms": round(statistics.median(with_rollup) - statistics.median(without), 2),
        "upsert_median_ms": round(statistics.median(upsert), 2),
        "upsert_p95_ms": round(percentile(upsert, 95), 2),
        "period": period,
        "saves": repeats,
    }


def _writer(args) -> tuple[int, float]:
    """One writer process: saves values into its own villages until the time is up.

    Returns (saves, seconds spent saving); with ``one_stripe`` every writer lands on the
    same summary rows, as a design without stripes would."""
    data_set_id, org_ids, period, seconds, seed, one_stripe = args
    from django.db import connection

    from fulian.orgs.models import Org
    from fulian.reports import rollup, services
    from fulian.reports.models import DataSet

    connection.close()
    if one_stripe:
        rollup.stripe_of = lambda org_id: 0
    data_set = DataSet.objects.get(pk=data_set_id)
    orgs = list(Org.objects.filter(pk__in=org_ids))
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        org = orgs[done % len(orgs)]
        services.value_save(
            actor=None,
            data_set=data_set,
            org=org,
            period=period,
            key="bench_members",
            raw=str(50 + (seed + done) % 30),
        )
        done += 1
    elapsed = time.perf_counter() - started
    connection.close()
    return done, elapsed


def concurrency(data_set, province, writers: int) -> dict:
    from django.db import connections

    from fulian.reports.models import Submission
    from fulian.reports.selectors import current_period

    period = current_period(data_set).previous().id
    chosen = _villages(province, writers * 200, offset=1000)
    villages = [v.pk for v in chosen]
    # Every run does the same work: each village's submission row exists beforehand.
    Submission.objects.bulk_create(
        [Submission(data_set=data_set, org=v, path=v.path, period=period) for v in chosen],
        ignore_conflicts=True,
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = {}
    for label, count, one_stripe in (
        ("one", 1, False),
        ("many", writers, False),
        ("many_one_stripe", writers, True),
    ):
        jobs = [
            (data_set.pk, villages[i::count][:200], period, WRITE_SECONDS, i, one_stripe)
            for i in range(count)
        ]
        with context.Pool(count) as pool:
            outcomes = pool.map(_writer, jobs)
        done = sum(n for n, _ in outcomes)
        elapsed = statistics.mean(seconds for _, seconds in outcomes)
        results[label] = round(done / elapsed, 1)
        print(f"  {label}: {count} writer(s), {results[label]} saves/s")
    return {
        "period": period,
        "one_writer_per_s": results["one"],
        "writers": writers,
        "many_writers_per_s": results["many"],
        "many_writers_one_stripe_per_s": results["many_one_stripe"],
        "gain": round(results["many"] / results["one"], 2),
    }


def consistent(data_set, province) -> bool:
    """After all the writes, the summary still equals the values it stands for."""
    from django.db.models import Sum

    from fulian.reports.models import DataElement, DataValue, ValueSummary
    from fulian.reports.selectors import current_period

    period = current_period(data_set).previous().id
    element = DataElement.objects.get(code="bench_members")
    raw = DataValue.objects.filter(
        element=element, period=period, path__startswith=province.path
    ).aggregate(t=Sum("value"))["t"]
    summary = ValueSummary.objects.filter(
        element=element, period=period, ancestor=province
    ).aggregate(t=Sum("total"))["t"]
    return raw == summary


def main() -> int:
    args = parse_args()
    prepare_database()
    from django.core.management import call_command

    from bench.generate import read_marker
    from bench.reports_generate import DATA_SET, generate, needs_generation, periods, present
    from fulian.reports.models import DataSet

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    marker = read_marker()
    if marker is None:
        refuse(
            "no national tree in this database: run bench/run.py first (make bench does).",
            "数据库中没有全国组织树，请先运行 bench/run.py（make bench 会先运行它）。",
        )
    data_set = DataSet.objects.filter(code=DATA_SET).first()
    generated = None
    if args.regenerate or needs_generation(data_set):
        print("Generating report values ...")
        generated = generate()
        data_set = DataSet.objects.get(code=DATA_SET)
        print(f"  {generated['values']:,} values in {generated['seconds']} s")
    months = periods(data_set)
    root, province, county = targets()
    leader = leader_at(province)
    print(f"\nRoll-ups ({args.warmups} warm-ups, {args.repeats} runs each):")
    queries = []
    for kind, name, org, fn in read_cases(data_set, root, province, county, leader):
        result = measure(
            name, f"{org.name} id={org.pk}", fn, warmups=args.warmups, repeats=args.repeats
        )
        result["kind"] = kind
        result["target_ms"] = TARGETS_MS[kind]
        result["ok"] = (
            result["median_ms"] <= TARGETS_MS[kind] and result["p95_ms"] <= TARGETS_MS[kind] * 1.5
        )
        queries.append(result)
    print("\nSaving a value:")
    cost = save_cost(data_set, province, repeats=args.repeats * 5)
    print(f"  {cost}")
    print("\nConcurrent writers into one province:")
    writes = concurrency(data_set, province, args.writers)
    from django.db import connection

    connection.close()
    same = consistent(data_set, province)
    values = present(data_set)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "tree": {"orgs": marker["orgs"], "scale": marker["scale"]},
        "values": values,
        "periods": months,
        "generated": generated,
        "queries": queries,
        "save": cost,
        "concurrency": writes,
        "summary_matches_values_after_writes": same,
        "checks_passed": all(q["ok"] for q in queries)
        and max(cost["overhead_ms"], cost["upsert_median_ms"]) <= TARGETS_MS["save_overhead"]
        and writes["gain"] >= MIN_CONCURRENCY_GAIN
        and same,
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reports.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (RESULTS / "reports.md").write_text(markdown(report), encoding="utf-8")
    print("\n" + markdown(report))
    return 0 if report["checks_passed"] else 1


def markdown(report: dict) -> str:
    lines = [
        "# Reporting benchmark",
        "",
        f"{report['tree']['orgs']:,} orgs, {report['values']:,} data values "
        f"({', '.join(report['periods'])}); {report['machine']['cpus']} CPUs.",
        "",
        "| measure | org | median ms | p95 ms | target ms | ok |",
        "|---|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {q['name']} | {q['target']} | {q['median_ms']:.2f} | {q['p95_ms']:.2f} | "
        f"{q['target_ms']} | {'yes' if q['ok'] else '**NO**'} |"
        for q in report["queries"]
    ]
    save, writes = report["save"], report["concurrency"]
    lines += [
        "",
        f"Saving one value through the service: {save['with_rollup_median_ms']} ms median "
        f"(p95 {save['with_rollup_p95_ms']}); without the roll-up "
        f"{save['without_rollup_median_ms']} ms (interleaved): the roll-up adds "
        f"{save['overhead_ms']} ms; the summary upsert alone (3 ancestors, one statement) takes "
        f"{save['upsert_median_ms']} ms median, p95 {save['upsert_p95_ms']} "
        f"(target ≤ {TARGETS_MS['save_overhead']}).",
        "",
        f"Writers into one province: 1 writer {writes['one_writer_per_s']} saves/s, "
        f"{writes['writers']} writers {writes['many_writers_per_s']} saves/s: "
        f"{writes['gain']}× (target ≥ {MIN_CONCURRENCY_GAIN}×); the same {writes['writers']} "
        f"writers on a single summary row per ancestor (no stripes): "
        f"{writes['many_writers_one_stripe_per_s']} saves/s. Summary equals the values "
        f"afterwards: {'yes' if report['summary_matches_values_after_writes'] else '**NO**'}.",
        "",
    ]
    if report["generated"]:
        lines.append(f"Values generated in {report['generated']['seconds']} s.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
