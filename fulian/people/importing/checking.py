"""Reading and checking an import file: every problem of every row, nothing written.

Rows are checked with the registry's own rules (``services.clean_person_data``, the
data scope, the unique ID number). Messages never carry a plaintext ID number.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fulian.core.imports import ImportResult
from fulian.core.masking import mask_id_number
from fulian.orgs.importing import cell_text
from fulian.orgs.models import Org, OrgStatus

from .. import services
from ..models import ADULT_AGE, Category, Education, Gender, LegalBasis, Person, Tag
from ..validation import validate_id_number
from . import xlsx
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
    FIELD_COLUMNS,
    FILE,
    HEADER_ALIASES,
    LOOKUP_CHUNK,
    MAX_LENGTHS,
    MAX_ROWS,
    PERM,
    REQUIRED,
    SHEET_DATA,
)

_NEED_ID = gettext_noop("批量导入须填写身份证号；没有身份证号的人员请在系统中逐个登记")
_NUMERIC_ID = gettext_noop(
    "（该单元格是数字格式，Excel 只保留15位有效数字，请将此列设为文本格式后重新填写）"
)
_TAG_SEPARATORS = re.compile(r"[、,，;；]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ID_LIKE = re.compile(r"\d{17}[\dXx]")


def _shown(text: str) -> str:
    """A cell's text for a message: an ID number typed into the wrong column stays masked."""
    return _ID_LIKE.sub(lambda match: mask_id_number(match.group()), text)


@dataclass(slots=True)
class NewPerson:
    """One checked row, ready to write: the values ``clean_person_data`` returned."""

    number: int  # Excel row number
    values: dict
    tags: list[Tag]
    id_number_hash: str
    phone_hash: str | None


# --- reading -------------------------------------------------------------------------


