"""Reading the text off attachments after registration: OCR for scans (images, PDFs without a text layer),
the text layer of PDFs and Office files otherwise (xuncha.core.ocr, xuncha.core.extract), Word 97-2003
files by wvWare (xuncha.core.word97: a missing reader, a damaged file or one over the time limit leaves
the attachment "failed" with the reason, like a failed OCR; the file itself is kept as it was).

The text is kept sealed beside the attachment (attachments.attachment_text_store), added to the report's
search index, and, when the report was registered without content (a letter registered from its scan),
offered as its content, flagged machine-read until a member confirms or corrects it. Then intake
announces it (signals.report_content_read): triage classifies, scopes and groups the report again.

When it runs: a Celery task in the scaled deployment, a background thread of the registering process in
the embedded one (settings.ATTACHMENT_READING); the scheduler's catch-up job reads whatever was left
pending (a worker killed meanwhile), `manage.py attachments_read` does the same by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.core import ocr, word97
from xuncha.core.extract import ExtractError, extract_text, extract_text_checked

from .attachments import attachment_plaintext, attachment_text_store, stored_text
from .models import Attachment, OcrStatus, Report
from .search import index_report
from .signals import report_content_read

logger = logging.getLogger("xuncha.intake.reading")
SYSTEM = "文字识别"
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_TYPE = "application/x-ole-storage"
MAX_TEXT_CHARS = 200_000
MAX_PDF_SCANNED_PAGES = 30
# A reading younger than this may still be under way in the process that registered the report.
PENDING_GRACE = dt.timedelta(minutes=1)


def initial_status(content_type: str, content: bytes = b"") -> str:
    """What a new attachment of this type waits for: reading (images, PDFs, Office Open XML, Word 97-2003)
    or nothing (Excel and PowerPoint 97-2003 are not read)."""
    if content_type.startswith("image/") or content_type == "application/pdf" or content_type in OFFICE_TYPES:
        return OcrStatus.PENDING
    if content_type == OLE_TYPE and word97.is_word97(content):
        return OcrStatus.PENDING
    return OcrStatus.NONE


def _pdf_images(content: bytes) -> list[bytes]:
    """The images of a PDF's pages (a scanned PDF is one image per page), bounded in pages."""
    from pypdf import PdfReader

    out: list[bytes] = []
    reader = PdfReader(io.BytesIO(content), strict=False)
    for n, page in enumerate(reader.pages):
        if n >= MAX_PDF_SCANNED_PAGES:
            break
        for image in page.images:
            out.append(image.data)
    return out


def _low_confidence_note(results: list[ocr.OcrResult]) -> str:
    """What the member is told when the engine read a page with low confidence (kept on the attachment
    beside the text, shown in the viewer); empty otherwise."""
    low = [r for r in results if r.low_confidence]
    return f"{ocr.LOW_CONFIDENCE_NOTICE}（平均可信度 {min(r.confidence for r in low):.0f}/100）" if low else ""


def read_content(content: bytes, content_type: str) -> tuple[str, list[dict[str, object]], str, str]:
    """(text, lines with boxes, engine, note) of one file; the note says the OCR read a page with low
    confidence (ocr.LOW_CONFIDENCE_NOTICE). Raises ocr.OcrError when the engine fails,
    word97.Word97Error when a Word 97-2003 file cannot be read, ExtractError when an Office file is damaged
    or refused (an archive bomb): the attachment is then "failed" with the reason, not "done" and empty."""
    if content_type.startswith("image/"):
        result = ocr.ocr_image(content)
        return (result.text, [{"text": line.text, "box": list(line.box)} for line in result.lines], ocr.engine_version(),
                _low_confidence_note([result]))
    if content_type == "application/pdf":
        text = extract_text(content, content_type, max_chars=MAX_TEXT_CHARS)
        if text.strip():
            return text, [], "pdf-text", ""
        results: list[ocr.OcrResult] = []
        lines: list[dict[str, object]] = []
        for page, image in enumerate(_pdf_images(content), 1):
            results.append(ocr.ocr_image(image))
            lines.extend({"text": line.text, "box": list(line.box), "page": page} for line in results[-1].lines)
        text = "\n".join(r.text for r in results if r.text)[:MAX_TEXT_CHARS]
        return text, lines, ocr.engine_version(), _low_confidence_note(results)
    if content_type == OLE_TYPE and word97.is_word97(content):
        return word97.read_word97(content, max_chars=MAX_TEXT_CHARS), [], word97.READER, ""
    return extract_text_checked(content, content_type, max_chars=MAX_TEXT_CHARS), [], "office-text", ""


