"""Fetching an email channel's IMAP mailbox and registering each new message as a report.

Rules this module keeps:

- Nothing on the server changes. The folder is opened with EXAMINE (read-only), messages are read
  with BODY.PEEK[] (so not even \\Seen is set), and nothing is ever stored, copied, moved, deleted or
  expunged.
- Idempotent by Message-ID: every run lists every UID and its Message-ID, and fetches the body only
  of messages whose Message-ID is not yet registered for this channel. A message without one gets a
  synthetic "<sha256 of the raw message@xuncha>". The database's unique constraint on
  (channel, email_message_id) settles a race between two fetchers.
- Nothing is lost. A malformed message is registered with whatever text could be salvaged, its raw
  source kept and the report flagged ("邮件格式异常：…"); an attachment that fails the type or size
  checks is left out of the report, which keeps the raw source and is flagged, instead of the whole
  message being refused. One bad message never stops the others; a connection or login failure is
  written to `mailbox.last_error` (in Chinese) and returned, never raised.
- Real-name rule: an email always reveals its sender's address, so it is registered as a real-name
  (实名) report with reporter email = the sender's address and name = the display name, or the address
  when no display name is given. The identity is sealed like any other reporter's, it gets a receipt
  notice due date, and the reply has somewhere to go. Only a message with no usable sender address
  (malformed) is registered as anonymous.
- The raw source, which holds the sender's address in clear, is only stored when a person needs it
  (malformed message, dropped attachment, truncated text); the original stays on the server anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError
from django.utils import timezone

from xuncha.core import crypto
from xuncha.inspections.models import ChannelKind
from xuncha.keys import key_ring
from xuncha.uploads import check_files, sniff

from .mail_parse import ParsedMail, decode_header_value, normalise_message_id, parse_headers, parse_mail, synthetic_message_id
from .models import Mailbox, Report
from .services import MAX_CONTENT_CHARS, ReporterData, ReportInput, report_register

logger = logging.getLogger(__name__)

ACTOR = "系统：邮件收取"
PASSWORD_CONTEXT = "mailbox_password"
TIMEOUT_SECONDS = 60
HEADER_BATCH = 500
LOCK_SECONDS = 30 * 60

# Canonical extension for each type that attachments.sniff accepts (to repair names without one).
CANONICAL_EXTENSION = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf",
    "application/x-ole-storage": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


class MailboxError(Exception):
    """A mailbox-level failure (connection, login, folder); the message is Chinese."""


@dataclass
class FetchResult:
    new: int = 0  # reports registered
    skipped: int = 0  # already registered (same Message-ID on this channel)
    flagged: int = 0  # new reports that need a person's attention
    errors: list[str] = field(default_factory=list)
    busy: bool = False  # another process was fetching this mailbox: this run left it alone (not an error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.busy:
            return "该邮箱正在由另一个任务收取，本次跳过"
        text = f"新登记 {self.new} 件，已登记跳过 {self.skipped} 封，需人工处理 {self.flagged} 件"
        if self.errors:
            text += f"，错误 {len(self.errors)} 个：" + "；".join(self.errors)
        return text


# --- IMAP plumbing -------------------------------------------------------------------------------

def imap_utf7_encode(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3), e.g. 收件箱 → &ZTZO9nux-."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            import base64

            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _server_text(exc: BaseException) -> str:
    text = str(exc.args[0] if exc.args else exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text[:200]


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    where = f"{mailbox.host}:{mailbox.port}"
    try:
        password = crypto.unseal(key_ring(), mailbox.password_sealed, context=PASSWORD_CONTEXT)
    except crypto.KeyError_ as exc:
        raise MailboxError(f"无法解密邮箱密码：{exc}请重新配置该邮箱。") from None
    try:
        conn: imaplib.IMAP4
        if mailbox.use_ssl:
            conn = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS)
        else:
            conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
            if "STARTTLS" in conn.capabilities:
                # Upgrade when the server offers it; a failed upgrade is an error, never a silent fallback.
                conn.starttls(ssl_context=ssl.create_default_context())
    except ssl.SSLError as exc:
        raise MailboxError(f"与邮件服务器 {where} 建立加密连接失败（{exc.reason or exc}），请检查端口与 SSL 设置。") from None
    except TimeoutError:
        raise MailboxError(f"连接邮件服务器 {where} 超时。") from None
    except socket.gaierror:
        raise MailboxError(f"找不到邮件服务器 {mailbox.host}，请检查服务器地址。") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"无法连接邮件服务器 {where}（{_server_text(exc)}）。") from None
    try:
        conn.login(mailbox.username, password)
    except imaplib.IMAP4.error as exc:
        _logout(conn)
        raise MailboxError(f"登录邮箱 {mailbox.username} 失败：用户名或密码错误，或服务器拒绝登录（服务器答复：{_server_text(exc)}）。") from None
    try:
        typ, data = conn.select(_quote(imap_utf7_encode(mailbox.folder)), readonly=True)
    except imaplib.IMAP4.error as exc:
        typ, data = "NO", [str(exc).encode()]
    if typ != "OK":
        _logout(conn)
        detail = data[0].decode(errors="replace") if data and isinstance(data[0], bytes) else ""
        raise MailboxError(f"无法打开邮箱文件夹“{mailbox.folder}”（{detail[:200]}）。")
    return conn


def _logout(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        conn.logout()


_RESPONSE_START = re.compile(rb"^\d+ \(")
_UID = re.compile(rb"\bUID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def _fetch_items(data: list[Any]) -> Iterator[tuple[bytes, bytes | None]]:
    """(metadata, literal) for each message of an imaplib FETCH answer, whatever order the items come in."""
    items: list[list[Any]] = []
    for element in data:
        if isinstance(element, tuple):
            items.append([element[0], element[1]])
        elif isinstance(element, bytes):
            if _RESPONSE_START.match(element):
                items.append([element, None])
            elif items:
                items[-1][0] += element  # the rest of the previous message's answer, e.g. b" UID 7)"
    for meta, literal in items:
        yield bytes(meta), literal


def _internaldate(meta: bytes) -> dt.datetime | None:
    match = _INTERNALDATE.search(meta)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


@dataclass
class _Listed:
    uid: int
    message_id: str  # "" when the message has none
    internaldate: dt.datetime | None


def _list_messages(conn: imaplib.IMAP4) -> list[_Listed]:
    typ, data = conn.uid("SEARCH", None, "ALL")  # type: ignore[arg-type]
    if typ != "OK":
        raise MailboxError("无法列出邮件。")
    uids = [int(u) for u in (data[0] or b"").split()]
    listed: list[_Listed] = []
    for start in range(0, len(uids), HEADER_BATCH):
        batch = ",".join(str(u) for u in uids[start : start + HEADER_BATCH])
        typ, data = conn.uid("FETCH", batch, "(UID INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if typ != "OK":
            raise MailboxError("无法读取邮件列表。")
        for meta, literal in _fetch_items(data):
            uid = _UID.search(meta)
            if not uid:
                continue
            mid = normalise_message_id(decode_header_value(parse_headers(literal or b"").get("Message-ID", "")))
            listed.append(_Listed(int(uid.group(1)), mid, _internaldate(meta)))
    return listed


def _fetch_raw(conn: imaplib.IMAP4, uid: int) -> bytes:
    typ, data = conn.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise MailboxError(f"无法读取邮件（UID {uid}）。")
    for _meta, literal in _fetch_items(data):
        if literal is not None:
            return literal
    raise MailboxError(f"邮件（UID {uid}）已不在服务器上。")


# --- one message -> one report -------------------------------------------------------------------

def _received_at(parsed: ParsedMail, internaldate: dt.datetime | None, now: dt.datetime) -> tuple[dt.datetime, str]:
    """Date header, else the server's INTERNALDATE, else now; a date in the future is not believed."""
    latest = now + dt.timedelta(minutes=4)
    if parsed.date is not None and parsed.date <= latest:
        return parsed.date, "邮件日期"
    if internaldate is not None and internaldate <= latest:
        return internaldate, "服务器收信时间"
    return now, "收取时间"


