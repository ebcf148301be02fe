"""``make bench``: build a national-size org tree on PostgreSQL and time the tree queries.

Usage: DATABASE_URL=postgres://... python bench/run.py [--scale 1.0] [--regenerate]

Prints a table and writes bench/results/latest.json, latest.md and plans.txt.
Exit status: 0 when every check passed, 1 when a check failed (a subtree move that
did not rewrite the paths in exactly one UPDATE), 2 when the database is unusable.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH.parent))  # the repo root: fulian and bench importable
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulian.settings")

MOVE_TARGET = 10_000  # orgs in the subtree the move benchmark carries around


def refuse(english: str, chinese: str) -> NoReturn:
    print(f"bench: {english}\nbench：{chinese}", file=sys.stderr)
    sys.exit(2)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # make passes BENCH_SCALE=... through the environment (make bench BENCH_SCALE=0.01).
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE") or 1.0),
        help="tree size, 1.0 = ~1 M orgs (default: $BENCH_SCALE or 1.0)",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="truncate the org table and build the tree again"
    )
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument(
        "--move-rounds",
        type=int,
        default=3,
        help="how many times to move the subtree away and back",
    )
    return parser.parse_args()


# --- the database --------------------------------------------------------------------


def _create_database(params: dict) -> None:
    import psycopg
    from psycopg import sql

    # CREATE DATABASE cannot run in a transaction, hence a separate autocommit link.
    with psycopg.connect(
        dbname="postgres",
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))


def prepare_database() -> None:
    """Refuse anything but a reachable PostgreSQL; create the database when missing."""
    import django
    from django.conf import settings

    django.setup()
    params = settings.DATABASES["default"]
    if "postgresql" not in params["ENGINE"]:
        refuse(
            f"the benchmark needs PostgreSQL, but DATABASE_URL gives {params['ENGINE']} "
            "(set DATABASE_URL or BENCH_DATABASE_URL to postgres://...).",
            "性能测试需要 PostgreSQL 数据库，当前配置不是 PostgreSQL"
            "（请设置 DATABASE_URL 或 BENCH_DATABASE_URL 为 postgres://...）。",
        )
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            refuse(
                f"cannot reach PostgreSQL at {params.get('HOST')}:{params.get('PORT')}: "
                f"{str(exc).strip()}",
                f"无法连接 PostgreSQL（{params.get('HOST')}:{params.get('PORT')}），"
                "请确认数据库服务已启动且连接参数正确。",
            )
        try:
            print(f"Creating database {params['NAME']} ...")
            _create_database(params)
            connection.ensure_connection()
        except Exception as inner:  # anything here means we cannot go on
            refuse(
                f"cannot create database {params['NAME']}: {str(inner).strip()}",
                f"无法创建数据库 {params['NAME']}，请检查权限。",
            )
    # Production settings for the timings: DEBUG would log every query in memory.
    settings.DEBUG = False


# --- timing helpers ------------------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: with 20 samples the p95 is the 19th fastest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure(name: str, target: str, fn, *, warmups: int, repeats: int) -> dict:
    for _ in range(warmups):
        fn()
    samples = []
    rows = None
    for _ in range(repeats):
        started = time.perf_counter()
        rows = fn()
        samples.append((time.perf_counter() - started) * 1000)
    result = {
        "name": name,
        "target": target,
        "rows": rows,
        "repeats": repeats,
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "min_ms": round(min(samples), 3),
        "max_ms": round(max(samples), 3),
    }
    print(
        f"  {name:<34} {result['median_ms']:>10.2f} ms median  "
        f"{result['p95_ms']:>10.2f} ms p95  ({rows} rows)"
    )
    return result


def subtree_sizes(depth: int) -> dict[str, int]:
    """Orgs per subtree for every org at ``depth``, keyed by path: one table scan."""
    from django.db import connection

    from fulian.orgs.models import SEGMENT_WIDTH, Org

    width = depth * SEGMENT_WIDTH
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(path, 1, %s), count(*) FROM {Org._meta.db_table} "
            "WHERE depth >= %s GROUP BY 1",
            [width, depth],
        )
        return dict(cursor.fetchall())


def label(org) -> str:
    return f"{org.name} [{org.code}] id={org.pk}"


# --- the measurements ----------------------------------------------------------------


def pick_targets() -> dict:
    from fulian.orgs.models import Org, OrgKind

    root = Org.objects.get(parent__isnull=True)
    provinces = {o.path: o for o in Org.objects.filter(kind=OrgKind.PROVINCE)}
    province_sizes = {p: n for p, n in subtree_sizes(2).items() if p in provinces}
    province = provinces[max(province_sizes, key=province_sizes.get)]
    counties = dict(subtree_sizes(4).items())
    county_paths = set(Org.objects.filter(kind=OrgKind.COUNTY).values_list("path", flat=True))
    ranked = sorted((n, p) for p, n in counties.items() if p in county_paths)
    median_county = Org.objects.get(path=ranked[len(ranked) // 2][1])
    largest_county = Org.objects.get(path=ranked[-1][1])
    town = Org.objects.filter(kind=OrgKind.TOWN).order_by("-child_count", "id").first()
    return {
        "root": root,
        "province": province,
        "median_county": median_county,
        "largest_county": largest_county,
        "town": town,
    }


def query_cases(targets: dict, viewer) -> list[tuple[str, object, object, bool]]:
    """(name, org, callable returning a row count, write its plan to plans.txt)."""
    from fulian.orgs.models import Org, OrgKind
    from fulian.orgs.selectors import org_coverage, org_search_for_viewer

    def subtree_count(org):
        return lambda: Org.objects.filter(path__startswith=org.path).count()

    def children(org):
        # The tree browser's query (selectors.org_children_for_viewer for a superuser).
        return lambda: len(
            list(Org.objects.filter(parent=org, status="active").order_by("kind", "code")[:500])
        )

    def coverage(org):
        def run():
            result = org_coverage(viewer=viewer, org=org)
            return (
                sum(row.total for row in result.levels)
                + sum(result.new_economic.values())
                + sum(result.new_social.values())
            )

        return run

    def search(text):
        # The search box: name contains text, or code starts with it; first page of 20.
        return lambda: len(list(org_search_for_viewer(viewer=viewer, text=text)[:20]))

    t = targets
    village = Org.objects.filter(parent=t["town"], kind=OrgKind.VILLAGE).order_by("code").last()
    village_text = village.name.removesuffix("妇联") if village else t["town"].name
    return [
        ("subtree count: national root", t["root"], subtree_count(t["root"]), True),
        ("subtree count: largest province", t["province"], subtree_count(t["province"]), False),
        (
            "subtree count: median county",
            t["median_county"],
            subtree_count(t["median_county"]),
            True,
        ),
        (
            "subtree count: largest county",
            t["largest_county"],
            subtree_count(t["largest_county"]),
            False,
        ),
        ("children: largest town", t["town"], children(t["town"]), True),
        ("children: national root", t["root"], children(t["root"]), False),
        ("coverage: national root", t["root"], coverage(t["root"]), True),
        ("coverage: largest province", t["province"], coverage(t["province"]), False),
        (f"search: name contains {village_text}", village or t["town"], search(village_text), True),
        (
            f"search: code starts {t['median_county'].code[:6]}",
            t["median_county"],
            search(t["median_county"].code[:6]),
            True,
        ),
    ]


def run_queries(cases, *, warmups: int, repeats: int) -> list[dict]:
    return [
        measure(name, label(org), fn, warmups=warmups, repeats=repeats)
        for name, org, fn, _plan in cases
    ]


def explain_plans(cases) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the exact SQL Django sent, for the chosen cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = []
    for title, _org, fn, wanted in cases:
        if not wanted:
            continue
        with CaptureQueriesContext(connection) as ctx:
            fn()
        sql = ctx.captured_queries[-1]["sql"]  # the last one is the query itself
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
        out.append(f"== {title}\n{sql}\n\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


# --- the subtree move ----------------------------------------------------------------

PATH_SET = re.compile(r'SET\s.*"path"\s*=', re.IGNORECASE | re.DOTALL)


def _path_updates(queries: list[dict]) -> tuple[int, int, str]:
    """(UPDATEs setting path, of which rewrite it by concatenation, that SQL)."""
    touching = [
        q["sql"]
        for q in queries
        # Only the org table: apps that copy paths (report values …) rewrite theirs too.
        if q["sql"].lstrip().startswith('UPDATE "orgs_org"') and PATH_SET.search(q["sql"])
    ]
    rewriting = [s for s in touching if "||" in s or "CONCAT" in s.upper()]
    return len(touching), len(rewriting), rewriting[0] if rewriting else ""


def _free_code(parent, kind) -> str:
    """A division code of ``kind`` under ``parent`` that nobody uses yet."""
    from fulian.orgs.models import CODE_PREFIX_LENGTH, Org

    prefix = parent.code[: CODE_PREFIX_LENGTH[parent.kind]]
    used = set(Org.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    for n in range(99, 0, -1):  # from the top: generated codes count up from 01
        code = (prefix + f"{n:02d}").ljust(12, "0")
        if code not in used:
            return code
    raise RuntimeError(f"no free code under {parent.code}")


def pick_move() -> tuple:
    """The city or county whose subtree is closest to 10 000 orgs, and where it goes."""
    from fulian.orgs.models import Org, OrgKind

    sizes = {**subtree_sizes(3), **subtree_sizes(4)}
    units = {o.path: o for o in Org.objects.filter(kind__in=[OrgKind.CITY, OrgKind.COUNTY])}
    candidates = [(n, p) for p, n in sizes.items() if p in units]
    largest = max(candidates)
    # At small scales nothing reaches the target: carry the largest one instead.
    size, path = (
        min(candidates, key=lambda c: abs(c[0] - MOVE_TARGET))
        if largest[0] >= MOVE_TARGET
        else largest
    )
    org = units[path]
    parent_kind = OrgKind.PROVINCE if org.kind == OrgKind.CITY else OrgKind.CITY
    # Another province (for a county: a city of another province), the emptiest one.
    province_prefix = org.path[:12]
    new_parent = (
        Org.objects.filter(kind=parent_kind, status="active")
        .exclude(path__startswith=province_prefix)
        .order_by("child_count", "id")
        .first()
    )
    return org, size, new_parent


def _timed_move(viewer, org, parent, code: str) -> tuple[int, float, list]:
    """One org_move with the new code for its new parent: rows moved, seconds, queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fulian.orgs.services import org_move

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        moved = org_move(actor=viewer, org=org, new_parent=parent, new_code=code)
        return moved, time.perf_counter() - started, ctx.captured_queries


