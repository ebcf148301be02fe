"""The import template: the 人员 sheet to fill in and a 说明 sheet explaining it."""

from __future__ import annotations

import io

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fulian.core.imports import style_header, write_table

from ..models import Category, Education, Gender, LegalBasis, Tag
from .columns import (
    COL_ADDRESS,
    COL_BASIS,
    COL_BIRTH,
    COL_CATEGORY,
    COL_CONSENT,
    COL_EDUCATION,
    COL_ETHNICITY,
    COL_GENDER,
    COL_ID,
    COL_NAME,
    COL_ORG,
    COL_PHONE,
    COL_TAGS,
    COLUMNS,
    MAX_ROWS,
    SHEET_DATA,
    SHEET_HELP,
    TEXT_COLUMNS,
)

# --- the template --------------------------------------------------------------------

_WIDTHS = {COL_ID: 22, COL_PHONE: 16, COL_ORG: 16, COL_TAGS: 22, COL_ADDRESS: 30}
_EXAMPLE = (
    "王秀英",
    "女",
    "32120219750308xxxx",
    "13812345678",
    "1975-03-08",
    "321202100001",
    "妇女",
    "困难妇女、单亲",
    "汉族",
    "初中",
    "九龙镇龙江社区1组",
    "履行法定职责",
    "",
)


def _column_help(tag_names: list[str]) -> list[tuple[str, str, str]]:
    def labels(choices) -> str:
        return "、".join(str(c.label) for c in choices)

    return [
        (COL_NAME, "必填", "姓名，不超过50个字。"),
        (COL_GENDER, "选填", f"{labels(Gender)}；以身份证号为准，填写时须与身份证号一致。"),
        (
            COL_ID,
            "必填",
            "18位居民身份证号，最后一位可以是X。系统按身份证号查重：文件内重复、"
            "或已在系统中登记的，整个文件都不导入。请保持此列为文本格式，"
            "否则 Excel 会把第15位以后的数字变成0。",
        ),
        (COL_PHONE, "选填", "手机号（11位）或固定电话（如 0523-86812345）。"),
        (
            COL_BIRTH,
            "选填",
            "格式 YYYY-MM-DD，如 1975-03-08；可留空，系统从身份证号读取，填写时须一致。"
            "未满14周岁的儿童须关联监护人，请在系统中逐个登记，不能批量导入。",
        ),
        (
            COL_ORG,
            "必填",
            "所属村（社区）等组织的代码（12位统计用区划代码，或系统中的组织代码），"
            "须在您的管理范围内。",
        ),
        (COL_CATEGORY, "选填", f"{labels(Category)}；留空为“妇女”。"),
        (
            COL_TAGS,
            "选填",
            "可填多个，用顿号“、”或逗号分隔，须是系统标签字典中启用的标签："
            + ("、".join(tag_names) or "（暂无）"),
        ),
        (COL_ETHNICITY, "选填", "如 汉族、回族；留空为“汉族”。"),
        (COL_EDUCATION, "选填", labels(Education) + "。"),
        (COL_ADDRESS, "选填", "不超过200个字。"),
        (COL_BASIS, "选填", f"处理个人信息的依据：{labels(LegalBasis)}；留空为“履行法定职责”。"),
        (COL_CONSENT, "依据为“本人同意”时必填", "格式 YYYY-MM-DD。"),
    ]


def build_template() -> bytes:
    """The .xlsx template: the 人员 sheet to fill in and a 说明 sheet explaining it."""
    tag_names = list(Tag.objects.filter(is_active=True).values_list("name", flat=True))
    with translation.override("zh-hans"):
        workbook = openpyxl.Workbook()
        data = workbook.active
        data.title = SHEET_DATA
        data.append(COLUMNS)
        style_header(data, 1, len(COLUMNS))
        data.freeze_panes = "A2"
        for index, label in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            data.column_dimensions[letter].width = _WIDTHS.get(label, 12)
            if label in TEXT_COLUMNS:
                # Text format keeps all 18 digits (Excel rounds numbers to 15).
                data.column_dimensions[letter].number_format = "@"
        for label, choices in (
            (COL_GENDER, Gender),
            (COL_CATEGORY, Category),
            (COL_EDUCATION, Education),
            (COL_BASIS, LegalBasis),
        ):
            # A warning, not a stop: a stored value such as "female" is accepted too.
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(str(c.label) for c in choices) + '"',
                allow_blank=True,
                errorStyle="warning",
                showErrorMessage=True,
                error=_("请从列表中选择"),
                errorTitle=label,
            )
            letter = get_column_letter(COLUMNS.index(label) + 1)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            data.add_data_validation(rule)

        guide = workbook.create_sheet(SHEET_HELP)
        for letter, width in (("A", 16), ("B", 24), ("C", 90)):
            guide.column_dimensions[letter].width = width
        guide.cell(row=1, column=1, value="妇女群众档案批量导入说明").font = Font(
            bold=True, size=14
        )
        guide.cell(
            row=2,
            column=1,
            value=(
                "在“人员”工作表第2行起逐行填写，每行一人；第1行表头请勿修改。"
                "导入时先检查全部数据，任何一行有误则整个文件都不导入，并列出出错的行和列。"
                f"每个文件最多 {MAX_ROWS:,} 行。"
            ),
        )
        next_row = write_table(
            guide, 4, "各列说明", ["列名", "是否必填", "说明"], _column_help(tag_names)
        )
        for title, choices in (
            (COL_GENDER, Gender),
            (COL_CATEGORY, Category),
            (COL_EDUCATION, Education),
            (COL_BASIS, LegalBasis),
        ):
            next_row = write_table(
                guide,
                next_row,
                f"{title}（可选值）",
                ["填写", "", ""],
                [(str(c.label), "", "") for c in choices],
            )
        next_row = write_table(
            guide, next_row, "标签（可选值）", ["填写", "", ""], [(n, "", "") for n in tag_names]
        )
        guide.cell(
            row=next_row, column=1, value="示例（请在“人员”工作表填写，不要填在此处）"
        ).font = Font(bold=True, size=12)
        for column, text in enumerate(COLUMNS, start=1):
            guide.cell(row=next_row + 1, column=column, value=text)
        style_header(guide, next_row + 1, len(COLUMNS))
        for column, text in enumerate(_EXAMPLE, start=1):
            guide.cell(row=next_row + 2, column=column, value=text).number_format = "@"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
