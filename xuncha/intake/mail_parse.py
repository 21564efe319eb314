"""Turning the raw bytes of an e-mail into what a report needs, whatever state the message is in.

Chinese mail arrives in every encoding that Chinese mail clients have ever used: GB2312 (which in
practice means GBK, so it is decoded as GB18030, its superset), GBK, GB18030, Big5 and UTF-8, in
base64 or quoted-printable bodies, with RFC 2047 encoded-word headers and RFC 2231 or RFC 2047
attachment names, and sometimes as raw 8-bit headers that no standard allows. The parser here never
raises: whatever cannot be decoded is salvaged as far as possible and described in `problems` (in
Chinese), so that the message is still registered and flagged for a person to look at.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser

# Declared charsets mapped to the codec that really decodes what such mail contains.
CHARSET_ALIASES = {
    "gb2312": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030", "euc-cn": "gb18030", "x-euc-cn": "gb18030",
    "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "windows-936": "gb18030",
    "chinese": "gb18030", "gb18030": "gb18030",
    "big5": "big5hkscs", "x-big5": "big5hkscs", "big5-hkscs": "big5hkscs",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "us-ascii": "ascii", "ascii": "ascii", "ansi_x3.4-1968": "ascii",
    # Labels that mean "no idea": try the likely ones.
    "unknown-8bit": "", "x-unknown": "", "unknown": "", "default": "", "x-user-defined": "",
}
FALLBACK_CODECS = ("utf-8", "gb18030")

# The MIME defects that make a message "malformed" for a person to look at, in Chinese.
DEFECT_NAMES = {
    "NoBoundaryInMultipartDefect": "多部分邮件缺少分隔符（boundary）",
    "StartBoundaryNotFoundDefect": "找不到多部分邮件的起始分隔符",
    "CloseBoundaryNotFoundDefect": "多部分邮件缺少结束分隔符（邮件可能被截断）",
    "FirstHeaderLineIsContinuationDefect": "邮件头第一行格式错误",
    "MisplacedEnvelopeHeaderDefect": "邮件头位置错误",
    "MissingHeaderBodySeparatorDefect": "邮件头与正文之间缺少空行",
    "MultipartInvariantViolationDefect": "声明为多部分邮件但内容不是",
    "InvalidMultipartContentTransferEncodingDefect": "多部分邮件的传输编码无效",
    "InvalidBase64PaddingDefect": "Base64 编码填充错误",
    "InvalidBase64CharactersDefect": "Base64 编码含有非法字符",
    "InvalidBase64LengthDefect": "Base64 编码长度错误",
    "MultipartConversionError": "多部分邮件无法解析",
}

ATTACHMENT_EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf",
    "application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/vnd.ms-powerpoint": ".ppt",
    "message/rfc822": ".eml", "text/plain": ".txt",
}


@dataclass
class MailAttachment:
    filename: str
    content: bytes
    content_type: str


@dataclass
class ParsedMail:
    message_id: str  # normalised; synthetic "<sha256@xuncha>" when the message has none
    has_message_id: bool
    subject: str
    from_name: str
    from_address: str
    date: dt.datetime | None
    date_header: str
    body: str
    attachments: list[MailAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what is malformed, in Chinese


# --- text decoding -------------------------------------------------------------------------------

def _codec(declared: str | None) -> str | None:
    """The codec for a declared charset: "" when the label says nothing, None when it is unknown."""
    if not declared:
        return ""
    label = declared.strip().strip('"').lower()
    if label in CHARSET_ALIASES:
        return CHARSET_ALIASES[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode text in its declared charset, else the likely ones; returns (text, problem or "")."""
    codec = _codec(declared)
    candidates = [c for c in (codec, *FALLBACK_CODECS) if c]
    for name in dict.fromkeys(candidates):
        try:
            return data.decode(name), ""
        except (UnicodeDecodeError, LookupError):
            continue
    best = codec or "utf-8"
    text = data.decode(best, errors="replace")
    if codec is None:
        return text, f"未知字符集“{declared}”，部分文字无法识别"
    return text, f"部分文字无法按{declared or '常用字符集'}解码"


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