def run_moves(viewer, rounds: int) -> list[dict]:
    from fulian.orgs.models import Org

    org, size, new_parent = pick_move()
    home, home_code, moving = org.parent, org.code, label(org)
    print(f"  moving {moving} ({size:,} orgs) to {label(new_parent)} and back")
    results = []
    for n in range(rounds):
        away_code = _free_code(new_parent, org.kind)
        for direction, parent, code in (("away", new_parent, away_code), ("back", home, home_code)):
            org.refresh_from_db()
            parent.refresh_from_db()
            moved, seconds, queries = _timed_move(viewer, org, parent, code)
            touching, rewriting, sql = _path_updates(queries)
            org.refresh_from_db()
            landed = Org.objects.filter(path__startswith=org.path).count()
            ok = (
                touching == 1
                and rewriting == 1
                and moved == size == landed
                and org.parent_id == parent.pk
                and org.code == code
            )
            results.append(
                {
                    "round": n + 1,
                    "direction": direction,
                    "org": moving,
                    "new_parent": label(parent),
                    "new_code": code,
                    "orgs_moved": moved,
                    "subtree_size": size,
                    "seconds": round(seconds, 4),
                    "queries": len(queries),
                    "path_updates": touching,
                    "path_concat_updates": rewriting,
                    "ok": ok,
                    "path_update_sql": sql[:400],
                }
            )
            print(
                f"  move {n + 1} {direction:<4} {moved:>8,} orgs {seconds * 1000:>10.1f} ms  "
                f"{len(queries)} queries, {touching} path UPDATE"
                f"{'' if ok else '  <-- CHECK FAILED'}"
            )
    return results


