"""A streaming reader for one sheet of an .xlsx: the cell values of each row.

openpyxl's read-only mode builds a dict and a coordinate per cell, about 7 µs each:
9 s for 100 000 rows of 13 cells as Excel saves them, 14 s as openpyxl writes them
(inline strings and no ``<dimension>``, so that opening the sheet parses it twice).
That is a third of the import budget, so the import reads the sheet XML here with
ElementTree's ``iterparse`` (2–3 s) and falls back to openpyxl for anything unusual.

Values come out as openpyxl's ``values_only`` gives them: ``str``, ``int``, ``float``,
``bool``, ``datetime`` for cells with a date format, ``None`` for empty cells.

The XML is an upload, parsed as openpyxl parses it when defusedxml is absent:
ElementTree never fetches external entities, and expat (2.4 and later) stops the
entity-expansion attacks ("billion laughs").
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _CELL, _VALUE = _MAIN + "row", _MAIN + "c", _MAIN + "v"
_TEXT, _RUN, _INLINE = _MAIN + "t", _MAIN + "r", _MAIN + "is"
# Built-in number formats that Chinese, Japanese and Korean Excel show as dates
# (e.g. 31 is yyyy"年"m"月"d"日"); openpyxl's table leaves them out.
_CJK_DATE_FORMATS = {*range(27, 37), *range(50, 59)}


class NotAWorkbook(ValueError):
    """The file is not an .xlsx this reader understands."""


def _xml(archive: zipfile.ZipFile, path: str) -> ElementTree.Element:
    with archive.open(path) as source:
        return ElementTree.parse(source).getroot()  # noqa: S314 — see the module docstring


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) for ``part``."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in archive.NameToInfo:
        return {}
    found = {}
    for rel in _xml(archive, rels_path).iter(_PKG_REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return found


def _string(item: ElementTree.Element) -> str:
    """A shared or inline string: its own ``<t>`` or its runs, never phonetic hints."""
    text = item.findtext(_TEXT)
    if text is not None:
        return text
    return "".join(run.findtext(_TEXT) or "" for run in item.iter(_RUN))


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if not path:
        return []
    strings = []
    with archive.open(path) as source:
        for _event, element in ElementTree.iterparse(source):  # noqa: S314
            if element.tag == _MAIN + "si":
                strings.append(_string(element))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> set[int]:
    """Indexes of the cell formats (``s`` attributes) that show a number as a date."""
    if not path:
        return set()
    root = _xml(archive, path)
    custom = {
        int(fmt.get("numFmtId", -1)): fmt.get("formatCode", "")
        for fmt in root.iter(_MAIN + "numFmt")
    }
    cell_formats = root.find(_MAIN + "cellXfs")
    dates = set()
    for index, xf in enumerate([] if cell_formats is None else cell_formats):
        number_format = int(xf.get("numFmtId", 0))
        code = custom.get(number_format) or BUILTIN_FORMATS.get(number_format, "")
        if number_format in _CJK_DATE_FORMATS or (code and is_date_format(code)):
            dates.add(index)
    return dates


_DIGITS = "0123456789"
_columns: dict[str, int] = {}


def _column(reference: str) -> int:
    """0-based column of a cell reference such as ``AB12`` (memoised: a sheet has few)."""
    letters = reference.rstrip(_DIGITS)
    column = _columns.get(letters)
    if column is None:
        column = 0
        for char in letters.upper():
            column = column * 26 + ord(char) - 64
        column = _columns.setdefault(letters, column - 1)
    return column


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def iter_rows(file_obj, *, prefer_sheet: str) -> Iterator[tuple[int, list]]:
    """(Excel row number, values) of the sheet named ``prefer_sheet``, else the first.

    Raises ``NotAWorkbook`` when the package or its XML is not a workbook.
    """
    try:
        archive = zipfile.ZipFile(file_obj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NotAWorkbook(str(exc)) from exc
    with archive:
        try:
            package = _relationships(archive, "")
            workbook_path = next(
                path for kind, path in package.values() if kind.endswith("/officeDocument")
            )
            workbook = _xml(archive, workbook_path)
            parts = _relationships(archive, workbook_path)
            sheets = [
                (sheet.get("name"), parts[sheet.get(_DOC_REL)][1])
                for sheet in workbook.iter(_MAIN + "sheet")
            ]
            sheet_path = dict(sheets).get(prefer_sheet) or sheets[0][1]
            by_kind = {kind.rsplit("/", 1)[-1]: path for kind, path in parts.values()}
            strings = _shared_strings(archive, by_kind.get("sharedStrings"))
            date_styles = _date_styles(archive, by_kind.get("styles"))
            properties = workbook.find(_MAIN + "workbookPr")
            date1904 = properties is not None and properties.get("date1904") in {"1", "true"}
            source = archive.open(sheet_path)
        except (KeyError, StopIteration, IndexError, ElementTree.ParseError, ValueError) as exc:
            raise NotAWorkbook(str(exc)) from exc
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        with source:
            try:
                yield from _rows(source, strings, date_styles, epoch)
            except (ElementTree.ParseError, KeyError, IndexError, ValueError) as exc:
                raise NotAWorkbook(str(exc)) from exc


def _rows(source, strings: list[str], date_styles: set[int], epoch) -> Iterator[tuple[int, list]]:
    number = 0
    for _event, element in ElementTree.iterparse(source):  # noqa: S314
        if element.tag != _ROW:
            continue
        given = element.get("r")
        number = int(given) if given else number + 1
        values: list = []
        for cell in element:
            reference = cell.get("r")
            if reference:
                column = _column(reference)
                if column > len(values):
                    values.extend([None] * (column - len(values)))
            if cell.get("t") == "s":  # the common case, without a call
                text = cell.findtext(_VALUE)
                values.append(strings[int(text)] if text else None)
            else:
                values.append(_value(cell, strings, date_styles, epoch))
        # The cells read are dropped (an empty row element stays, ~70 bytes), so memory
        # stays flat however long the sheet.
        element.clear()
        yield number, values


def _value(cell: ElementTree.Element, strings: list[str], date_styles: set[int], epoch):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return None if inline is None else _string(inline)
    text = None
    for child in cell:  # <v>, after <f> in a formula cell
        if child.tag == _VALUE:
            text = child.text
            break
    if not text:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind == "n":
        value = _number(text)
        style = cell.get("s")
        if style and int(style) in date_styles:
            return from_excel(value, epoch)
        return value
    if kind == "b":
        return text == "1"
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's text result) and "e" (an error such as #N/A)
