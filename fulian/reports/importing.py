"""Report values from Excel: one row per (org, period), one column per typed cell.

The template lists the cells a data set asks for (derived ones are left out: they are
filled from the records). Every row is checked first; one bad cell imports nothing.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from fulian.core.errors import error_text
from fulian.core.imports import ImportResult, style_header
from fulian.orgs.models import Org

from . import services
from .models import DataSet

ORG_CODE = "单位代码"
ORG_NAME = "单位名称"
PERIOD = "报告期"


def typed_cells(data_set: DataSet) -> list[services.Cell]:
    return [c for c in services.cells_of(data_set) if not c.element.is_derived]


def _label(cell: services.Cell) -> str:
    name = cell.element.name
    return f"{name}（{cell.option.name}）" if cell.option else name


def template(data_set: DataSet, orgs: list[Org], period: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "填报"
    cells = typed_cells(data_set)
    header = [ORG_CODE, ORG_NAME, PERIOD, *(_label(c) for c in cells)]
    sheet.append(header)
    style_header(sheet, 1, len(header))
    for org in orgs:
        sheet.append([org.code, org.name, period])
    help_sheet = book.create_sheet("说明")
    help_sheet.append(
        [_("每行一个单位、一个报告期；空白单元格表示不填。自动取数的项目不在此表中。")]
    )
    help_sheet.append([_("数据项"), _("代码"), _("类型")])
    for cell in cells:
        help_sheet.append([_label(cell), cell.key, cell.element.get_value_type_display()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(file_obj, *, actor, data_set: DataSet) -> ImportResult:
    """Read and check every row; nothing is written."""
    result = ImportResult()
    try:
        book = load_workbook(file_obj, read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception:
        result.errors.append((0, "", _("无法读取文件，请上传由模板填写的 .xlsx 文件")))
        return result
    if not rows:
        result.errors.append((0, "", _("文件是空的")))
        return result
    header = [str(v).strip() if v is not None else "" for v in rows[0]]
    cells = {_label(c): c for c in typed_cells(data_set)}
    missing = [name for name in (ORG_CODE, PERIOD) if name not in header]
    if missing:
        result.errors.append((1, "", _("缺少列：%(cols)s") % {"cols": "、".join(missing)}))
        return result
    unknown = [h for h in header if h and h not in cells and h not in (ORG_CODE, ORG_NAME, PERIOD)]
    for name in unknown:
        result.errors.append((1, name, _("不是本报表可填写的数据项（自动取数的项目不能导入）")))
    codes = {
        str(row[header.index(ORG_CODE)]).strip()
        for row in rows[1:]
        if row and row[header.index(ORG_CODE)] is not None
    }
    orgs = {o.code: o for o in Org.objects.filter(code__in=codes)}
    seen = set()
    for number, row in enumerate(rows[1:], start=2):
        values = dict(zip(header, row, strict=False))
        if all(v in (None, "") for v in values.values()):
            continue
        result.total += 1
        code = str(values.get(ORG_CODE) or "").strip()
        period = str(values.get(PERIOD) or "").strip()
        org = orgs.get(code)
        if org is None:
            result.errors.append((number, ORG_CODE, _("单位代码“%(code)s”不存在") % {"code": code}))
            continue
        if (code, period) in seen:
            result.errors.append((number, PERIOD, _("同一单位、同一报告期重复出现")))
            continue
        seen.add((code, period))
        entries = {}
        for name, cell in cells.items():
            raw = values.get(name)
            if raw in (None, ""):
                continue
            try:
                services.clean_value(cell.element, raw)
            except ValidationError as error:
                result.errors.append((number, name, error_text(error)))
                continue
            entries[cell.key] = raw
        try:
            services.check_can_enter(actor, data_set, org, period)
        except (ValidationError, PermissionDenied) as error:
            result.errors.append((number, ORG_CODE, f"{org.name}：{error_text(error)}"))
            continue
        result.rows.append((org, period, entries))
    return result


@transaction.atomic
def import_values(file_obj, *, actor, data_set: DataSet) -> int:
    """All rows or none; returns how many values changed."""
    result = check(file_obj, actor=actor, data_set=data_set)
    if not result.ok:
        raise ValidationError([f"第{n}行 {col}：{msg}" for n, col, msg in result.errors[:20]])
    changed = 0
    for org, period, entries in result.rows:
        changed += services.values_save(
            actor=actor, data_set=data_set, org=org, period=period, entries=entries
        )
    return changed
