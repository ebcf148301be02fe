"""The .docx as LibreOffice prints it: A4, 28 characters a line, the red mark, the 版记
on the last line of the last page. Skipped only where LibreOffice is not installed
(.ci/run installs Debian's libreoffice-writer and poppler-utils)."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from fulian.office.gbt9704 import OutgoingDocument, render_outgoing

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PT_PER_MM = 72 / 25.4
TYPE_TOP, TYPE_BOTTOM = 37 * PT_PER_MM, (297 - 35) * PT_PER_MM

PARAGRAPH = (
    "一、提高思想认识。各地各单位要充分认识此项工作的重要意义，加强组织领导，确保各项工作有序推进。"
)


def _tools():
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    return office


def _document(paragraphs: int) -> OutgoingDocument:
    return OutgoingDocument(
        issuing_org_mark="泰州市妇女联合会文件",
        number_text="泰妇字〔2026〕12号",
        title="关于开展2026年“三八”国际妇女节系列活动的通知",
        main_recipients="各县（市、区）妇联，市妇联各部室：",
        body_paragraphs=[PARAGRAPH] * paragraphs,
        attachments=["活动安排表"],
        signing_org="泰州市妇女联合会",
        signed_on=date(2026, 11, 24),
        copy_to="省妇联办公室",
        printing_org="泰州市妇女联合会办公室",
        printed_on=date(2026, 11, 24),
        secrecy="秘密",
        urgency="特急",
    )


def _pdf(office, tmp_path, name: str, data: bytes) -> Path:
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603 — fixed arguments, our own file
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    return tmp_path / f"{name}.pdf"


def _lines(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page: (bottom of the text line in pt from the top, its text)."""
    xml = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox-layout", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = []
    for page in xml.split("<page")[1:]:
        rows = []
        for match in re.finditer(r'<line [^>]*yMax="([0-9.]+)">(.*?)</line>', page, re.S):
            words = "".join(re.findall(r">([^<]+)</word>", match.group(2)))
            rows.append((float(match.group(1)), words))
        pages.append(rows)
    return pages


def _red_pixels_at_top(pdf: Path, tmp_path) -> int:
    """Red pixels in the top third of page 1, from a PPM rendered by pdftoppm."""
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],  # noqa: S607
        check=True,
        capture_output=True,
    )
    raw = next(tmp_path.glob("p*.ppm")).read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", raw)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = raw[header.end() :]
    red = 0
    for y in range(height // 3):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        red += sum(
            1 for x in range(0, len(row), 3) if row[x] > 200 and row[x + 1] < 90 and row[x + 2] < 90
        )
    return red


@pytest.mark.parametrize("paragraphs", [2, 8, 20])
def test_libreoffice_prints_the_layout(paragraphs, tmp_path):
    office = _tools()
    pdf = _pdf(office, tmp_path, "doc", render_outgoing(_document(paragraphs)))
    info = subprocess.run(  # noqa: S603
        ["pdfinfo", str(pdf)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "(A4)" in info or "595.3" in info
    pages = _lines(pdf)
    assert len(pages) == int(re.search(r"Pages:\s+(\d+)", info).group(1))
    # 28 characters a line: the second line of a body paragraph is a full one.
    body = [text for _, text in pages[0] if text.startswith("一、")]
    assert body and len(body[0]) == 26  # 2 characters of indent + 26
    # The red organ mark and rule at the top of page 1.
    assert _red_pixels_at_top(pdf, tmp_path) > 200
    # The 版记 closes the last page: its last line within a line of the type area's end.
    bottom, text = max((y, t) for y, t in pages[-1] if "印发" in t or t == "印发")
    assert "印发" in text or any("印发" in t for _, t in pages[-1])
    assert TYPE_BOTTOM - 29 < bottom <= TYPE_BOTTOM
    if paragraphs == 8:
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "outgoing-docx")],  # noqa: S607
            check=True,
        )
