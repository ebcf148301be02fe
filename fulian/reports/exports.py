"""Excel tables of report figures (a chart's table, completeness, the roll-up)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from fulian.core import audit
from fulian.core.imports import style_header, template_response


def _cell(value):
    # Excel takes Decimal badly; a figure is written as a float or int.
    if hasattr(value, "is_finite"):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def table_workbook(title: str, header: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.cell(row=1, column=1, value=str(title)).font = Font(bold=True, size=12)
    for column, text in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=str(text))
    style_header(sheet, 2, len(header))
    for offset, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=offset, column=column, value=_cell(value))
    sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(request, *, what: str, org, title: str, header: list, rows: list, filename: str):
    """A figures table as an .xlsx download; the export is audited like every other."""
    audit.record_export(
        what=what,
        rows=len(rows),
        filters={"org": org.pk},
        masked=False,
        org=org,
        actor=request.user,
    )
    return template_response(table_workbook(title, header, rows), filename)
