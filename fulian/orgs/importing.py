"""Excel import of orgs (组织批量导入): the template, a dry run with per-row errors, the import.

``parse_workbook`` checks every row and reports every problem at once, as
``(Excel row number, column, message)``; ``import_orgs`` writes only a file with no
problem at all, through ``orgs_create_many`` (one transaction: all or nothing).
Rows may hang under an existing org or under another row of the same file, in any
order: ``orgs_create_many`` creates parents before children.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fulian.core.errors import RowErrors
from fulian.core.imports import ImportResult, style_header, write_table

from .codes import validate_division_code
from .models import ADMIN_LEVEL, Org, OrgKind, OrgStatus, UrbanRural
from .services import NewOrg, orgs_create_many, validate_placement

PERM = "orgs.add_org"
MAX_ROWS = 20_000
_LOOKUP_CHUNK = 500  # codes per IN (...) query; SQLite limits bound parameters

COL_NAME = "组织名称"
COL_KIND = "类型"
COL_PARENT = "上级组织代码"
COL_CODE = "区划代码/组织代码"
COL_SHORT = "简称"
COL_URBAN = "城乡分类代码"
COL_FEDERATION = "是否已建妇女组织"
COLUMNS = [COL_NAME, COL_KIND, COL_PARENT, COL_CODE, COL_SHORT, COL_URBAN, COL_FEDERATION]
REQUIRED = [COL_NAME, COL_KIND, COL_PARENT, COL_CODE]
# Other spellings people type for a header, after normalisation.
_HEADER_ALIASES = {
    "区划代码": COL_CODE,
    "组织代码": COL_CODE,
    "代码": COL_CODE,
    "区划代码／组织代码": COL_CODE,
    "名称": COL_NAME,
    "组织类型": COL_KIND,
    "上级代码": COL_PARENT,
    "城乡分类": COL_URBAN,
    "已建妇女组织": COL_FEDERATION,
}
_WIDTHS = {
    COL_NAME: 32,
    COL_KIND: 22,
    COL_PARENT: 20,
    COL_CODE: 22,
    COL_SHORT: 10,
    COL_URBAN: 14,
    COL_FEDERATION: 18,
}
SHEET_DATA = "组织"
SHEET_HELP = "说明"
FILE = "文件"

_YES = {"是", "已建", "有", "y", "yes", "true", "1"}
_NO = {"否", "未建", "无", "n", "no", "false", "0"}
_TRAILING_ZEROS = re.compile(r"^(\d+)\.0+$")


# --- cell values ---------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: Excel stores 321202001002 as a number, so drop a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\u3000", " ").strip()
    match = _TRAILING_ZEROS.match(text)
    return match.group(1) if match else text


def _normalise_header(value) -> str:
    text = re.sub(r"\s+", "", cell_text(value)).replace("／", "/")
    text = text.lstrip("*＊")  # "*组织名称" marks a required column in some templates
    return _HEADER_ALIASES.get(text, text)


def _normalise_label(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").lower()


def _kind_lookup() -> dict[str, str]:
    """Chinese label (in zh-hans and the current language) or code value → kind."""
    lookup = {}
    for kind in OrgKind:
        lookup[kind.value] = kind.value
        lookup[_normalise_label(str(kind.label))] = kind.value
        with translation.override("zh-hans"):
            lookup[_normalise_label(str(kind.label))] = kind.value
    return lookup


def _urban_lookup() -> dict[str, str]:
    lookup = {}
    for choice in UrbanRural:
        lookup[choice.value] = choice.value
        lookup[_normalise_label(str(choice.label))] = choice.value
        with translation.override("zh-hans"):
            lookup[_normalise_label(str(choice.label))] = choice.value
    return lookup


# --- reading -------------------------------------------------------------------------


@dataclass
class _Row:
    number: int  # Excel row number
    name: str
    kind_text: str
    parent_code: str
    code: str
    short_name: str
    urban_text: str
    federation_text: str
    kind: str = ""
    urban_rural: str = ""
    has_federation: bool = True


def _read_rows(file_obj) -> tuple[list[_Row], list[tuple[int, str, str]]]:
    """The non-empty data rows of the first sheet, or the file-level errors."""
    unreadable = [(0, FILE, _("无法读取文件，请使用系统提供的 Excel 模板（.xlsx）"))]
    if hasattr(file_obj, "seek"):
        file_obj.seek(0)
    try:
        workbook = openpyxl.load_workbook(file_obj, read_only=True, data_only=True)
    except Exception:  # anything openpyxl cannot open is not a usable workbook
        return [], unreadable
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return [], unreadable
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None or not any(cell_text(v) for v in header):
            return [], [(1, FILE, _("第1行应为表头，请使用系统提供的模板"))]
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            label = _normalise_header(value)
            if label in COLUMNS and label not in positions:
                positions[label] = index
        missing = [label for label in REQUIRED if label not in positions]
        if missing:
            return [], [
                (1, label, _("缺少表头“%(col)s”，请使用系统提供的模板") % {"col": label})
                for label in missing
            ]

        def get(cells, label: str) -> str:
            index = positions.get(label)
            if index is None or index >= len(cells):
                return ""
            return cell_text(cells[index])

        rows: list[_Row] = []
        for number, cells in enumerate(values, start=2):
            if not any(cell_text(v) for v in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [(0, FILE, _("数据超过 %(n)s 行，请分批导入") % {"n": MAX_ROWS})]
            rows.append(
                _Row(
                    number=number,
                    name=get(cells, COL_NAME),
                    kind_text=get(cells, COL_KIND),
                    parent_code=get(cells, COL_PARENT),
                    code=get(cells, COL_CODE),
                    short_name=get(cells, COL_SHORT),
                    urban_text=get(cells, COL_URBAN),
                    federation_text=get(cells, COL_FEDERATION),
                )
            )
        return rows, []
    except Exception:  # a corrupt sheet fails while streaming, not only on open
        return [], unreadable
    finally:
        workbook.close()


def _existing_orgs(codes: set[str]) -> dict[str, Org]:
    codes_list = sorted(code for code in codes if code)
    found: dict[str, Org] = {}
    for start in range(0, len(codes_list), _LOOKUP_CHUNK):
        chunk = codes_list[start : start + _LOOKUP_CHUNK]
        found.update({org.code: org for org in Org.objects.filter(code__in=chunk)})
    return found


# --- checking ------------------------------------------------------------------------


def _check_fields(row: _Row, kinds: dict[str, str], urban: dict[str, str], add) -> None:
    """Checks that need only the row itself."""
    if not row.name:
        add(row, COL_NAME, _("请填写组织名称"))
    elif len(row.name) > 100:
        add(row, COL_NAME, _("组织名称不能超过100个字"))
    if not row.kind_text:
        add(row, COL_KIND, _("请填写组织类型"))
    else:
        row.kind = kinds.get(_normalise_label(row.kind_text), "")
        if not row.kind:
            add(
                row,
                COL_KIND,
                _("未知的组织类型“%(kind)s”，可选值见“说明”工作表") % {"kind": row.kind_text},
            )
    if not row.parent_code:
        add(row, COL_PARENT, _("请填写上级组织代码"))
    if len(row.code) > 64:
        add(row, COL_CODE, _("代码不能超过64个字符"))
    elif row.kind in ADMIN_LEVEL and not row.code:
        add(row, COL_CODE, _("行政区划组织必须填写12位统计用区划代码"))
    if len(row.short_name) > 20:
        add(row, COL_SHORT, _("简称不能超过20个字"))
    if row.urban_text:
        row.urban_rural = urban.get(_normalise_label(row.urban_text), "")
        if not row.urban_rural:
            add(
                row,
                COL_URBAN,
                _("城乡分类代码“%(code)s”无效，应为 %(codes)s 之一或留空")
                % {"code": row.urban_text, "codes": "、".join(UrbanRural.values)},
            )
    answer = row.federation_text.lower()
    if answer in _YES or not answer:
        row.has_federation = True
    elif answer in _NO:
        row.has_federation = False
    else:
        add(row, COL_FEDERATION, _("应填“是”或“否”（留空视为“是”）"))


def _check_duplicates(rows: list[_Row], existing: dict[str, Org], add) -> dict[str, _Row]:
    """Codes used twice in the file or already in the database; returns code → first row."""
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.code:
            by_code[row.code].append(row)
    for code, same in by_code.items():
        if code in existing:
            org = existing[code]
            for row in same:
                add(
                    row,
                    COL_CODE,
                    _("代码已存在：%(code)s（%(org)s）") % {"code": code, "org": org.name},
                )
        if len(same) > 1:
            for row in same:
                others = "、".join(str(o.number) for o in same if o is not row)
                add(row, COL_CODE, _("与第%(rows)s行代码重复") % {"rows": others})
    return {code: same[0] for code, same in by_code.items()}


def _check_chains(
    rows: list[_Row], in_file: dict[str, _Row], existing: dict[str, Org], add
) -> None:
    """Every chain of in-file parents must end at an existing org.

    Reports parents that exist nowhere (on the row naming them), rows whose parents
    form a cycle, and rows that hang below such a cycle.
    """
    state: dict[int, str] = {}  # id(row) → "ok" | "missing" | "cycle"
    for row in rows:
        chain: list[_Row] = []
        position: dict[int, int] = {}
        current = row
        while True:
            if id(current) in state:
                outcome = state[id(current)]
                break
            if id(current) in position:
                start = position[id(current)]
                cycle, chain = chain[start:], chain[:start]
                numbers = "、".join(str(r.number) for r in cycle)
                for member in cycle:
                    if member.parent_code == member.code:
                        add(member, COL_PARENT, _("上级组织代码不能是本行的代码"))
                    else:
                        add(
                            member,
                            COL_PARENT,
                            _("上级组织循环引用（第%(rows)s行）") % {"rows": numbers},
                        )
                    state[id(member)] = "cycle"
                outcome = "cycle"
                break
            position[id(current)] = len(chain)
            chain.append(current)
            code = current.parent_code
            if not code or code in existing:
                outcome = "ok"  # an empty parent code is reported with the row's fields
                break
            parent_row = in_file.get(code)
            if parent_row is None:
                add(current, COL_PARENT, _("上级组织代码不存在：%(code)s") % {"code": code})
                outcome = "missing"
                break
            current = parent_row
        for member in chain:
            if outcome == "cycle":
                add(member, COL_PARENT, _("上级组织处于循环引用中，无法确定层级"))
            state[id(member)] = outcome


def _stand_in(row: _Row) -> Org:
    """An unsaved org with what placement and code checks read from a parent."""
    return Org(name=row.name, kind=row.kind, code=row.code, status=OrgStatus.ACTIVE)


def _check_placement(row: _Row, parent: Org, add) -> None:
    try:
        validate_placement(row.kind, parent)
    except ValidationError as exc:
        add(row, COL_PARENT, "；".join(exc.messages))
        return
    if row.kind in ADMIN_LEVEL and row.code:
        try:
            validate_division_code(row.code, row.kind, parent.code, parent.kind)
        except ValidationError as exc:
            add(row, COL_CODE, "；".join(exc.messages))


def parse_workbook(file_obj, *, actor) -> ImportResult:
    """Dry run: every problem of every row; ``rows`` holds the rows that have none."""
    rows, file_errors = _read_rows(file_obj)
    result = ImportResult(total=len(rows))
    if file_errors:
        result.errors = file_errors
        return result
    if not rows:
        result.errors = [(0, FILE, _("文件中没有数据行"))]
        return result

    errors: dict[int, list[tuple[int, str, str]]] = defaultdict(list)

    def add(row: _Row, column: str, message: str) -> None:
        errors[row.number].append((row.number, column, message))

    kinds, urban = _kind_lookup(), _urban_lookup()
    for row in rows:
        _check_fields(row, kinds, urban, add)
    existing = _existing_orgs({r.code for r in rows} | {r.parent_code for r in rows})
    in_file = _check_duplicates(rows, existing, add)
    _check_chains(rows, in_file, existing, add)

    if actor is None:

        def allowed(org: Org) -> bool:
            return True
    else:
        from fulian.accounts.scope import scope_for

        scope = scope_for(actor, PERM)

        def allowed(org: Org) -> bool:
            return scope.covers_org(org)

    for row in rows:
        if not row.parent_code:
            continue
        parent_org = existing.get(row.parent_code)
        if parent_org is not None:
            if not allowed(parent_org):
                add(row, COL_PARENT, _("您无权在“%(org)s”下导入组织") % {"org": parent_org.name})
                continue
            parent = parent_org
        else:
            parent_row = in_file.get(row.parent_code)
            if parent_row is None or not parent_row.kind:
                continue  # already reported on this row or on its parent's row
            parent = _stand_in(parent_row)
        if row.kind:
            _check_placement(row, parent, add)

    for row in rows:
        if row.number in errors:
            result.errors.extend(errors[row.number])
            continue
        result.rows.append(
            NewOrg(
                name=row.name,
                kind=row.kind,
                parent_code=row.parent_code,
                code=row.code,
                short_name=row.short_name,
                urban_rural=row.urban_rural,
                has_federation=row.has_federation,
            )
        )
    result.errors.sort(key=lambda error: error[0])
    return result


def import_orgs(file_obj, *, actor) -> list[Org]:
    """Create every org of the file, or none: any row error raises ``RowErrors``."""
    result = parse_workbook(file_obj, actor=actor)
    if not result.ok:
        raise RowErrors(result.errors)
    try:
        with transaction.atomic():
            return orgs_create_many(actor=actor, rows=result.rows)
    except RowErrors:
        raise
    except ValidationError as exc:
        # Something changed between the check and the write (e.g. a code taken meanwhile).
        raise RowErrors([(0, FILE, message) for message in exc.messages]) from exc


# --- the template --------------------------------------------------------------------

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE = [
    ("海陵区城东街道妇联", "乡镇（街道）妇联", "321202000000", "321202001000", "城东", "", "是"),
    ("海陵区城东街道某社区妇联", "村（社区）妇联", "321202001000", "321202001002", "", "111", "是"),
    ("泰州市妇联组织部", "内设部室", "321200000000", "", "", "", ""),
]
_COLUMN_HELP = [
    (COL_NAME, "必填", "组织全称，不超过100个字，如“海陵区城东街道妇联”。"),
    (COL_KIND, "必填", "从下拉列表选择，见下方“类型”表；也可填写英文代码，如 village。"),
    (
        COL_PARENT,
        "必填",
        "上级组织的代码：系统中已有组织的代码，或本文件中另一行的“区划代码/组织代码”。"
        "上级必须在您的管理范围内。",
    ),
    (
        COL_CODE,
        "行政区划组织必填",
        "省、市、县（区）、乡镇（街道）、村（社区）妇联填写12位统计用区划代码（2-2-2-3-3），"
        "前几位须与上级一致；内设部室、企业妇联等可留空，系统自动生成（如 321200000000-D001）。"
        "请将此列设为文本格式，避免 Excel 把代码变成科学计数法。",
    ),
    (COL_SHORT, "选填", "简称，不超过20个字，用于文号等。"),
    (COL_URBAN, "选填", "国家统计局城乡分类代码，见下方“城乡分类代码”表，可留空。"),
    (COL_FEDERATION, "选填", "行政单位是否已建立妇联（妇代会）：填“是”或“否”，留空视为“是”。"),
]


def _kind_note(kind: OrgKind) -> str:
    if kind == OrgKind.NATIONAL:
        return "全国妇联为根组织，不能导入"
    if kind in ADMIN_LEVEL:
        return "行政区划组织，须填写12位区划代码"
    return "代码可留空，系统自动生成"


def build_template() -> bytes:
    """The .xlsx template: the 组织 sheet to fill in and a 说明 sheet explaining it."""
    with translation.override("zh-hans"):
        workbook = openpyxl.Workbook()
        data = workbook.active
        data.title = SHEET_DATA
        data.append(COLUMNS)
        style_header(data, 1, len(COLUMNS))
        data.freeze_panes = "A2"
        for index, label in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            data.column_dimensions[letter].width = _WIDTHS[label]
            # Text format keeps 12-digit codes from turning into 3.21202E+11.
            data.column_dimensions[letter].number_format = "@"
        kind_labels = [str(k.label) for k in OrgKind if k != OrgKind.NATIONAL]
        validations = [
            (COL_KIND, ",".join(kind_labels), _("请从列表中选择组织类型")),
            (COL_URBAN, ",".join(UrbanRural.values), _("请填写城乡分类代码或留空")),
            (COL_FEDERATION, "是,否", _("请填写“是”或“否”")),
        ]
        for label, choices, prompt in validations:
            # A warning, not a stop: typing a code value such as "village" stays possible.
            rule = DataValidation(
                type="list",
                formula1=f'"{choices}"',
                allow_blank=True,
                errorStyle="warning",
                showErrorMessage=True,
                error=prompt,
                errorTitle=label,
            )
            letter = get_column_letter(COLUMNS.index(label) + 1)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            data.add_data_validation(rule)

        guide = workbook.create_sheet(SHEET_HELP)
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 22
        guide.column_dimensions["C"].width = 80
        guide.cell(row=1, column=1, value="组织批量导入说明").font = Font(bold=True, size=14)
        guide.cell(
            row=2,
            column=1,
            value=(
                "在“组织”工作表第2行起逐行填写，每行一个组织；第1行表头请勿修改。"
                "导入时先检查全部数据，任何一行有误则整个文件都不导入，并列出出错的行和列。"
                f"每次最多 {MAX_ROWS} 行。"
            ),
        )
        next_row = write_table(guide, 4, "各列说明", ["列名", "是否必填", "说明"], _COLUMN_HELP)
        kind_rows = [(str(k.label), k.value, _kind_note(k)) for k in OrgKind]
        next_row = write_table(
            guide,
            next_row,
            "类型（填写中文名称或英文代码）",
            ["中文名称", "英文代码", "说明"],
            kind_rows,
        )
        next_row = write_table(
            guide,
            next_row,
            "城乡分类代码",
            ["代码", "名称", ""],
            [(c.value, str(c.label), "") for c in UrbanRural],
        )
        next_row = write_table(
            guide,
            next_row,
            "是否已建妇女组织",
            ["取值", "含义", ""],
            [("是", "已建立妇联（妇代会）", "留空视为“是”"), ("否", "尚未建立", "")],
        )
        guide.cell(
            row=next_row, column=1, value="示例（请在“组织”工作表填写，不要填在此处）"
        ).font = Font(bold=True, size=12)
        for column, text in enumerate(COLUMNS, start=1):
            guide.cell(row=next_row + 1, column=column, value=text)
        style_header(guide, next_row + 1, len(COLUMNS))
        for offset, values in enumerate(_EXAMPLE, start=next_row + 2):
            for column, text in enumerate(values, start=1):
                guide.cell(row=offset, column=column, value=text).number_format = "@"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
