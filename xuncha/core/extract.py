"""The text of a delivered document (PDF, Word .docx, Excel .xlsx), for searching by content: pure,
bounded in size and time, and never raising on a malformed or hostile file (it answers "" or what it
read before the limit).

Bounds: at most `max_chars` characters of output; Office files are zip archives — each part is read
through a capped stream (at most MAX_PART_BYTES uncompressed, whatever the part's header claims, so an
archive bomb stops there) and at most MAX_PARTS parts; a PDF is read for at most MAX_PDF_PAGES pages and
MAX_SECONDS seconds (a page with a huge content stream is cut by the same clock between pages).
"""

from __future__ import annotations

import html
import io
import re
import time
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 200
MAX_PDF_PAGES = 500
MAX_SECONDS = 5.0

_DOCX_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:(p|br|tab)[\s/>]")
_XLSX_TEXT = re.compile(rb"<(?:t|v)(?:\s[^>]*)?>([^<]*)</(?:t|v)>")


def _capped(z: zipfile.ZipFile, name: str) -> bytes:
    """A zip part's bytes, at most MAX_PART_BYTES of them (the stream is cut, not trusted)."""
    with z.open(name) as part:
        return part.read(MAX_PART_BYTES)


def _unescape(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


def _docx(content: bytes, max_chars: int, deadline: float) -> str:
    out: list[str] = []
    size = 0
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = [n for n in z.namelist()[:MAX_PARTS]
                 if n == "word/document.xml" or re.fullmatch(r"word/(header|footer|footnotes|endnotes)\d*\.xml", n)]
        names.sort(key=lambda n: n != "word/document.xml")
        for name in names:
            for m in _DOCX_TEXT.finditer(_capped(z, name)):
                piece = _unescape(m.group(1)) if m.group(1) is not None else ("\t" if m.group(2) == b"tab" else "\n")
                out.append(piece)
                size += len(piece)
                if size >= max_chars or time.monotonic() > deadline:
                    return "".join(out)
    return "".join(out)


def _xlsx(content: bytes, max_chars: int, deadline: float) -> str:
    out: list[str] = []
    size = 0
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = [n for n in z.namelist()[:MAX_PARTS]
                 if n == "xl/sharedStrings.xml" or re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        names.sort(key=lambda n: n != "xl/sharedStrings.xml")
        for name in names:
            for m in _XLSX_TEXT.finditer(_capped(z, name)):
                piece = _unescape(m.group(1)) + "\n"
                out.append(piece)
                size += len(piece)
                if size >= max_chars or time.monotonic() > deadline:
                    return "".join(out)
    return "".join(out)


def _pdf(content: bytes, max_chars: int, deadline: float) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    out: list[str] = []
    size = 0
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES or time.monotonic() > deadline:
            break
        piece = (page.extract_text() or "") + "\n"
        out.append(piece)
        size += len(piece)
        if size >= max_chars:
            break
    return "".join(out)


EXTRACTORS = {PDF: _pdf, DOCX: _docx, XLSX: _xlsx}


def extract_text(content: bytes, content_type: str, *, max_chars: int = 200_000) -> str:
    """The text of a PDF, .docx or .xlsx file (other types: ""), at most `max_chars` characters.
    A file that cannot be read gives "" (or the text read before the problem); it never raises."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None or max_chars <= 0:
        return ""
    try:
        text = extractor(content, max_chars, time.monotonic() + MAX_SECONDS)
    except Exception:  # noqa: BLE001 — a hostile or broken file must not fail the upload that carries it
        return ""
    text = text.replace("\x00", "")
    return text[:max_chars]
