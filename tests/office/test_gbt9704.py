"""GB/T 9704-2012 outgoing-document .docx: page set-up, fonts, rules, footers, 版记."""

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from fulian.office.gbt9704 import OutgoingDocument, chinese_date, render_outgoing

NUMBER = "泰妇字〔2026〕12号"
ORGAN_MARK = "泰州市妇女联合会文件"
TITLE = "关于开展2026年度“巾帼建功”活动的通知"


def sample(**changes) -> OutgoingDocument:
    fields = {
        "issuing_org_mark": ORGAN_MARK,
        "number_text": NUMBER,
        "title": TITLE,
        "main_recipients": "各县（市、区）妇联，市妇联各部室：",
        "body_paragraphs": [
            "为深入贯彻落实党的二十大精神，进一步激励广大妇女建功新时代，"
            "市妇联决定在全市开展2026年度“巾帼建功”活动。" * 3,
            "现将有关事项通知如下，请结合实际认真抓好落实。",
        ],
        "attachments": ["2026年度“巾帼建功”活动方案", "报名汇总表"],
        "signing_org": "泰州市妇女联合会",
        "signed_on": date(2026, 11, 24),
        "copy_to": "省妇联，市委办公室，市政府办公室。",
        "printing_org": "泰州市妇女联合会办公室",
        "printed_on": date(2026, 11, 24),
        "secrecy": "",
        "urgency": "",
    }
    fields.update(changes)
    return OutgoingDocument(**fields)


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_outgoing(sample())


@pytest.fixture(scope="module")
def docx(data):
    return Document(io.BytesIO(data))


def paragraph_with(docx, text):
    return next(p for p in docx.paragraphs if p.text == text)


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_the_standard_margins(docx):
    section = docx.sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name


def test_organ_mark_is_red_xiaobiaosong_and_centred(docx):
    mark = paragraph_with(docx, ORGAN_MARK)
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = mark.runs[0]
    assert run.font.color.rgb in (RGBColor(0xFF, 0, 0), RGBColor(0xC8, 0x10, 0x2E))
    assert east_asia(run) == "方正小标宋简体"
    assert run.font.size.pt * len(ORGAN_MARK) <= 156 / 25.4 * 72  # fits the type width


def test_number_line_is_centred_with_a_red_rule_below(docx):
    number = paragraph_with(docx, NUMBER)
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.runs[0].font.size == Pt(16)
    assert east_asia(number.runs[0]) == "仿宋_GB2312"
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) in ("FF0000", "C8102E")
    assert int(bottom.get(qn("w:sz"))) == 12  # 1.5 pt


def test_title_is_22pt_xiaobiaosong(docx):
    title = paragraph_with(docx, TITLE)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert east_asia(title.runs[0]) == "方正小标宋简体"


def test_body_is_16pt_fangsong_with_22_lines_a_page(docx):
    body = [p for p in docx.paragraphs if p.text.startswith(("为深入", "现将"))]
    assert len(body) == 2
    for paragraph in body:
        fmt = paragraph.paragraph_format
        assert fmt.first_line_indent == Pt(32)  # two characters
        assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.05)
        for run in paragraph.runs:
            assert run.font.size == Pt(16)
            assert east_asia(run) == "仿宋_GB2312"
    normal = docx.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:ascii")) == "仿宋"
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_recipients_attachments_and_signature(docx):
    texts = [p.text for p in docx.paragraphs]
    assert "各县（市、区）妇联，市妇联各部室：" in texts
    assert "附件：1. 2026年度“巾帼建功”活动方案" in texts
    assert "2. 报名汇总表" in texts
    signed = paragraph_with(docx, "2026年11月24日")
    assert signed.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert signed.paragraph_format.right_indent == Pt(64)  # four characters
    assert texts.index("泰州市妇女联合会") == texts.index("2026年11月24日") - 1


def test_dates_use_arabic_numerals_without_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"


def test_footers_carry_page_fields_odd_right_even_left(docx):
    assert docx.settings.odd_and_even_pages_header_footer is True
    section = docx.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        xml = footer._element.xml
        assert "PAGE" in "".join(el.text for el in footer._element.iter(qn("w:instrText")))
        assert "—" in xml
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert all(run.font.size == Pt(14) for run in paragraph.runs)


def test_imprint_has_copy_to_and_printing_line(docx):
    table = docx.tables[-1]
    rows = [" ".join(dict.fromkeys(c.text for c in row.cells)) for row in table.rows]
    assert rows[0] == "抄送：省妇联，市委办公室，市政府办公室。"
    assert "泰州市妇女联合会办公室" in rows[-1] and "印发" in rows[-1]
    assert rows[-1].endswith("2026年11月24日印发")


def test_optional_marks_and_empty_parts():
    doc = Document(
        io.BytesIO(
            render_outgoing(sample(secrecy="秘密★1年", urgency="特急", copy_to="", attachments=[]))
        )
    )
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["秘密★1年", "特急", ORGAN_MARK]
    assert east_asia(doc.paragraphs[0].runs[0]) == "黑体"
    assert not any(t.startswith("附件") for t in texts)
    assert len(doc.tables[-1].rows) == 1
    assert "抄送" not in doc.tables[-1].rows[0].cells[0].text


def test_libreoffice_renders_at_least_one_page(data, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "doc.docx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = (tmp_path / "doc.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 1
