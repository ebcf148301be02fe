"""What every Excel import shares: the dry-run result, the staged upload, the template look.

The flow is the same in every module: download the template, upload → dry run that
lists every row's problems and writes nothing → confirm → all rows or none. Between
the dry run and the confirmation the file waits under MEDIA_ROOT/imports with a random
name kept in the session, so the confirmation imports exactly what was checked and a
second confirmation finds nothing to import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from openpyxl.styles import Alignment, Font, PatternFill

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ImportResult:
    """A dry run: what would be written and every problem (row, column, message)."""

    rows: list[Any] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    total: int = 0  # non-empty data rows read

    @property
    def ok(self) -> bool:
        return not self.errors


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_upload(
    request, session_key: str, uploaded, parse: Callable[[Any], ImportResult]
) -> ImportResult:
    """Keep the uploaded file for confirmation when its dry run is clean."""
    token = uuid.uuid4().hex
    path = _folder() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    with path.open("rb") as data:
        result = parse(data)
    if not result.ok:
        path.unlink(missing_ok=True)
        return result
    earlier = request.session.get(session_key)
    if earlier:  # a file checked earlier in this session and never confirmed
        (_folder() / f"{earlier}.xlsx").unlink(missing_ok=True)
    request.session[session_key] = token
    return result


def take_staged(request, session_key: str) -> Path | None:
    """The checked file, once: a second confirmation (a form posted twice) gets None."""
    token = request.session.pop(session_key, None)
    if not token:
        return None
    path = _folder() / f"{token}.xlsx"
    return path if path.exists() else None


def template_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the look of every template -------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def style_header(sheet, row: int, count: int) -> None:
    for column in range(1, count + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")


def write_table(sheet, start: int, title: str, header: list[str], rows) -> int:
    """A titled table on a help sheet; returns the next free row."""
    sheet.cell(row=start, column=1, value=title).font = Font(bold=True, size=12)
    for column, text in enumerate(header, start=1):
        sheet.cell(row=start + 1, column=column, value=text)
    style_header(sheet, start + 1, len(header))
    for offset, values in enumerate(rows, start=start + 2):
        for column, text in enumerate(values, start=1):
            cell = sheet.cell(row=offset, column=column, value=text)
            cell.number_format = "@"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return start + 2 + len(rows) + 1
