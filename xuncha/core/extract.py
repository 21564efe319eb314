"""Text from documents with a text layer (PDF, Word, Excel, PowerPoint), bounded in time and size.

`extract_text(content, content_type, max_chars=...)` returns the text it found ("" when the file has
none, e.g. a scanned PDF, or is of a kind it does not read, e.g. Office 97-2003), never raises on a
damaged or hostile file: archive bombs (Office files are zip archives) are refused by their declared and
actual sizes, PDFs are read page by page until a page limit, a time limit or `max_chars` is reached.
Pure Python (no Django).
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from xml.etree import ElementTree as ET  # noqa: S405 - parsing of our bounded input; no DTDs are resolved by ElementTree

logger = logging.getLogger("xuncha.extract")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

MAX_SECONDS = 20.0
MAX_PDF_PAGES = 300
MAX_ZIP_MEMBER_BYTES = 50 * 1024 * 1024  # one XML part, uncompressed
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed of one member: beyond this it is a bomb
MAX_ZIP_MEMBERS = 5000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _Budget:
    def __init__(self, max_chars: int, seconds: float) -> None:
        self.max_chars = max_chars
        self.deadline = time.monotonic() + seconds
        self.parts: list[str] = []
        self.chars = 0

    def add(self, text: str) -> bool:
        """Add text; False once the budget (characters or time) is spent."""
        if text:
            room = self.max_chars - self.chars
            self.parts.append(text[:room])
            self.chars += min(len(text), room)
        return self.chars < self.max_chars and time.monotonic() < self.deadline

    def text(self) -> str:
        return "\n".join(p for p in self.parts if p).strip()[: self.max_chars]


def extract_text(content: bytes, content_type: str, *, max_chars: int = 200_000) -> str:
    budget = _Budget(max_chars, MAX_SECONDS)
    try:
        if content_type == PDF:
            _pdf(content, budget)
        elif content_type == DOCX:
            _office(content, budget, lambda n: n == "word/document.xml" or re.fullmatch(r"word/(header|footer)\d*\.xml", n) is not None,
                    _W + "p", _W + "t")
        elif content_type == PPTX:
            _office(content, budget, lambda n: re.fullmatch(r"ppt/slides/slide\d+\.xml", n) is not None, _A + "p", _A + "t")
        elif content_type == XLSX:
            _office(content, budget, lambda n: n == "xl/sharedStrings.xml" or re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n) is not None,
                    _S + "si", _S + "t", inline=_S + "is")
        elif content_type.startswith("text/"):
            budget.add(content.decode("utf-8", errors="replace"))
    except Exception as exc:  # noqa: BLE001 - a damaged file yields what was read so far, never an error
        logger.info("text extraction stopped (%s): %s", content_type, type(exc).__name__)
    return budget.text()


def _pdf(content: bytes, budget: _Budget) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    for n, page in enumerate(reader.pages):
        if n >= MAX_PDF_PAGES:
            break
        if not budget.add(page.extract_text() or ""):
            break


def _office(content: bytes, budget: _Budget, wanted: object, para_tag: str, text_tag: str, inline: str = "") -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_ZIP_TOTAL_BYTES:
            return
        names = sorted((i for i in infos if wanted(i.filename)), key=lambda i: _natural(i.filename))  # type: ignore[operator]
        for info in names:
            if info.file_size > MAX_ZIP_MEMBER_BYTES or info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                continue
            with z.open(info) as f:
                data = f.read(MAX_ZIP_MEMBER_BYTES + 1)  # the declared size may lie: read no more than the limit
            if len(data) > MAX_ZIP_MEMBER_BYTES or b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
                continue
            root = ET.fromstring(data)  # noqa: S314 - no DTD/entities (checked above), size bounded
            for para in root.iter(para_tag):
                if not budget.add("".join(t.text or "" for t in para.iter(text_tag))):
                    return
            if inline:
                for cell in root.iter(inline):
                    if not budget.add("".join(t.text or "" for t in cell.iter(text_tag))):
                        return
                # Numbers, dates and formula results are cell values, not shared strings (t="s" is an index).
                for cell in root.iter(_S + "c"):
                    value = cell.find(_S + "v")
                    numeric = cell.get("t") not in ("s", "inlineStr") and value is not None and value.text
                    if numeric and value is not None and not budget.add(value.text or ""):
                        return


def _natural(name: str) -> tuple[str, int]:
    m = re.search(r"(\d+)\.xml$", name)
    return (name[: m.start()] if m else name, int(m.group(1)) if m else 0)
