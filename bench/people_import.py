"""People import benchmark: 100 000 people from one .xlsx, on SQLite and on PostgreSQL.

Usage: python bench/people_import.py [--rows 100000] [--databases sqlite,postgres]
                                     [--postgres-url postgres://.../fulian_bench_people]

For each database: a fresh database, ``migrate`` and ``seed_demo`` (the demo city's
orgs and tags), then ``manage.py import_people FILE --as admin`` in a subprocess.
Reports the import's wall time (parse + write, as the command measures it, without
Django's start-up), rows per second and the importing process's peak RSS (wait4).
Writes bench/results/people_import.json and .md. Exit status 1 when an import fails
or falls under the target of 2 000 rows/s, 2 when PostgreSQL cannot be used.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
MANAGE = REPO / "manage.py"
TARGET_ROWS_PER_SECOND = 2_000
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/fulian_bench_people"

HEADER = [
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "出生日期",
    "所属组织代码",
    "人员类别",
    "标签",
    "民族",
    "文化程度",
    "住址",
    "处理依据",
    "同意日期",
]
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
_GIVEN = ["秀英", "桂英", "秀兰", "玉兰", "桂兰", "丽", "静", "敏", "燕", "海燕", "红梅", "慧"]
_EDUCATION = ["小学", "初中", "高中/中专", "大专", "本科", ""]


# --- the file ------------------------------------------------------------------------


def id_number(region: str, birth: datetime.date, order: int) -> str:
    """A valid GB 11643 number; ``order`` even means a woman."""
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _birth_dates() -> list[datetime.date]:
    """Days 29–31 of 1941–1999: the demo people are all born on days 1–28, so a number
    made here never collides with one the demo city already holds."""
    dates = []
    for year in range(1941, 2000):
        for month in range(1, 13):
            for day in (29, 30, 31):
                try:
                    dates.append(datetime.date(year, month, day))
                except ValueError:
                    continue
    return dates


def people_rows(rows: int, *, org_codes: list[str], tag_names: list[str]) -> Iterator[list]:
    """``rows`` valid, distinct women spread over ``org_codes``, as template rows."""
    dates = _birth_dates()
    if rows > len(dates) * 500:
        raise ValueError(f"at most {len(dates) * 500} distinct numbers")
    rng = random.Random(20260501)
    for i in range(rows):
        code = org_codes[i % len(org_codes)]
        birth = dates[i // 500]
        tags = rng.sample(tag_names, k=rng.choice((0, 0, 0, 1, 1, 2)))
        consent = i % 10 == 0
        yield [
            rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            "女",
            id_number(code[:6], birth, (i % 500) * 2),
            f"13{i:09d}",
            birth if i % 2 else birth.isoformat(),  # date cells and text both occur
            code,
            "妇女",
            "、".join(tags),
            "汉族",
            rng.choice(_EDUCATION),
            f"{i % 20 + 1}组{i % 97 + 1}号",
            "本人（监护人）同意" if consent else "履行法定职责",
            "2026-01-05" if consent else "",
        ]


def write_workbook(path: Path, rows: int, *, org_codes: list[str], tag_names: list[str]) -> None:
    """The import file as Excel and WPS save one: shared strings, a dimension, dates as
    serial numbers with a date format. (openpyxl would write inline strings, which no
    user's file has and which read 25 % slower.)"""
    write_xlsx(path, [HEADER, *people_rows(rows, org_codes=org_codes, tag_names=tag_names)])


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _letter(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def write_xlsx(path: Path, rows: list[list]) -> None:
    """A one-sheet ("人员") .xlsx of str, int and date cells, written as Excel does."""
    strings: dict[str, int] = {}
    epoch = datetime.date(1899, 12, 30)
    body = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{_letter(column)}{number}"
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    width = _letter(max(len(row) for row in rows) - 1)
    sheet = (
        f'{_XML}<worksheet {_NS}><dimension ref="A1:{width}{len(rows)}"/>'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
    shared = (
        f'{_XML}<sst {_NS} count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    styles = (
        f'{_XML}<styleSheet {_NS}><fonts count="1"><font><sz val="11"/><name val="宋体"/>'
        '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
        '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
        '</cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    )
    workbook = (
        f'{_XML}<workbook {_NS} xmlns:r="{_REL}"><sheets>'
        '<sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    parts = [("worksheet", "worksheets/sheet1.xml"), ("sharedStrings", "sharedStrings.xml")]
    parts.append(("styles", "styles.xml"))
    workbook_rels = (
        f"{_XML}<Relationships {_PKG}>"
        + "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/{kind}" Target="{target}"/>'
            for n, (kind, target) in enumerate(parts, start=1)
        )
        + "</Relationships>"
    )
    root_rels = (
        f'{_XML}<Relationships {_PKG}><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_CT}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
        archive.writestr("xl/styles.xml", styles)


# --- databases -----------------------------------------------------------------------


def _random_key(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


# Production settings (DEBUG off, real keys): DEBUG's query log alone costs ~8 %.
_PRODUCTION = {
    "FULIAN_DEBUG": "0",
    "FULIAN_SECRET_KEY": _random_key(48),
    "FULIAN_FIELD_KEYS": "bench:" + _random_key(32),
    "FULIAN_FIELD_HASH_KEY": _random_key(32),
}


def _env(url: str) -> dict:
    return {**os.environ, **_PRODUCTION, "DATABASE_URL": url, "FULIAN_CONN_MAX_AGE": "0"}


def manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=_env(url),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=check,
    )


def _admin_url(url: str) -> tuple[str, str]:
    """(a URL of the maintenance database ``postgres``, the database name in ``url``)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def query(url: str, sql_text: str) -> list[tuple]:
    """A fresh connection outside Django: what is committed, nothing else."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql_text).fetchall()
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute(sql_text).fetchall()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"  # path is absolute: sqlite:////tmp/...


def prepare(url: str) -> float:
    """migrate + seed_demo; returns the seconds taken."""
    started = time.perf_counter()
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "seed_demo")
    return time.perf_counter() - started


def import_sources(url: str) -> tuple[list[str], list[str]]:
    """Active village codes whose first six digits are a county that issues ID numbers,
    and the active tags, of a seeded database."""
    sys.path.insert(0, str(REPO))
    from fulian.people.validation import is_known_region

    codes = [
        code
        for (code,) in query(
            url,
            "SELECT code FROM orgs_org WHERE kind = 'village' AND status = 'active' ORDER BY code",
        )
        if is_known_region(code[:6])
    ]
    tags = [
        name
        for (name,) in query(url, "SELECT name FROM people_tag WHERE is_active ORDER BY name")
        if name != "留守儿童"  # a child's tag: children are not imported in bulk
    ]
    return codes, tags


# --- the import ----------------------------------------------------------------------

_DONE = re.compile(r"imported (\d+) people in ([\d.]+) s")


def run_import(url: str, file: Path, *, username: str = "admin") -> dict:
    """``import_people`` in a subprocess: its own timing, and its peak RSS from wait4."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(MANAGE), "import_people", str(file), "--as", username],
            env=_env(url),
            cwd=REPO,
            stdout=out,
            stderr=err,
            text=True,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    match = _DONE.search(stdout)
    if process.returncode != 0 or not match:
        raise RuntimeError(
            f"import failed ({process.returncode}):\n{stdout[-2000:]}{stderr[-4000:]}"
        )
    rows, seconds = int(match.group(1)), float(match.group(2))
    return {
        "rows": rows,
        "import_seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "process_seconds": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # Linux reports KiB
        "batches": stdout.count("imported-batch"),
    }


def bench_database(kind: str, url: str, rows: int, file: Path | None) -> tuple[dict, Path]:
    print(f"\n[{kind}] preparing {url} (migrate, seed_demo) ...", flush=True)
    seed_seconds = prepare(url)
    if file is None:
        codes, tags = import_sources(url)
        file = Path(tempfile.gettempdir()) / f"fulian-people-{rows}.xlsx"
        started = time.perf_counter()
        write_workbook(file, rows, org_codes=codes, tag_names=tags)
        print(
            f"[{kind}] wrote {file} ({rows:,} rows over {len(codes)} villages, "
            f"{file.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    before = query(url, "SELECT count(*) FROM people_person")[0][0]
    audit_before = query(url, "SELECT count(*) FROM core_auditevent")[0][0]
    print(f"[{kind}] importing ...", flush=True)
    result = run_import(url, file)
    after = query(url, "SELECT count(*) FROM people_person")[0][0]
    result.update(
        {
            "database": kind,
            "prepare_seconds": round(seed_seconds, 1),
            "people_before": before,
            "people_after": after,
            "audit_events": query(url, "SELECT count(*) FROM core_auditevent")[0][0] - audit_before,
            "meets_target": result["rows_per_second"] >= TARGET_ROWS_PER_SECOND
            and after - before == rows,
        }
    )
    print(
        f"[{kind}] {result['rows']:,} rows in {result['import_seconds']} s: "
        f"{result['rows_per_second']:,} rows/s, peak RSS {result['peak_rss_mb']} MB",
        flush=True,
    )
    return result, file


def write_markdown(report: dict) -> str:
    lines = [
        "# People import benchmark",
        "",
        f"Measured {report['measured_at']} on {report['cpus']} CPUs, Python "
        f"{report['python']}: one .xlsx of {report['rows']:,} people "
        f"({report['file_mb']} MB), imported with `manage.py import_people` into a freshly "
        f"migrated database holding the demo city. Target: ≥ {TARGET_ROWS_PER_SECOND:,} rows/s.",
        "",
        "| database | rows | import s | rows/s | peak RSS MB | process s | audit rows added "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['database']} | {r['rows']:,} | {r['import_seconds']} | {r['rows_per_second']:,} | "
        f"{r['peak_rss_mb']} | {r['process_seconds']} | {r['audit_events']:,} | "
        f"{'met' if r['meets_target'] else '**missed**'} |"
        for r in report["results"]
    ]
    lines += [
        "",
        "import s: parse and check every row, then write all rows in one transaction "
        "(as the command times it); process s adds Python and Django start-up.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_PEOPLE_DATABASE_URL") or DEFAULT_POSTGRES
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and the file")
    args = parser.parse_args()

    results, file = [], None
    workdir = Path(tempfile.mkdtemp(prefix="fulian-bench-"))
    try:
        for kind in args.databases.split(","):
            if kind == "sqlite":
                url = sqlite_url(workdir / "people.sqlite3")
                result, file = bench_database(kind, url, args.rows, file)
            elif kind == "postgres":
                try:
                    recreate_postgres(args.postgres_url)
                except Exception as exc:  # psycopg's errors: no server, no rights
                    print(
                        f"bench: cannot (re)create the database of {args.postgres_url}: {exc}\n"
                        "bench：无法创建 PostgreSQL 测试数据库，请确认数据库服务已启动且有建库权限"
                        "（或用 --databases sqlite 只测 SQLite）。",
                        file=sys.stderr,
                    )
                    return 2
                try:
                    result, file = bench_database(kind, args.postgres_url, args.rows, file)
                finally:
                    if not args.keep:
                        drop_postgres(args.postgres_url)
            else:
                parser.error(f"unknown database {kind!r}")
            results.append(result)
        report = {
            "measured_at": datetime.datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "rows": args.rows,
            "file_mb": round(file.stat().st_size / 1e6, 1) if file else None,
            "target_rows_per_second": TARGET_ROWS_PER_SECOND,
            "results": results,
        }
    finally:
        if not args.keep:
            for leftover in workdir.glob("*"):
                leftover.unlink()
            workdir.rmdir()
            if file is not None:
                file.unlink(missing_ok=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "people_import.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    markdown = write_markdown(report)
    (RESULTS / "people_import.md").write_text(markdown, encoding="utf-8")
    print("\n" + markdown)
    return 0 if all(r["meets_target"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
