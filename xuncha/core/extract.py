"""Text from documents with a text layer (PDF, Word, Excel, PowerPoint), bounded in time and size.

`extract_text(content, content_type, max_chars=...)` returns the text it found ("" when the file has
none, e.g. a scanned PDF, or is of a kind it does not read, e.g. Excel or PowerPoint 97-2003), never
raises on a damaged or hostile file (`extract_text_checked` says why, when nothing could be read):
archive bombs (Office files are zip archives) are refused by their
declared and actual sizes, PDFs are read page by page until a page limit, a time limit or `max_chars` is
reached, Word 97-2003 files are read by a child process under limits (xuncha.core.word97; "" when its
reader is not installed: callers that must tell the user call word97.read_word97 themselves).
Pure Python (no Django).
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from xml.etree import ElementTree as ET  # noqa: S405 - parsing of our bounded input; no DTDs are resolved by ElementTree

from . import word97

logger = logging.getLogger("xuncha.extract")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE = "application/x-ole-storage"  # Office 97-2003 (and WPS) files, told apart by their streams

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


class ExtractError(Exception):
    """Nothing could be read off a damaged or refused file (the message is Chinese, for the member)."""


def extract_text(content: bytes, content_type: str, *, max_chars: int = 200_000) -> str:
    return _extract(content, content_type, max_chars)[0]


def extract_text_checked(content: bytes, content_type: str, *, max_chars: int = 200_000) -> str:
    """As extract_text, but a file that could not be read at all (damaged, an archive bomb, a part over the
    limits) raises ExtractError with the reason instead of giving "" as if it had no text."""
    text, problem = _extract(content, content_type, max_chars)
    if problem and not text:
        raise ExtractError(problem)
    return text


def _extract(content: bytes, content_type: str, max_chars: int) -> tuple[str, str]:
    """(the text read, why reading stopped early: "" when it did not)."""
    budget = _Budget(max_chars, MAX_SECONDS)
    problem = ""
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
        elif content_type == OLE and word97.is_word97(content):
            budget.add(word97.read_word97(content, max_chars=max_chars, timeout=max(1.0, budget.deadline - time.monotonic())))
        elif content_type.startswith("text/"):
            budget.add(content.decode("utf-8", errors="replace"))
    except _Refused as exc:
        problem = str(exc)
    except Exception as exc:  # noqa: BLE001 - a damaged file yields what was read so far, never an error
        logger.info("text extraction stopped (%s): %s", content_type, type(exc).__name__)
        problem = f"文件已损坏或格式不符，无法读取其中的文字（{type(exc).__name__}）。"
    return budget.text(), problem


class _Refused(Exception):
    """A file or one of its parts over the limits (an archive bomb)."""


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
            raise _Refused("文件解压后过大或部件过多（疑似压缩炸弹），未读取其中的文字。")
        names = sorted((i for i in infos if wanted(i.filename)), key=lambda i: _natural(i.filename))  # type: ignore[operator]
        for info in names:
            if info.file_size > MAX_ZIP_MEMBER_BYTES or info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise _Refused(f"文件的部件 {info.filename} 解压后过大（疑似压缩炸弹），未读取其中的文字。")
            with z.open(info) as f:
                data = f.read(MAX_ZIP_MEMBER_BYTES + 1)  # the declared size may lie: read no more than the limit
            if len(data) > MAX_ZIP_MEMBER_BYTES:
                raise _Refused(f"文件的部件 {info.filename} 解压后过大（疑似压缩炸弹），未读取其中的文字。")
            if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
                raise _Refused(f"文件的部件 {info.filename} 含有文档类型声明，按安全规定不读取。")
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
