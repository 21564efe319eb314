"""Reports' attachments: reads (the team of the report's inspection only; anyone else gets NotFound) and
writes (open with an audit, mark "contains identity", a leader's reasoned reveal, the text read from them).

Files are sealed at rest (xuncha.uploads.SealedStorage); opening one here is the only way to its
plaintext, and every opening is audited. An attachment the team marked as showing the reporter's
identity is shown to members masked (an image blurred, anything else withheld, its text withheld) and
to the team's leaders only after a reasoned reveal, like the identity fields.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.errors import Invalid, NotAllowed, NotFound
from xuncha.keys import key_ring

from .models import Attachment, IdentityReveal, Report
from .selectors import intake_inspections

TEXT_CONTEXT = "attachment_text"
LINES_CONTEXT = "attachment_lines"
# Opened inline in the viewer page; everything else (Office files) is downloaded.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


# --- reads --------------------------------------------------------------------------------------------


def attachment_list(*, user: User | AnonymousUser, report: Report) -> QuerySet[Attachment]:
    if not intake_inspections(user=user).filter(pk=report.inspection_id).exists():
        raise NotFound
    return Attachment.objects.filter(report=report).order_by("id")


def attachment_get(*, user: User | AnonymousUser, pk: int) -> Attachment:
    att = (Attachment.objects.filter(pk=pk, report__inspection__in=intake_inspections(user=user))
           .select_related("report__inspection").first())
    if att is None:
        raise NotFound
    return att


def attachment_masked_for(*, user: User | AnonymousUser, attachment: Attachment, revealed: bool = False) -> bool:
    """Whether this user sees the attachment masked: it is marked as showing the reporter's identity and
    the user is not a leader of the team who revealed it (members never see it unmasked)."""
    if not attachment.contains_identity:
        return False
    return not (revealed and allows(user, Kind.CASE, Purpose.APPROVE, attachment.report.inspection))


@dataclass
class TextRead:
    text: str
    lines: list[dict[str, Any]]  # {"text": str, "box": [x0, y0, x1, y1]} in the image's pixels
    engine: str
    withheld: bool = False


def attachment_text(*, user: User | AnonymousUser, attachment: Attachment, revealed: bool = False) -> TextRead:
    """The text read from the attachment (OCR or its text layer); withheld from those who see it masked."""
    if attachment_masked_for(user=user, attachment=attachment, revealed=revealed):
        return TextRead("", [], attachment.text_engine, withheld=True)
    ring = key_ring()
    text = stored_text(attachment)
    lines_json = crypto.unseal(ring, attachment.lines_sealed, context=LINES_CONTEXT)
    lines = json.loads(lines_json) if lines_json else []
    return TextRead(text, lines, attachment.text_engine)


def stored_text(attachment: Attachment) -> str:
    """The text read from the attachment, unsealed (for the system's own work: search, content, triage)."""
    return crypto.unseal(key_ring(), attachment.text_sealed, context=TEXT_CONTEXT)


def attachment_plaintext(attachment: Attachment) -> bytes:
    """The file's plaintext, for the system's own work (OCR, text extraction); people go through attachment_open."""
    with attachment.file.open("rb") as f:
        data = f.read()
    return data if isinstance(data, bytes) else data.encode()


# --- writes -------------------------------------------------------------------------------------------


def _blurred(content: bytes) -> tuple[bytes, str]:
    """An image made unreadable (strongly blurred and shrunk) for members: a PNG."""
    from PIL import Image, ImageFilter

    with Image.open(io.BytesIO(content)) as img:
        img.thumbnail((480, 480))
        small = img.convert("RGB").filter(ImageFilter.GaussianBlur(radius=12))
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue(), "image/png"


@dataclass
class Opened:
    content: bytes
    content_type: str
    name: str
    masked: bool


def attachment_open(*, actor: User, attachment: Attachment, revealed: bool = False, request: HttpRequest | None = None) -> Opened:
    """The file for a member of the team (audited). Marked as identity: members (and leaders who have not
    revealed it) get an image blurred; any other file of that kind is withheld (NotAllowed)."""
    if not allows(actor, Kind.CASE, Purpose.READ, attachment.report.inspection):
        raise NotFound
    masked = attachment_masked_for(user=actor, attachment=attachment, revealed=revealed)
    if masked and not attachment.is_image:
        raise NotAllowed("该附件含反映人身份信息，仅组长、副组长写明理由后可查看。")
    content = attachment_plaintext(attachment)
    content_type = attachment.content_type
    if masked:
        content, content_type = _blurred(content)
    report = attachment.report
    audit_record(actor=actor, action="attachment.open", obj=report, request=request,
                 summary=f"打开信访件 {report.reference} 的附件“{attachment.original_name}”{'（已遮蔽）' if masked else ''}",
                 data={"attachment": attachment.pk, "masked": masked, "sm3": attachment.sm3})
    return Opened(content, content_type, attachment.original_name, masked)


def attachment_mark_identity(*, actor: User, attachment: Attachment, contains: bool, request: HttpRequest | None = None) -> Attachment:
    """A member of the team marks (or a leader unmarks) an attachment as showing the reporter's identity.
    Unmarking lifts the protection, so it is a leader's decision."""
    inspection = attachment.report.inspection
    if not allows(actor, Kind.CASE, Purpose.WORK, inspection):
        raise NotFound
    if not contains and attachment.contains_identity and not allows(actor, Kind.CASE, Purpose.APPROVE, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以取消“含反映人身份”标记。")
    from .search import index_report

    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(contains_identity=contains)
        attachment.contains_identity = contains
        index_report(attachment.report)  # its text leaves (or rejoins) the search index
        audit_record(actor=actor, action="attachment.mark_identity", obj=attachment.report, request=request,
                     summary=(f"{'标记' if contains else '取消标记'}信访件 {attachment.report.reference} "
                              f"的附件“{attachment.original_name}”含反映人身份"),
                     data={"attachment": attachment.pk, "contains_identity": contains})
    return attachment


def attachment_reveal(*, actor: User, attachment: Attachment, reason: str, request: HttpRequest | None = None) -> IdentityReveal:
    """A team leader states why they need to see an attachment marked as identity (audited, like a reporter reveal)."""
    inspection = attachment.report.inspection
    if not allows(actor, Kind.CASE, Purpose.READ, inspection):
        raise NotFound
    if not allows(actor, Kind.CASE, Purpose.APPROVE, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以查看含反映人身份的附件。")
    if len(reason.strip()) < 5:
        raise Invalid("请写明查看该附件的理由（至少5个字）。")
    report = attachment.report
    with transaction.atomic():
        reveal = IdentityReveal.objects.create(report=report, user=actor,
                                               reason=f"查看附件“{attachment.original_name}”：{reason.strip()}"[:300])
        audit_record(actor=actor, action="attachment.reveal", obj=report, request=request,
                     summary=f"查看信访件 {report.reference} 含身份的附件“{attachment.original_name}”，理由：{reason.strip()[:200]}",
                     data={"attachment": attachment.pk})
    return reveal


def attachment_text_store(*, attachment: Attachment, text: str, lines: list[dict[str, Any]], engine: str,
                          note: str = "") -> None:
    """Keep the text read from an attachment, sealed (the system's write, no actor: see xuncha.intake.reading).
    `note` (the OCR read it with low confidence) is kept in `text_error`, which on a read attachment is a
    caution, not a failure, and shown beside the text."""
    ring = key_ring()
    Attachment.objects.filter(pk=attachment.pk).update(
        text_sealed=crypto.seal(ring, text, context=TEXT_CONTEXT),
        lines_sealed=crypto.seal(ring, json.dumps(lines, ensure_ascii=False), context=LINES_CONTEXT) if lines else "",
        text_engine=engine[:60], text_error=note[:300], ocr_status="done")