def _repair_name(name: str, content: bytes) -> str:
    """An attachment whose content is an accepted type but whose name lacks the extension gets one."""
    kind = sniff(content)
    if kind is None:
        return name
    _label, content_type, extensions = kind
    dot = name.rfind(".")
    if dot >= 0 and name[dot:].lower() in extensions:
        return name
    return name + CANONICAL_EXTENSION.get(content_type, "")


def _attachments(parsed: ParsedMail) -> tuple[list[UploadedFile[Any]], list[str]]:
    """The attachments that pass the checks, and one Chinese reason for each one left out."""
    kept: list[tuple[str, bytes, str]] = []
    rejected: list[str] = []
    for att in parsed.attachments:
        name = _repair_name(att.filename, att.content)
        if len(kept) >= settings.ATTACHMENT_MAX_COUNT:
            rejected.append(f"“{name}”超出附件数量上限（{settings.ATTACHMENT_MAX_COUNT} 个）")
            continue
        try:
            check_files([SimpleUploadedFile(name, att.content, att.content_type)])
        except ValidationError as exc:
            rejected.append("".join(exc.messages).rstrip("。"))
            continue
        kept.append((name, att.content, att.content_type))
    return [SimpleUploadedFile(n, c, t) for n, c, t in kept], rejected


def _content(parsed: ParsedMail) -> tuple[str, bool]:
    subject = parsed.subject or "（无主题）"
    body = parsed.body.strip() or ("（邮件无正文，见附件）" if parsed.attachments else "（邮件无正文）")
    content = f"主题：{subject}\n\n{body}"
    if len(content) > MAX_CONTENT_CHARS:
        note = "\n\n（正文过长，以上为节选，完整内容见原始邮件）"
        return content[: MAX_CONTENT_CHARS - len(note)] + note, True
    return content, False