class _RawHeaders(email.policy.Compat32):
    """Headers exactly as they stand (raw 8-bit bytes kept as surrogate escapes), decoded by us."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


RAW_HEADERS = _RawHeaders()


def parse_headers(raw: bytes) -> Message:
    return email.parser.BytesHeaderParser(policy=RAW_HEADERS).parsebytes(raw)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def decode_header_value(value: object) -> str:
    """An RFC 2047 header (or a raw 8-bit one, which some clients send) as text."""
    if value is None:
        return ""
    raw = _unfold(str(value))
    if _has_surrogates(raw):
        # Raw 8-bit header bytes, kept by the parser as surrogate escapes: UTF-8, else GB18030.
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"), None)[0]
    if "=?" not in raw:
        return raw.strip()
    try:
        parts = email.header.decode_header(raw)
    except (email.errors.HeaderParseError, ValueError):
        return raw.strip()
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None or charset == "unknown-8bit":
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))  # decode_header's own encoding of plain text
        else:
            out.append(decode_bytes(chunk, charset)[0])
    return "".join(out).strip()


def normalise_message_id(value: str) -> str:
    """Message-ID as stored: whitespace removed, at most 255 characters (longer ones are hashed)."""
    mid = re.sub(r"\s+", "", value or "")
    if len(mid) > 255:
        mid = f"<{hashlib.sha256(mid.encode('utf-8', 'surrogateescape')).hexdigest()}@xuncha>"
    return mid


def synthetic_message_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()}@xuncha>"


# --- HTML to text --------------------------------------------------------------------------------

class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr", "section"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient, but never let markup stop a report
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the message tree ----------------------------------------------------------------------------

def _undecoded(part: Message) -> bytes:
    """The payload as it stands in the message (the parser keeps raw 8-bit bytes as surrogate escapes)."""
    payload = getattr(part, "_payload", None)  # get_payload() would re-decode it lossily as ASCII
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _payload_bytes(part: Message) -> bytes:
    """The decoded payload of a leaf part (base64/quoted-printable undone; broken base64 salvaged)."""
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return _undecoded(part)


def _raw_payload_text(part: Message) -> str:
    return decode_bytes(_undecoded(part), part.get_content_charset())[0]


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    return not (part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html"))


def _filename(part: Message, number: int) -> str:
    raw: object = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, percent-decoded text)
        charset, _lang, text = raw
        name = decode_bytes(bytes(str(text), "raw-unicode-escape"), charset or None)[0]
    else:
        name = email.utils.unquote(str(raw)) if raw else ""
    name = decode_header_value(name)  # RFC 2047 inside a filename (Foxmail, Outlook, webmail)
    name = name.replace("/", "_").replace("\\", "_").replace("\x00", "").strip().strip(".")
    if not name:
        ctype = part.get_content_type()
        ext = ATTACHMENT_EXTENSIONS.get(ctype) or mimetypes.guess_extension(ctype) or ""
        name = f"附件{number}{ext}"
    return name


class _Walker:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.problems: list[str] = []

    def note(self, problem: str) -> None:
        if problem and problem not in self.problems:
            self.problems.append(problem)

    def defects(self, part: Message) -> None:
        for defect in getattr(part, "defects", []):
            name = type(defect).__name__
            self.note(DEFECT_NAMES.get(name, f"MIME 结构错误（{name}）"))

    def text_of(self, part: Message) -> str:
        text, problem = decode_bytes(_payload_bytes(part), part.get_content_charset())
        self.note(problem)
        if part.get_content_subtype() == "html":
            text = html_to_text(text)
        return text.strip()

    def walk(self, part: Message) -> None:
        self.defects(part)
        ctype = part.get_content_type()
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            if ctype == "multipart/alternative":
                self.alternative(children)
            elif part.get_content_maintype() == "message":
                self.forwarded(children)
            else:
                for child in children:
                    self.walk(child)
            return
        if part.get_content_maintype() == "multipart":
            # Declared multipart, but the parser could not split it: salvage the text as it stands.
            self.note("多部分邮件无法拆分，已尽量保留文字")
            salvaged = _raw_payload_text(part)
            if salvaged.strip():
                self.texts.append(salvaged.strip())
            return
        if _is_attachment(part):
            content = _payload_bytes(part)
            if content:
                self.attachments.append(MailAttachment(_filename(part, len(self.attachments) + 1), content, ctype))
            return
        text = self.text_of(part)
        if text:
            self.texts.append(text)

    def alternative(self, children: list[Message]) -> None:
        for wanted in ("text/plain", "text/html"):
            for child in children:
                if child.get_content_type() == wanted and not _is_attachment(child):
                    self.defects(child)
                    text = self.text_of(child)
                    if text:
                        self.texts.append(text)
                        for other in children:  # attachments hidden in an alternative (rare) are kept
                            if other.is_multipart():
                                sub = _Walker()
                                sub.walk(other)
                                self.attachments.extend(sub.attachments)
                                self.problems.extend(p for p in sub.problems if p not in self.problems)
                        return
        for child in children:
            self.walk(child)

    def forwarded(self, children: list[Message]) -> None:
        for inner in children:
            summary = [f"{label}：{decode_header_value(inner.get(name))}" for name, label in
                       (("From", "发件人"), ("Date", "日期"), ("Subject", "主题")) if inner.get(name)]
            self.texts.append("——— 转发的邮件 ———\n" + "\n".join(summary))
            self.walk(inner)


def parse_date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000": the zone is unknown; RFC 5322 says read it as UTC
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse a message without ever raising; problems are listed in Chinese."""
    walker = _Walker()
    try:
        msg = email.message_from_bytes(raw, policy=RAW_HEADERS)
    except Exception as exc:  # noqa: BLE001 - the parser should not raise; if it does, keep the raw text
        walker.note(f"邮件无法解析（{type(exc).__name__}）")
        text = re.sub(r"\r\n?", "\n", decode_bytes(raw, None)[0])
        return ParsedMail(synthetic_message_id(raw), False, "", "", "", None, "", text.strip(), [], walker.problems)

    try:
        walker.walk(msg)
    except Exception as exc:  # noqa: BLE001 - salvage what the headers and the raw body give
        walker.note(f"邮件结构无法解析（{type(exc).__name__}）")
        if not walker.texts:
            body = raw.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[-1]
            walker.texts.append(decode_bytes(body, msg.get_content_charset())[0].strip())

    mid_header = normalise_message_id(decode_header_value(msg.get("Message-ID", "")))
    subject = decode_header_value(msg.get("Subject", ""))
    name, address = "", ""
    from_header = msg.get("From")
    if from_header:
        raw_from = _unfold(str(from_header))
        if _has_surrogates(raw_from):
            raw_from = decode_bytes(raw_from.encode("ascii", "surrogateescape"), None)[0]
        parsed_name, parsed_addr = email.utils.parseaddr(raw_from)
        name = decode_header_value(parsed_name).strip().strip('"').strip()
        address = parsed_addr.strip() if "@" in parsed_addr else ""
    date_header = decode_header_value(msg.get("Date", ""))
    return ParsedMail(
        message_id=mid_header or synthetic_message_id(raw), has_message_id=bool(mid_header),
        subject=subject, from_name=name, from_address=address, date=parse_date(date_header), date_header=date_header,
        body=re.sub(r"\r\n?", "\n", "\n\n".join(t for t in walker.texts if t)), attachments=walker.attachments, problems=walker.problems,
    )
