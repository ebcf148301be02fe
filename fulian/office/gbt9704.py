"""Outgoing documents (发文) rendered as .docx in the GB/T 9704-2012 layout.

``render_outgoing`` is a pure function: an ``OutgoingDocument`` in, the bytes of a
.docx out. Measures follow GB/T 9704-2012 (党政机关公文格式):

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: type area 156 × 225 mm.
- 22 lines a page: the exact line pitch is 225 mm / 22 rounded down to a whole twip,
  579 twips = 28.95 pt; body text 3号 (16 pt) 仿宋_GB2312.
- Red organ mark 35 mm below the top of the type area, number two lines below it,
  a red rule of type-area width 4 mm under the number (7.2.3 – 7.2.5).
- Dates in Arabic numerals, year/month/day in full, no leading zeros (7.3.5.1:
  "用阿拉伯数字将年、月、日标全，年份应标全称，月、日不编虚位"), e.g. 2026年11月24日.
- Page numbers "— 1 —" in 4号 半角宋体, odd pages right and even pages left, one
  character in from the edge (7.5).

Fonts: 仿宋_GB2312 and 方正小标宋简体 are not installed on most machines. Every run
names its East Asian font explicitly (w:eastAsia); the Normal style names 仿宋 (present
on every Chinese Windows since Vista, and the usual substitute) for ascii/hAnsi, and the
font table declares w:altName fallbacks (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体,
楷体_GB2312 → 楷体) that Word uses when the named font is missing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor, Twips
from lxml import etree

FANGSONG = "仿宋_GB2312"
FANGSONG_FALLBACK = "仿宋"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
SONGTI = "宋体"
FONT_ALT_NAMES = {FANGSONG: FANGSONG_FALLBACK, XIAOBIAOSONG: SONGTI, "楷体_GB2312": "楷体"}

RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)  # 156 mm
TYPE_HEIGHT = Emu(PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)  # 225 mm
LINES_PER_PAGE = 22
LINE_TWIPS = int(TYPE_HEIGHT / LINES_PER_PAGE) // Twips(1)  # 579 twips
LINE = Twips(LINE_TWIPS)  # 28.95 pt

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
ORGAN_MARK_MAX = Pt(36)  # 小初; shrunk to fit the type width for long organ names
# 28 characters of 16 pt are 448 pt, wider than the 156 mm (442.2 pt) type area: body
# text is condensed by 0.25 pt a character (w:spacing -5 twentieths), 28 × 15.75 = 441 pt.
BODY_CONDENSE = -5
CHARS_PER_LINE = 28
RULE_SPACE, RULE_WIDTH = Pt(11), Pt(1.5)
MARK_LINE = Twips(
    LINE_TWIPS * 2
)  # the organ mark's line, exact, so the page-1 header has a known height


@dataclass(frozen=True)
class OutgoingDocument:
    issuing_org_mark: str
    number_text: str
    title: str
    main_recipients: str
    body_paragraphs: list[str]
    signing_org: str
    signed_on: date
    printing_org: str
    printed_on: date
    attachments: list[str] = field(default_factory=list)
    copy_to: str = ""
    secrecy: str = ""
    urgency: str = ""


def chinese_date(day: date) -> str:
    """GB/T 9704-2012 7.3.5.1: Arabic numerals, no leading zeros: 2026年11月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _ems(text: str) -> float:
    """Width of ``text`` in ems: ASCII is half width, everything else full width."""
    return sum(0.5 if ord(ch) < 0x80 else 1.0 for ch in text)


# --- low-level helpers -------------------------------------------------------------


def _set_fonts(rpr, east_asia: str, latin: str | None = None) -> None:
    """Set w:rFonts on a w:rPr, dropping theme fonts so the explicit names win."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    latin = latin or east_asia
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _condense(rpr, twentieths: int) -> None:
    """Character spacing (w:spacing), in the place CT_RPr wants it."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)


_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip


def _run(paragraph, text: str, font: str, size: Length, *, color=None, latin=None):
    run = paragraph.add_run(text)
    run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    _set_fonts(rpr, font, latin or (FANGSONG_FALLBACK if font == FANGSONG else font))
    if font == FANGSONG and size == SIZE_3:
        _condense(rpr, BODY_CONDENSE)
    return run