def build_report_input(*, mailbox: Mailbox, raw: bytes, uid: int | None = None, internaldate: dt.datetime | None = None,
                       message_id: str = "") -> ReportInput:
    """The report for one raw message (never raises on a malformed message)."""
    parsed = parse_mail(raw)
    channel = mailbox.channel
    now = timezone.now()
    received_at, basis = _received_at(parsed, internaldate, now)
    files, rejected = _attachments(parsed)
    content, truncated = _content(parsed)
    reasons: list[str] = []
    if parsed.problems:
        reasons.append("邮件格式异常：" + "；".join(parsed.problems))
    if rejected:
        reasons.append("附件未能保存：" + "；".join(rejected) + "（原始邮件已保留）")
    if truncated:
        reasons.append("正文过长已截断（原始邮件已保留）")
    reporter = None
    if parsed.from_address:
        reporter = ReporterData(name=(parsed.from_name or parsed.from_address)[:120], email=parsed.from_address[:254])
    elif not parsed.problems:
        reasons.append("邮件格式异常：无法识别发件人地址，按匿名登记")
    source: dict[str, Any] = {
        "mailbox": mailbox.pk, "uid": uid, "subject": parsed.subject[:300], "date_header": parsed.date_header[:100],
        "internaldate": internaldate.isoformat() if internaldate else "", "received_at_basis": basis,
        "attachments_rejected": rejected, "problems": parsed.problems,
    }
    return ReportInput(
        inspection=channel.inspection, content=content, kind=ChannelKind.EMAIL, channel=channel, received_at=received_at,
        reporter=reporter, files=files, source=source,
        email_message_id=message_id or parsed.message_id,
        raw_source=raw if reasons else None, needs_attention="；".join(reasons),
    )


def register_message(*, mailbox: Mailbox, raw: bytes, uid: int | None = None, internaldate: dt.datetime | None = None,
                     message_id: str = "") -> Report | None:
    """Register one raw message as a report. None when it is already registered (a concurrent fetch)."""
    data = build_report_input(mailbox=mailbox, raw=raw, uid=uid, internaldate=internaldate, message_id=message_id)
    try:
        return report_register(actor=ACTOR, data=data).report
    except IntegrityError:
        if Report.objects.filter(channel=mailbox.channel, email_message_id=data.email_message_id).exists():
            return None
        return report_register(actor=ACTOR, data=data).report  # a report-number race: try once more
    except ValidationError as exc:
        # Whatever the registration refused, keep the mail: no files, raw source, flagged.
        data.files = []
        data.raw_source = raw
        data.content = data.content.strip() or "（邮件无正文）"
        data.needs_attention = "；".join(filter(None, [data.needs_attention, "登记时校验未通过：" + "".join(exc.messages)]))
        return report_register(actor=ACTOR, data=data).report


# --- a whole mailbox -----------------------------------------------------------------------------

