"""``manage.py import_people FILE [--as USERNAME]``: the Excel import from a shell.

The same checks and the same all-or-nothing write as the import page. Progress goes
to stdout as ``imported-batch N (R rows)`` lines, flushed at once, so a caller (the
kill test, the benchmark) knows the write has begun; the rows stay uncommitted until
the final ``imported`` line.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from fulian.accounts.models import User
from fulian.core.errors import RowErrors
from fulian.people.importing import import_people


class Command(BaseCommand):
    help = "Import people (妇女群众档案) from an .xlsx made from the import template."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="import as this user (her data scope applies); default: the system",
        )

    def handle(self, *args, **options):
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"no user named {options['username']!r}")
        batches = 0

        def progress(done: int) -> None:
            nonlocal batches
            batches += 1
            self.stdout.write(f"imported-batch {batches} ({done} rows)")
            self.stdout.flush()

        started = time.perf_counter()
        try:
            with open(options["file"], "rb") as data:
                count = import_people(data, actor=actor, progress=progress)
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from exc
        except RowErrors as exc:
            for row, column, message in exc.rows:
                self.stderr.write(f"row {row}\t{column}\t{message}")
            raise CommandError(
                f"{len(exc.rows)} problem(s); nothing was imported（未导入任何数据）"
            ) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"imported {count} people in {seconds:.2f} s ({count / seconds:.0f} rows/s)"
        )