def _para(doc_or_cell, *, align=None, before: Length | int = 0, spacing: Length | None = LINE):
    paragraph = doc_or_cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Emu(before)
    fmt.space_after = Emu(0)
    if spacing is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = spacing
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if align is not None:
        fmt.alignment = align
    # Off the line grid: Writer would give a line larger than the grid pitch (the title,
    # the organ mark) two grid rows; with exact spacing Word and Writer lay out alike.
    paragraph._p.get_or_add_pPr().insert_element_before(_snap_off(), *_PPR_AFTER_SNAP)
    return paragraph


def _border(parent, edge: str, *, size_eighths: int, color: str, space: int = 0) -> None:
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    parent.append(el)


def _paragraph_bottom_rule(paragraph, *, size_eighths: int, color: str, space_pt: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    _border(pbdr, "bottom", size_eighths=size_eighths, color=color, space=space_pt)
    successors = ("w:shd", "w:tabs", "w:snapToGrid", "w:spacing", "w:ind", "w:jc", "w:rPr")
    ppr.insert_element_before(pbdr, *successors)  # keep the CT_PPr child order


def _page_field(paragraph, font: str, size: Length) -> None:
    """Append a PAGE field (complex field: begin / instrText / separate / 1 / end)."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = [
        '<w:fldChar {} w:fldCharType="begin"/>',
        '<w:instrText {} xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar {} w:fldCharType="separate"/>',
        "<w:t {}>1</w:t>",
        '<w:fldChar {} w:fldCharType="end"/>',
    ]
    for xml in parts:
        _run(paragraph, "", font, size)._r.append(parse_xml(xml.format(w)))


def _footer_page_number(footer, *, odd: bool) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Emu(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # 单页码居右空一字，双页码居左空一字 (one 4号 character).
    if odd:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = SIZE_4
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = SIZE_4
    _run(paragraph, "— ", SONGTI, SIZE_4)
    _page_field(paragraph, SONGTI, SIZE_4)
    _run(paragraph, " —", SONGTI, SIZE_4)


# --- document set-up ----------------------------------------------------------------


def _setup_document(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    # The em dashes sit about 7 mm below the type area (7.5).
    section.footer_distance = Emu(MARGIN_BOTTOM - Mm(7) - SIZE_4)
    grid = section._sectPr.find(qn("w:docGrid"))  # present in python-docx's template
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))

    # Defaults: drop theme fonts so the explicit names below win everywhere.
    rpr_default = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr, FANGSONG, FANGSONG_FALLBACK)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")

    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG, FANGSONG_FALLBACK)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Emu(0)
    fmt.line_spacing = LINE
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # No widow/orphan moves: every page holds its 22 lines, so the page model below (which
    # pins the 版记 to the foot of the last page) matches what Word and Writer print.
    fmt.widow_control = False

    doc.settings.odd_and_even_pages_header_footer = True
    _footer_page_number(section.footer, odd=True)
    _footer_page_number(section.even_page_footer, odd=False)
    _declare_font_fallbacks(doc)


def _declare_font_fallbacks(doc) -> None:
    """Add w:font entries with w:altName to word/fontTable.xml."""
    part = next(
        (p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml"), None
    )
    if part is None:
        return
    root = parse_xml(part.blob)  # a plain Part: edit the XML and write the blob back
    for name, alt in FONT_ALT_NAMES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        font.append(alt_el)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- the parts of a document ----------------------------------------------------------


def _header_block(doc, d: OutgoingDocument) -> None:
    """版头: secrecy / urgency, red organ mark, number, red rule."""
    marks = [m for m in (d.secrecy, d.urgency) if m]
    for mark in marks:  # 顶格编排在版心左上角: secrecy first, urgency below it
        _run(_para(doc, align=WD_ALIGN_PARAGRAPH.LEFT), mark, HEITI, SIZE_3)

    ems = max(_ems(d.issuing_org_mark), 1.0)
    size = Pt(min(ORGAN_MARK_MAX.pt, int(TYPE_WIDTH.pt / ems)))
    before = max(Mm(35) - LINE * len(marks), 0)
    mark = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=before, spacing=MARK_LINE)
    _run(mark, d.issuing_org_mark, XIAOBIAOSONG, size, color=RED)

    number = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=LINE * 2)
    _run(number, d.number_text, FANGSONG, SIZE_3)
    # Red rule, type-area wide, 4 mm (≈ 11 pt) below the number, 1.5 pt thick.
    _paragraph_bottom_rule(
        number, size_eighths=int(RULE_WIDTH.pt * 8), color=RED_HEX, space_pt=int(RULE_SPACE.pt)
    )


def _body_block(doc, d: OutgoingDocument) -> None:
    """主体: title, main recipients, body, attachment notes."""
    # 标题: 红色分隔线下空二行 (7.3.1); 2号小标宋, centred.
    title = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=LINE * 2)
    _run(title, d.title, XIAOBIAOSONG, SIZE_2)

    if d.main_recipients:  # 标题下空一行，居左顶格
        recipients = _para(doc, align=WD_ALIGN_PARAGRAPH.LEFT, before=LINE)
        _run(recipients, d.main_recipients, FANGSONG, SIZE_3)

    for text in d.body_paragraphs:
        paragraph = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph.paragraph_format.first_line_indent = Emu(SIZE_3 * 2)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        _run(paragraph, text, FANGSONG, SIZE_3)

    # 附件说明: 正文下空一行左空二字; several attachments are numbered "1. " and aligned.
    label = "附件："
    for index, name in enumerate(d.attachments):
        numbered = f"{index + 1}. {name}" if len(d.attachments) > 1 else name
        paragraph = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=LINE if index == 0 else 0)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Emu(int(SIZE_3 * (2 + _ems(label))))
        fmt.first_line_indent = Emu(-int(SIZE_3 * _ems(label))) if index == 0 else Emu(0)
        _run(paragraph, (label if index == 0 else "") + numbered, FANGSONG, SIZE_3)


def _signature_block(doc, d: OutgoingDocument) -> None:
    """署名 and 成文日期: date right with 4 characters free, organ centred over the date."""
    dated = chinese_date(d.signed_on)  # Arabic numerals per GB/T 9704-2012 7.3.5.1
    date_right = SIZE_3 * 4
    offset = (_ems(dated) - _ems(d.signing_org)) / 2
    org_right = Emu(max(int(date_right + SIZE_3 * offset), 0))

    # Two blank lines leave room for the seal (印章上距正文一行之内, 下压署名和日期).
    org = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, before=LINE * 2)
    org.paragraph_format.right_indent = org_right
    _run(org, d.signing_org, FANGSONG, SIZE_3)

    day = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    day.paragraph_format.right_indent = Emu(date_right)
    _run(day, dated, FANGSONG, SIZE_3)


def _cell_borders(cell, *, top: int = 0, bottom: int = 0) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0)):
        if size:
            _border(borders, edge, size_eighths=size, color="000000")
        else:
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
    tcpr.append(borders)


IMPRINT_RULES = Pt(2)


def _lines(text: str, size: Length, width: Length, first_indent: Length = 0) -> int:
    """How many lines ``text`` takes in ``width``: full-width characters one em (less the
    body condensing at 3号), ASCII half; closing punctuation hangs in the margin
    (w:overflowPunct, Word's and Writer's default), so it never forces a new line."""
    advance = size + (Pt(BODY_CONDENSE / 20) if size == SIZE_3 else 0)
    lines, room = 1, width - first_indent
    used = 0
    for ch in text:
        w = advance / 2 if ord(ch) < 0x80 else advance
        if used + w > room + 1 and ch not in "，。、；：？！）》」』”’":
            lines, room, used = lines + 1, width, 0
        used += w
    return lines


def _paragraph_height(paragraph) -> list[int]:
    """(space before, [line heights]) of a paragraph we wrote, in EMU, for the page model."""
    fmt = paragraph.paragraph_format
    pitch = fmt.line_spacing if isinstance(fmt.line_spacing, Length) else LINE
    runs = paragraph.runs
    size = runs[0].font.size if runs and runs[0].font.size else SIZE_3
    width = TYPE_WIDTH - (fmt.left_indent or 0) - (fmt.right_indent or 0)
    text = paragraph.text
    count = _lines(text, size, width, fmt.first_line_indent or 0) if text else 1
    heights = [int(pitch)] * count
    if paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:pBdr")) is not None:
        heights[-1] += int(RULE_SPACE + RULE_WIDTH)  # the red rule under the number
    return [int(fmt.space_before or 0), *heights]


def _spacer(doc, block: Length) -> None:
    """Push the 版记 to the foot of the last page (GB/T 9704 7.4: 版记应置于公文最后一页,
    最后一个要素置于最后一行): model where the text so far ends on its page, then fill
    the rest of the page above the block with one empty paragraph of exact height."""
    capacity, position = int(TYPE_HEIGHT), 0
    for paragraph in doc.paragraphs:
        before, *lines = _paragraph_height(paragraph)
        position += before
        for height in lines:
            if position + height > capacity:
                position = 0
            position += height
    slack = capacity - position - int(block) - int(SAFETY)
    if slack < 0:  # no room under the signature: the block goes to the next page's foot
        slack = capacity - int(block) - int(SAFETY)  # the spacer cannot split: it moves
    if slack >= Pt(1):
        spacer = _para(doc, spacing=Emu(slack))
        _run(spacer, "", FANGSONG, Pt(1))


SAFETY = Pt(6)  # borders and rounding in the renderers: end the block a hair above


def _snap_off():
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    return snap


_PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _imprint_block(doc, d: OutgoingDocument) -> None:
    """版记: thick rule, 抄送 (thin rule), 印发机关 left and 印发日期 right, thick rule."""
    rows = 2 if d.copy_to else 1
    copy_lines = _lines(f"抄送：{d.copy_to}", SIZE_4, TYPE_WIDTH - SIZE_4 * 5) if d.copy_to else 0
    _spacer(doc, (copy_lines + 1) * LINE)
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    width = tblpr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(int(TYPE_WIDTH / Twips(1))))
    thick, thin = 8, 6  # 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm
    half = Emu(TYPE_WIDTH // 2)
    for row in table.rows:
        for cell in row.cells:
            cell.width = half
    for column in table.columns:
        column.width = half

    def cell_paragraph(cell, align):
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Emu(0)
        # A little under a line: the rules add their width, and the block must fit.
        fmt.line_spacing = Emu(LINE - IMPRINT_RULES)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        return paragraph

    last = table.rows[-1].cells
    if d.copy_to:
        first = table.rows[0].cells[0].merge(table.rows[0].cells[1])
        paragraph = cell_paragraph(first, WD_ALIGN_PARAGRAPH.LEFT)
        # 抄送: 左右各空一字, 回行时与冒号后的首字对齐.
        paragraph.paragraph_format.left_indent = Emu(int(SIZE_4 * 4))
        paragraph.paragraph_format.first_line_indent = Emu(-int(SIZE_4 * 3))
        paragraph.paragraph_format.right_indent = SIZE_4
        _run(paragraph, f"抄送：{d.copy_to}", FANGSONG, SIZE_4)
        _cell_borders(first, top=thick, bottom=thin)
        for cell in last:
            _cell_borders(cell, bottom=thick)
    else:
        for cell in last:
            _cell_borders(cell, top=thick, bottom=thick)

    left = cell_paragraph(last[0], WD_ALIGN_PARAGRAPH.LEFT)
    left.paragraph_format.left_indent = SIZE_4
    _run(left, d.printing_org, FANGSONG, SIZE_4)
    right = cell_paragraph(last[1], WD_ALIGN_PARAGRAPH.RIGHT)
    right.paragraph_format.right_indent = SIZE_4
    _run(right, f"{chinese_date(d.printed_on)}印发", FANGSONG, SIZE_4)

    # Word wants a paragraph after a final table; keep it 1 pt high so it never spills.
    tail = _para(doc, spacing=Pt(1))
    _run(tail, "", FANGSONG, Pt(1))


def render_outgoing(doc: OutgoingDocument) -> bytes:
    """Render ``doc`` as a GB/T 9704-2012 .docx and return its bytes."""
    out = Document()
    _setup_document(out)
    body = out.element.body
    for child in list(body):  # the template's empty first paragraph, if any
        if child.tag == qn("w:p"):
            body.remove(child)
    _header_block(out, doc)
    _body_block(out, doc)
    _signature_block(out, doc)
    _imprint_block(out, doc)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