def _known_ids(mailbox: Mailbox, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(Report.objects.filter(channel=mailbox.channel, email_message_id__in=chunk)
                     .values_list("email_message_id", flat=True))
    return known


def _lock(key: str) -> bool:
    """Keep two fetchers off the same mailbox (the unique constraint is the last word anyway)."""
    try:
        return bool(cache.add(key, "1", LOCK_SECONDS))
    except Exception:  # noqa: BLE001 - an unreachable cache must not stop the fetch
        return True


def _unlock(key: str) -> None:
    with contextlib.suppress(Exception):
        cache.delete(key)


def fetch_mailbox(mailbox: Mailbox) -> FetchResult:
    """Fetch every message of the mailbox's folder and register the new ones. Never raises."""
    result = FetchResult()
    lock = f"intake:mailbox-fetch:{mailbox.pk}"
    if not _lock(lock):
        # A fetch that outlasts its period (a slow server, a busy machine): the next period's run skips this
        # mailbox and the running one finishes it; the mailbox's own state is the running fetch's to write.
        result.busy = True
        return result
    try:
        _fetch_into(mailbox, result)
    except MailboxError as exc:
        result.errors.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - a fetch must never take the scheduler down
        logger.exception("mailbox %s: unexpected error", mailbox.pk)
        result.errors.append(f"收取时发生意外错误（{type(exc).__name__}: {str(exc)[:200]}）。")
    finally:
        _unlock(lock)
    mailbox.last_checked_at = timezone.now()
    mailbox.last_error = "；".join(result.errors)[:500]
    mailbox.save(update_fields=["last_checked_at", "last_error"])
    return result


def _fetch_into(mailbox: Mailbox, result: FetchResult) -> None:
    conn = _connect(mailbox)
    try:
        listed = _list_messages(conn)
        known = _known_ids(mailbox, [m.message_id for m in listed if m.message_id])
        seen: set[str] = set()
        for item in listed:
            if item.message_id and (item.message_id in known or item.message_id in seen):
                result.skipped += 1
                continue
            try:
                raw = _fetch_raw(conn, item.uid)
            except (imaplib.IMAP4.abort, OSError) as exc:
                raise MailboxError(f"与邮件服务器的连接中断（{_server_text(exc)}），下次收取时继续。") from None
            except (MailboxError, imaplib.IMAP4.error) as exc:
                result.errors.append(str(exc) if isinstance(exc, MailboxError) else f"无法读取邮件（UID {item.uid}）：{_server_text(exc)}")
                continue
            message_id = item.message_id or synthetic_message_id(raw)
            if not item.message_id and (message_id in seen or _known_ids(mailbox, [message_id])):
                result.skipped += 1
                continue
            seen.add(message_id)
            try:
                report = register_message(mailbox=mailbox, raw=raw, uid=item.uid, internaldate=item.internaldate,
                                          message_id=message_id)
            except Exception as exc:  # noqa: BLE001 - one bad message never stops the others
                logger.exception("mailbox %s uid %s: not registered", mailbox.pk, item.uid)
                result.errors.append(f"邮件（UID {item.uid}）未能登记（{type(exc).__name__}: {str(exc)[:150]}），下次收取时重试。")
                continue
            if report is None:
                result.skipped += 1
            else:
                result.new += 1
                result.flagged += int(report.needs_attention)
    finally:
        _logout(conn)


def fetch_all_mailboxes(mailbox_ids: list[int] | None = None) -> list[tuple[Mailbox, FetchResult]]:
    """Fetch every enabled mailbox of an email channel; one failing mailbox never stops the others."""
    qs = Mailbox.objects.select_related("channel", "channel__inspection").filter(enabled=True, channel__kind=ChannelKind.EMAIL)
    # A filed inspection takes nothing in (report_register would refuse each message): its mail stays unread.
    qs = qs.filter(channel__inspection__filed_at__isnull=True)
    if mailbox_ids:
        qs = qs.filter(pk__in=mailbox_ids)
    results = []
    for mailbox in qs.order_by("pk"):
        results.append((mailbox, fetch_mailbox(mailbox)))
    return results


def mailbox_check(mailbox: Mailbox) -> int:
    """Log in and open the folder without registering anything; the number of messages in it.

    Raises MailboxError (Chinese message) when the mailbox cannot be reached.
    """
    conn = _connect(mailbox)
    try:
        typ, data = conn.uid("SEARCH", None, "ALL")  # type: ignore[arg-type]
        if typ != "OK":
            raise MailboxError("无法列出邮件。")
        return len((data[0] or b"").split())
    finally:
        _logout(conn)
