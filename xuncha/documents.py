"""Building blocks of the documents every app generates: Chinese dates and numbers, the CJK font of
PDFs, and the house style of .docx files (仿宋 body, 黑体 centred title, first-line indent, signature
block). An app builds its own documents from these; none re-creates them."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

CN_DIGITS = "零一二三四五六七八九"


def cn_date(day: dt.date) -> str:
    """2024年9月25日"""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """一 … 九十九, for numbered headings (一、二、…)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def document_number(moment: dt.datetime, number: int) -> str:
    """〔2024〕第3号: the year of the document and its running number."""
    return f"〔{local_date(moment).year}〕第{number}号"


# --- PDF -----------------------------------------------------------------------------------------

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """Register and return a CJK font name: an embedded TrueType font when one is available,
    otherwise the standard Adobe-GB1 CID font STSong-Light (not embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [settings.PDF_FONT_PATH] if settings.PDF_FONT_PATH else []
    for path in [*candidates, *FONT_CANDIDATES]:
        if path and Path(path).exists():
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("XunchaCJK", path, **kwargs))
            return "XunchaCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


# --- .docx ---------------------------------------------------------------------------------------

def new_document() -> Any:
    """An empty document whose body text is 仿宋 16 pt (三号), Latin and East Asian alike."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    return doc


def run_font(run: Any, name: str, size: int | None = None) -> None:
    """Set a run's font for Latin and East Asian text (Word keeps them apart)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)


def doc_title(doc: Any, text: str, number: str = "") -> None:
    """The centred 黑体 22 pt title, with the document number below it when there is one."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(text)
    run.bold = True
    run_font(run, "黑体", 22)
    if number:
        num = doc.add_paragraph(number)
        num.alignment = WD_ALIGN_PARAGRAPH.CENTER


def doc_paragraph(doc: Any, text: str = "") -> Any:
    """A body paragraph with the two-character first-line indent."""
    from docx.shared import Pt

    p = doc.add_paragraph(text)
    p.paragraph_format.first_line_indent = Pt(32)
    return p


def doc_centered(doc: Any, text: str) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(text)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def doc_signature(doc: Any, signer: str, day: dt.date) -> None:
    """The right-aligned signature block: who issues the document and the date in Chinese."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sign = doc.add_paragraph(f"{signer}\n{cn_date(day)}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def doc_table(doc: Any, head: tuple[str, ...] | list[str], rows: Any) -> Any:
    """A bordered table with a header row and one row per item of `rows` (sequences of strings)."""
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    return table


def doc_bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
