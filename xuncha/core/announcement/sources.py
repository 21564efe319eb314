"""Reading an uploaded announcement: .txt (UTF-8 or GB18030), .docx, .doc (Word 97-2003, xuncha.core.word97)
and .html into plain text."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import PurePath


class UnreadableFile(ValueError):
    """The upload cannot be read; the message is Chinese and says what to do."""


ACCEPTED = (".txt", ".docx", ".doc", ".html", ".htm")
MAX_BYTES = 5 * 1024 * 1024


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
    SKIP = {"script", "style", "head", "title", "noscript"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def decode_text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("无法识别文件的文字编码，请另存为 UTF-8 编码的文本文件后重试。")


def read_announcement_file(name: str, content: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in ACCEPTED:
        raise UnreadableFile(f"不支持的文件类型“{suffix or name}”，请上传 .txt、.docx、.doc 或 .html 文件，或直接粘贴文字。")
    if len(content) > MAX_BYTES:
        raise UnreadableFile("文件超过 5 MB，请只保留公告正文后重试。")
    if suffix == ".doc":
        from xuncha.core import word97

        if not word97.is_word97(content):
            raise UnreadableFile("该文件不是 Word 97-2003 文档，请另存为 .docx 或粘贴文字。")
        try:
            return word97.read_word97(content)
        except word97.Word97Error as exc:
            raise UnreadableFile(f"{exc}请另存为 .docx 或粘贴文字。") from exc
    if suffix == ".docx":
        from docx import Document

        from xuncha.core.archives import DOCX_BOUNDS, ArchiveTooLarge, check_archive

        try:
            check_archive(content, DOCX_BOUNDS)
        except ArchiveTooLarge as exc:
            raise UnreadableFile(str(exc)) from exc
        except zipfile.BadZipFile as exc:
            raise UnreadableFile("无法打开该 Word 文件（可能已损坏，或并非 .docx 格式），请另存为 .docx 或粘贴文字。") from exc
        try:
            doc = Document(io.BytesIO(content))
        except Exception as exc:  # python-docx raises several kinds for a damaged file
            raise UnreadableFile("无法打开该 Word 文件（可能已损坏，或并非 .docx 格式），请另存为 .docx 或粘贴文字。") from exc
        paragraphs = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                paragraphs.append("，".join(cell.text for cell in row.cells))
        return "\n".join(p for p in paragraphs if p.strip())
    text = decode_text(content)
    if suffix in (".html", ".htm"):
        return html_to_text(text)
    return text
