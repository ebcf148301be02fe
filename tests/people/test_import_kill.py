"""Acceptance: killing the import process mid-way leaves 0 rows of that file in the database.

``manage.py import_people`` runs in a subprocess against a database of its own (a
temporary SQLite file; and a throwaway PostgreSQL database when the suite itself runs on
PostgreSQL). Once it prints its first ``imported-batch`` line, rows are in the open
transaction; it gets SIGKILL, and a fresh connection must find none of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the bench package: one file generator for bench and test

from bench.people_import import (  # noqa: E402
    _env,
    drop_postgres,
    import_sources,
    prepare,
    query,
    recreate_postgres,
    sqlite_url,
    write_workbook,
    write_xlsx,
)

ROWS = 20_000  # ten batches: the kill lands after the first, long before the commit
TIMEOUT = 180  # seconds before a stuck subprocess is killed and the test fails
COUNTS = {
    "people": "SELECT count(*) FROM people_person",
    "tags": "SELECT count(*) FROM people_persontag",
    "audit": "SELECT count(*) FROM core_auditevent",
}


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return urlsplit(url)._replace(path="/fulian_kill_test").geturl()


def _counts(url: str) -> dict[str, int]:
    return {name: query(url, sql)[0][0] for name, sql in COUNTS.items()}


def _manage(url: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 — our own manage.py and arguments
        [sys.executable, str(REPO / "manage.py"), *args],
        env=_env(url),
        cwd=REPO,
        text=True,
        **kwargs,
    )


def _kill_mid_import(url: str, workdir: Path) -> None:
    prepare(url)
    codes, tags = import_sources(url)
    path = workdir / "people.xlsx"
    write_workbook(path, ROWS, org_codes=codes, tag_names=tags)
    before = _counts(url)

    process = _manage(
        url, "import_people", str(path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    watchdog = threading.Timer(TIMEOUT, process.kill)
    watchdog.start()
    try:
        seen = []
        for line in process.stdout:
            seen.append(line)
            if line.startswith("imported-batch"):
                os.kill(process.pid, signal.SIGKILL)
                break
        process.wait()
    finally:
        watchdog.cancel()
        process.stdout.close()

    assert seen and seen[-1].startswith("imported-batch 1 "), seen
    assert process.returncode == -signal.SIGKILL  # killed, not finished
    assert _counts(url) == before
    if url.startswith("sqlite:"):
        assert query(url, "PRAGMA integrity_check") == [("ok",)]


def _refuses_a_bad_file(url: str, workdir: Path) -> None:
    """The command's exit status: 1, each row's problem on stderr, nothing written."""
    path = workdir / "bad.xlsx"
    write_xlsx(path, [["姓名", "身份证号", "所属组织代码"], ["王秀英", "123", "000"]])
    before = _counts(url)
    process = _manage(
        url, "import_people", str(path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert "row 2\t身份证号\t" in err and "row 2\t所属组织代码\t" in err
    assert _counts(url) == before


def test_killing_the_sqlite_import_midway_leaves_no_row(tmp_path):
    url = sqlite_url(tmp_path / "kill.sqlite3")
    _kill_mid_import(url, tmp_path)
    _refuses_a_bad_file(url, tmp_path)


@pytest.mark.skipif(_postgres_url() is None, reason="DATABASE_URL is not PostgreSQL")
def test_killing_the_postgresql_import_midway_leaves_no_row(tmp_path):
    url = _postgres_url()
    recreate_postgres(url)
    try:
        _kill_mid_import(url, tmp_path)
    finally:
        drop_postgres(url)