# --- reporting -----------------------------------------------------------------------


def environment(marker: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name "
            "IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', "
            "'random_page_cost', 'max_parallel_workers_per_gather')"
        )
        pg_settings = dict(cursor.fetchall())
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('orgs_org')), "
            "pg_size_pretty(pg_relation_size('orgs_org'))"
        )
        total, heap = cursor.fetchone()
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "postgres": version,
        "postgres_settings": pg_settings,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "scale": marker["scale"],
        "orgs": marker["orgs"],
        "generation_seconds": round(marker["seconds"], 1),
        "generated_at": marker["generated_at"].isoformat(timespec="seconds"),
        "org_table_size": total,
        "org_heap_size": heap,
    }


def write_markdown(report: dict) -> str:
    env = report["environment"]
    lines = [
        "# Org tree benchmark",
        "",
        f"Measured {env['measured_at']} on PostgreSQL {env['postgres']}, {env['cpus']} CPUs; "
        f"scale {env['scale']}: {env['orgs']:,} orgs, generated in "
        f"{env['generation_seconds']} s; orgs_org is {env['org_table_size']} "
        f"(heap {env['org_heap_size']}).",
        "",
        "Server settings: "
        + ", ".join(f"{k} {v}" for k, v in sorted(env["postgres_settings"].items()))
        + ".",
        "",
        f"Each query: {report['warmups']} warm-ups, then {report['repeats']} timed runs.",
        "",
        "| query | org | rows | median ms | p95 ms | min ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {q['name']} | {q['target']} | {q['rows']:,} | {q['median_ms']:.2f} | "
        f"{q['p95_ms']:.2f} | {q['min_ms']:.2f} | {q['max_ms']:.2f} |"
        for q in report["queries"]
    ]
    lines += [
        "",
        "Subtree moves (`org_move`, one UPDATE of every path in the subtree):",
        "",
        "| round | direction | orgs moved | ms | queries | path UPDATEs | ok |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {m['round']} | {m['direction']} | {m['orgs_moved']:,} | "
        f"{m['seconds'] * 1000:.1f} | {m['queries']} | {m['path_updates']} | "
        f"{'yes' if m['ok'] else '**NO**'} |"
        for m in report["moves"]
    ]
    if report["moves"]:
        summary = report["move_summary"]
        lines += [
            "",
            f"Moved: {report['moves'][0]['org']}, to "
            f"{report['moves'][0]['new_parent']} and back: {summary['orgs_moved']:,} orgs, "
            f"median {summary['median_ms']} ms, max {summary['max_ms']} ms.",
        ]
    lines += ["", "Query plans: `plans.txt`.", ""]
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    prepare_database()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate_national_tree
    from fulian.accounts.models import User

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    try:
        marker = generate_national_tree(args.scale, regenerate=args.regenerate)
    except RuntimeError as exc:
        refuse(str(exc), "组织表中已有非性能测试生成的数据；如确认要清空重建，请加 --regenerate。")
    viewer = User.objects.filter(username="bench-superuser").first() or (
        User.objects.create_superuser("bench-superuser", "bench@example.invalid", None)
    )

    print(f"\nQueries ({args.warmups} warm-ups, {args.repeats} runs each):")
    # Earlier runs' moves left dead rows and cleared visibility-map bits: start clean.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) orgs_org")
    cases = query_cases(pick_targets(), viewer)
    queries = run_queries(cases, warmups=args.warmups, repeats=args.repeats)
    # Plans before the moves, which leave dead tuples and clear visibility-map bits.
    plans = explain_plans(cases)
    print("\nSubtree moves:")
    moves = run_moves(viewer, args.move_rounds)

    report = {
        "environment": environment(marker),
        "warmups": args.warmups,
        "repeats": args.repeats,
        "queries": queries,
        "moves": moves,
        "move_summary": {
            "orgs_moved": moves[0]["orgs_moved"] if moves else 0,
            "median_ms": round(statistics.median(m["seconds"] for m in moves) * 1000, 1)
            if moves
            else None,
            "max_ms": round(max(m["seconds"] for m in moves) * 1000, 1) if moves else None,
        },
        "checks_passed": all(m["ok"] for m in moves),
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (RESULTS / "latest.md").write_text(write_markdown(report), encoding="utf-8")
    (RESULTS / "plans.txt").write_text(plans, encoding="utf-8")
    print(f"\n{write_markdown(report)}")
    print(
        f"Wrote {RESULTS / 'latest.json'}, latest.md and plans.txt ({report['bench_seconds']} s)."
    )
    if not report["checks_passed"]:
        print(
            "bench: a subtree move did not rewrite its paths in exactly one UPDATE.\n"
            "bench：子树迁移没有用一条 UPDATE 语句完成路径改写。",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