def _normalise_label(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").lower()


def _normalise_header(value) -> str:
    text = re.sub(r"\s+", "", cell_text(value)).lstrip("*＊")
    return HEADER_ALIASES.get(text, text)


def _choice_lookup(choices) -> dict[str, str]:
    """Chinese label (zh-hans and the current language) or stored value → value."""
    lookup = {}
    for choice in choices:
        lookup[choice.value] = choice.value
        lookup[_normalise_label(str(choice.label))] = choice.value
        with translation.override("zh-hans"):
            lookup[_normalise_label(str(choice.label))] = choice.value
    return lookup


def _text(value) -> str:
    """``cell_text`` with a fast path for the common case, a plain string."""
    if value.__class__ is str:
        text = value.strip()
        if "\u3000" in text or (text[-1:] == "0" and "." in text):
            return cell_text(text)  # a full-width space, or "321202.0" typed as text
        return text
    return cell_text(value)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank_row(cells: list) -> bool:
    # Returns at the first filled cell: on a data row, almost always the first one.
    for value in cells:
        if value is not None and (value.__class__ is not str or value.strip()):
            return False
    return True


@dataclass(slots=True)
class _Row:
    number: int  # Excel row number
    cells: list  # the row's raw values, read by column position


class _FileProblem(Exception):
    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors


def _unreadable() -> _FileProblem:
    return _FileProblem([(0, FILE, _("无法读取文件，请使用系统提供的 Excel 模板（.xlsx）"))])


def _openpyxl_rows(file_obj) -> Iterator[tuple[int, list]]:
    """The fallback reader: openpyxl read-only, for workbooks ``xlsx`` cannot read."""
    file_obj.seek(0)
    try:
        workbook = openpyxl.load_workbook(file_obj, read_only=True, data_only=True)
    except Exception:  # anything openpyxl cannot open is not a usable workbook
        raise _unreadable() from None
    try:
        if not workbook.worksheets:
            raise _unreadable()
        names = workbook.sheetnames
        sheet = workbook[SHEET_DATA] if SHEET_DATA in names else workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except _FileProblem:
        raise
    except Exception:  # a corrupt sheet fails while streaming, not only on open
        raise _unreadable() from None
    finally:
        workbook.close()


def _header(cells: list) -> dict[str, int]:
    """Column label → position, or _FileProblem naming the missing headers."""
    if _is_blank_row(cells):
        raise _FileProblem([(1, FILE, _("第1行应为表头，请使用系统提供的模板"))])
    positions: dict[str, int] = {}
    for index, value in enumerate(cells):
        label = _normalise_header(value)
        if label in COLUMNS and label not in positions:
            positions[label] = index
    missing = [label for label in REQUIRED if label not in positions]
    if missing:
        raise _FileProblem(
            [
                (1, label, _("缺少表头“%(col)s”，请使用系统提供的模板") % {"col": label})
                for label in missing
            ]
        )
    return positions


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[_Row]]:
    """Non-empty data rows in chunks; the first row read is the header (not yielded)."""
    chunk: list[_Row] = []
    count = 0
    for number, cells in rows:
        if _is_blank_row(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            message = _("数据超过 %(n)s 行，请分成几个文件导入") % {"n": f"{MAX_ROWS:,}"}
            raise _FileProblem([(0, FILE, message)])
        chunk.append(_Row(number, cells))
        if len(chunk) == LOOKUP_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _BadDate(ValueError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _parse_date(value) -> datetime.date | None:
    """A date cell, or text such as 1975-03-08, 1975/3/8, 1975年3月8日, 19750308."""
    if _is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise _BadDate(_("日期格式不正确，应为 YYYY-MM-DD，如 1975-03-08"))
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _BadDate(_("日期 %(date)s 不存在") % {"date": _shown(text)}) from None


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- checking ------------------------------------------------------------------------


class _Checker:
    """What every row is checked against, loaded once per file (no per-row queries)."""

    def __init__(self, positions: dict[str, int], actor, add):
        self.positions = positions
        self.actor = actor
        self.add = add
        self.today = timezone.localdate()
        self.genders = _choice_lookup(Gender)
        self.categories = _choice_lookup(Category)
        self.educations = _choice_lookup(Education)
        self.bases = _choice_lookup(LegalBasis)
        self.tags = {tag.name: tag for tag in Tag.objects.all()}
        self.orgs: dict[str, Org | None] = {}
        self.allowed: dict[int, bool] = {}
        if actor is not None:
            from fulian.accounts.scope import scope_for

            self.scope = scope_for(actor, PERM)
        # Stands in for a missing org so that the row's other fields are still checked.
        self.no_org = Org(name="", status=OrgStatus.ACTIVE)

    def load_orgs(self, rows: list[_Row]) -> None:
        """The orgs a chunk names that earlier chunks did not: one query."""
        index = self.positions[COL_ORG]
        codes = {_text(row.cells[index]) for row in rows if index < len(row.cells)}
        codes -= self.orgs.keys() | {""}
        if codes:
            found = {org.code: org for org in Org.objects.filter(code__in=codes)}
            self.orgs.update({code: found.get(code) for code in codes})

    def texts(self, row: _Row) -> dict[str, str]:
        cells = row.cells
        return {
            label: _text(cells[index]) if index < len(cells) else ""
            for label, index in self.positions.items()
        }

    def raw(self, row: _Row, label: str):
        index = self.positions.get(label)
        if index is None or index >= len(row.cells):
            return None
        return row.cells[index]

    def may_add_in(self, org: Org) -> bool:
        if self.actor is None:
            return True
        if org.pk not in self.allowed:
            self.allowed[org.pk] = self.scope.covers_org(org)
        return self.allowed[org.pk]

    def choice(self, number: int, label: str, text: str, lookup: dict, default: str) -> str:
        if not text:
            return default
        value = lookup.get(text) or lookup.get(_normalise_label(text))
        if value is None:
            self.add(
                number,
                label,
                _("“%(value)s”不是可选值，可选值见“说明”工作表") % {"value": _shown(text)},
            )
            return default
        return value

    def date(self, row: _Row, label: str) -> datetime.date | None:
        try:
            return _parse_date(self.raw(row, label))
        except _BadDate as exc:
            self.add(row.number, label, exc.message)
        return None

    def tag_list(self, number: int, text: str) -> list[Tag]:
        found: list[Tag] = []
        for name in _TAG_SEPARATORS.split(text) if text else ():
            name = name.strip()
            if not name:
                continue
            tag = self.tags.get(name)
            if tag is None:
                self.add(
                    number,
                    COL_TAGS,
                    _("未知的标签“%(tag)s”，可选标签见“说明”工作表") % {"tag": _shown(name)},
                )
            elif not tag.is_active:
                self.add(number, COL_TAGS, _("标签“%(tag)s”已停用") % {"tag": name})
            elif tag not in found:
                found.append(tag)
        return found

    def org(self, number: int, code: str) -> Org:
        org = self.orgs.get(code)
        if not code:
            self.add(number, COL_ORG, _("请填写所属组织代码"))
        elif org is None:
            self.add(number, COL_ORG, _("组织代码不存在：%(code)s") % {"code": _shown(code)})
        elif not self.may_add_in(org):
            self.add(number, COL_ORG, _("您无权在“%(org)s”登记人员") % {"org": org.name})
        return org or self.no_org

    def check(self, row: _Row) -> tuple[NewPerson | None, str | None]:
        """The row's person (None when it has a problem) and its ID hash when valid."""
        add, number = self.add, row.number
        text = self.texts(row).get
        org = self.org(number, text(COL_ORG, ""))
        for label, limit in MAX_LENGTHS.items():
            if len(text(label, "")) > limit:
                add(number, label, _("不能超过%(n)s个字") % {"n": limit})
        id_text = text(COL_ID, "")
        if not id_text:
            # Without the number nothing tells her from a namesake across a whole file.
            add(number, COL_ID, _(_NEED_ID))
        gender = self.choice(number, COL_GENDER, text(COL_GENDER, ""), self.genders, "")
        data = services.PersonData(
            name=text(COL_NAME, ""),
            org=org,
            gender=gender or Gender.FEMALE,
            category=self.choice(
                number, COL_CATEGORY, text(COL_CATEGORY, ""), self.categories, Category.WOMAN
            ),
            id_number=id_text,
            phone=text(COL_PHONE, ""),
            birth_date=self.date(row, COL_BIRTH),
            ethnicity=text(COL_ETHNICITY, "") or "汉族",
            education=self.choice(
                number, COL_EDUCATION, text(COL_EDUCATION, ""), self.educations, ""
            ),
            address=text(COL_ADDRESS, ""),
            legal_basis=self.choice(
                number, COL_BASIS, text(COL_BASIS, ""), self.bases, LegalBasis.STATUTORY
            ),
            consent_date=self.date(row, COL_CONSENT),
        )
        tags = self.tag_list(number, text(COL_TAGS, ""))
        values = None
        id_valid = bool(id_text)
        try:
            values = services.clean_person_data(data)
        except ValidationError as exc:
            id_valid = id_valid and "id_number" not in exc.message_dict
            numeric_id = isinstance(self.raw(row, COL_ID), int | float)
            for name, messages in exc.message_dict.items():
                column = FIELD_COLUMNS.get(name, COL_NAME)
                for message in messages:
                    if column == COL_ID and numeric_id:
                        message += _(_NUMERIC_ID)
                    add(number, column, message)
        if not id_valid:
            return None, None
        hashed = services.id_number_hash(
            values["id_number"] if values else validate_id_number(id_text)
        )
        if values is None:
            return None, hashed
        if gender and gender != values["gender"]:
            add(number, COL_GENDER, _("性别与身份证号不一致"))
        if values["birth_date"] and _age_on(values["birth_date"], self.today) < ADULT_AGE:
            add(number, COL_BIRTH, _("未满14周岁的儿童请在系统中逐个登记并关联监护人"))
        if add.count(number):
            return None, hashed
        person = NewPerson(
            number=number,
            values=values,
            tags=tags,
            id_number_hash=hashed,
            phone_hash=services.phone_hash(values["phone"]) if values["phone"] else None,
        )
        return person, hashed


class _Errors:
    """Collects (row, column, message); callable as ``add(row, column, message)``."""

    def __init__(self):
        self.by_row: dict[int, list[tuple[int, str, str]]] = defaultdict(list)

    def __call__(self, number: int, column: str, message: str) -> None:
        self.by_row[number].append((number, column, message))

    def count(self, number: int) -> int:
        rows = self.by_row.get(number)
        return len(rows) if rows else 0

    def sorted(self) -> list[tuple[int, str, str]]:
        return [error for number in sorted(self.by_row) for error in self.by_row[number]]


def _check_duplicates(by_hash: dict[str, list[int]], actor, add) -> None:
    """The same ID number twice in the file, or already in the registry."""
    for numbers in by_hash.values():
        if len(numbers) > 1:
            for number in numbers:
                others = "、".join(str(n) for n in numbers if n != number)
                add(number, COL_ID, _("与第%(rows)s行身份证号重复") % {"rows": others})
    hashes = list(by_hash)
    # Whom to contact depends only on her org: one message per org outside the scope.
    outside: dict[int, str] = {}
    if actor is not None:
        from fulian.accounts.scope import scope_for

        visible = scope_for(actor, "people.view_person")
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        chunk = hashes[start : start + LOOKUP_CHUNK]
        existing = (
            Person.objects.filter(id_number_hash__in=chunk)
            .select_related("org")
            .defer("id_number", "phone")  # no need to decrypt them
        )
        for person in existing:
            if actor is None or visible.covers_org(person.org):
                message = services.duplicate_error(actor, person).messages[0]
            else:
                if person.org_id not in outside:
                    outside[person.org_id] = services.duplicate_error(actor, person).messages[0]
                message = outside[person.org_id]
            for number in by_hash[person.id_number_hash]:
                add(number, COL_ID, message)


def _parse(rows: Iterator[tuple[int, list]], actor) -> ImportResult:
    first = next(rows, None)
    if first is None:
        raise _FileProblem([(1, FILE, _("第1行应为表头，请使用系统提供的模板"))])
    add = _Errors()
    checker = _Checker(_header(first[1]), actor, add)
    result = ImportResult()
    by_hash: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks(rows):
        checker.load_orgs(chunk)
        for row in chunk:
            person, hashed = checker.check(row)
            if hashed:
                by_hash[hashed].append(row.number)
            if person is not None:
                result.rows.append(person)
        result.total += len(chunk)
    if not result.total:
        raise _FileProblem([(0, FILE, _("文件中没有数据行"))])
    _check_duplicates(by_hash, actor, add)
    result.rows = [person for person in result.rows if not add.count(person.number)]
    result.errors = add.sorted()
    return result


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection inside the block (reference counting goes on).

    An import allocates millions of short-lived objects while it holds every checked
    row, so the collector runs thousands of times, walking those rows again each time:
    18 % of a 30 000-row import. Rows, dicts and model instances form no cycles, so
    nothing waits for the collector that resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_workbook(file_obj, *, actor) -> ImportResult:
    """Dry run: every problem of every row; ``rows`` holds the people who have none."""
    with collector_paused():
        return _parse_workbook(file_obj, actor)


def _parse_workbook(file_obj, actor) -> ImportResult:
    try:
        try:
            file_obj.seek(0)
            return _parse(xlsx.iter_rows(file_obj, prefer_sheet=SHEET_DATA), actor)
        except xlsx.NotAWorkbook:
            # Not the XML the fast reader expects: openpyxl reads what it can, or says why.
            return _parse(_openpyxl_rows(file_obj), actor)
    except _FileProblem as problem:
        return ImportResult(errors=problem.errors)