def attachment_read(*, attachment_id: int) -> str:
    """Read one pending attachment (the system's action). Returns its new status."""
    att = Attachment.objects.select_related("report__inspection").filter(pk=attachment_id).first()
    if att is None or att.ocr_status != OcrStatus.PENDING:
        return att.ocr_status if att is not None else "gone"
    try:
        text, lines, engine, note = read_content(attachment_plaintext(att), att.content_type)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the attachment; the member sees it
        message = str(exc) if isinstance(exc, ocr.OcrError | word97.Word97Error | ExtractError) else f"无法读取文件：{type(exc).__name__}"
        if isinstance(exc, word97.ReaderMissing):
            message += "请管理员安装后运行 manage.py attachments_read --failed 重新识别。"
        logger.warning("reading attachment %s failed: %s", att.pk, message)
        Attachment.objects.filter(pk=att.pk).update(ocr_status=OcrStatus.FAILED, text_error=message[:300])
        return OcrStatus.FAILED
    report_id = att.report_id
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        attachment_text_store(attachment=att, text=text, lines=lines, engine=engine, note=note)
        filled = False
        if text.strip() and (not report.content.strip() or report.content_machine_read):
            texts = _read_texts(report)
            report.content = "\n\n".join(texts)[:20_000]
            report.content_machine_read = True
            Report.objects.filter(pk=report.pk).update(content=report.content, content_machine_read=True)
            filled = True
        index_report(report)
        audit_record(actor=SYSTEM, action="attachment.read", obj=report,
                     summary=f"识别信访件 {report.reference} 的附件“{att.original_name}”的文字（{engine}，{len(text)} 字）"
                             + ("，已填入反映内容待核对" if filled else ""),
                     data={"attachment": att.pk, "engine": engine, "chars": len(text), "filled_content": filled,
                           "low_confidence": bool(note)})
        transaction.on_commit(lambda: report_content_read.send(sender=Report, report_id=report_id), robust=True)
    return OcrStatus.DONE


def _read_texts(report: Report) -> list[str]:
    done = report.attachments.filter(ocr_status=OcrStatus.DONE, contains_identity=False).order_by("id")
    texts = (stored_text(att) for att in done)
    return [t.strip() for t in texts if t.strip()]


def attachments_read_pending(limit: int = 50, *, older_than: dt.timedelta | None = None) -> dict[str, int]:
    """Read the attachments still pending (the catch-up job; `older_than` skips those a registering process
    may be reading right now)."""
    # A filed inspection is read-only (xuncha.access.require_open): its pending files stay as filed.
    qs = Attachment.objects.filter(ocr_status=OcrStatus.PENDING, report__inspection__filed_at__isnull=True)
    if older_than is not None:
        qs = qs.filter(created_at__lt=timezone.now() - older_than)
    counts = {"done": 0, "failed": 0}
    for pk in list(qs.order_by("pk").values_list("pk", flat=True)[:limit]):
        status = attachment_read(attachment_id=pk)
        if status in counts:
            counts[status] += 1
    return counts


def attachments_requeue_failed() -> int:
    """Put back in the queue the attachments whose reading failed (after a missing reader was installed)
    and the Word 97-2003 files registered before they were read at all: `manage.py attachments_read
    --failed`. Returns how many."""
    word97_unread = Q(ocr_status=OcrStatus.NONE, content_type=OLE_TYPE) & (
        Q(original_name__iendswith=".doc") | Q(original_name__iendswith=".wps"))
    qs = Attachment.objects.filter(Q(ocr_status=OcrStatus.FAILED) | word97_unread, report__inspection__filed_at__isnull=True)
    return qs.update(ocr_status=OcrStatus.PENDING, text_error="")


def attachments_read_catch_up() -> dict[str, int]:
    """The scheduler's job (xuncha/scheduler/jobs.py) and Celery beat's."""
    return attachments_read_pending(older_than=PENDING_GRACE)


def schedule_reading(attachment_ids: list[int]) -> None:
    """After a registration commits: read its attachments in the background (settings.ATTACHMENT_READING)."""
    if not attachment_ids:
        return
    mode = settings.ATTACHMENT_READING
    if mode == "celery":
        from .tasks import attachments_read_task

        for pk in attachment_ids:
            attachments_read_task.delay(pk)
    elif mode == "thread":
        threading.Thread(target=_read_in_thread, args=(attachment_ids,), name="xuncha-attachment-reading", daemon=True).start()


def _read_in_thread(attachment_ids: list[int]) -> None:
    try:
        for pk in attachment_ids:
            attachment_read(attachment_id=pk)
    except Exception:
        logger.exception("reading attachments %s in the background failed; the catch-up job retries", attachment_ids)
    finally:
        connection.close()  # this thread's own connection

