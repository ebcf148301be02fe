"""Excel tables of report figures (a chart's table, completeness, the roll-up)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from fulian.core.imports import style_header


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
