"""Audited reads: opening case data (findings, candidates, a notice on the liaison's side) and every
download (notice and feedback documents, ledger exports, evidence files) leaves an audit event. Each
checks that the actor may see what they read (NotFound otherwise) and records the event in its own
transaction; downloads return the content.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.http import HttpRequest

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection

from .. import exports
from ..access import can_read_ledger, is_liaison_of, is_staff, is_team
from ..documents_notice import immediate_notice_docx
from ..models import Evidence, Feedback, Finding, ImmediateNotice
from ..selectors import ISSUED_STATES


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotFound


def _notice_reader(actor: User, notice: ImmediateNotice) -> bool:
    """The staff of the inspection, or the liaison of its organisation once the notice is issued."""
    inspection = notice.inspection
    return is_staff(actor, inspection) or (is_liaison_of(actor, inspection) and notice.state in ISSUED_STATES)


def findings_viewed(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> None:
    _require(is_team(actor, inspection))
    with transaction.atomic():
        audit_record(actor=actor, action="finding.list", obj=inspection, request=request, summary=f"查看问题底稿：{inspection}")


def finding_viewed(*, actor: User, finding: Finding, request: HttpRequest | None = None) -> None:
    _require(is_team(actor, finding.inspection))
    with transaction.atomic():
        audit_record(actor=actor, action="finding.view", obj=finding, request=request,
                     summary=f"查看问题底稿：问题{finding.number}（{finding.inspection}）")


def candidates_viewed(*, actor: User, inspection: Inspection, page: int, request: HttpRequest | None = None) -> None:
    _require(is_team(actor, inspection))
    with transaction.atomic():
        audit_record(actor=actor, action="notice.candidates", obj=inspection, request=request,
                     summary=f"查看立行立改候选事项：{inspection}（第{page}页）")


def notice_viewed_by_liaison(*, actor: User, notice: ImmediateNotice, request: HttpRequest | None = None) -> None:
    _require(is_liaison_of(actor, notice.inspection) and notice.state in ISSUED_STATES)
    with transaction.atomic():
        audit_record(actor=actor, action="notice.view", obj=notice, request=request,
                     summary=f"被巡察单位查看立行立改通知第{notice.number}号")


def notice_docx_export(*, actor: User, notice: ImmediateNotice, request: HttpRequest | None = None) -> bytes:
    """立行立改通知书 as .docx, for the team and the office, or the liaison of an issued notice."""
    _require(_notice_reader(actor, notice))
    content = immediate_notice_docx(notice)
    with transaction.atomic():
        audit_record(actor=actor, action="notice.export", obj=notice, request=request,
                     summary=f"导出立行立改通知书第{notice.number}号（{notice.inspection.target.name}）")
    return content


def notice_evidence_read(*, actor: User, evidence: Evidence, request: HttpRequest | None = None) -> bytes:
    """An evidence file of an answer: for the inspection's team, or the liaison of the notice's organisation."""
    notice = evidence.answer.notice if evidence.answer else None
    _require(notice is not None and (is_team(actor, notice.inspection)
                                     or (is_liaison_of(actor, notice.inspection) and notice.state in ISSUED_STATES)))
    assert notice is not None
    with evidence.file.open("rb") as f:
        content: bytes = f.read()
    with transaction.atomic():
        audit_record(actor=actor, action="notice.evidence_download", obj=evidence, request=request,
                     summary=f"下载立行立改通知第{notice.number}号的佐证材料“{evidence.original_name}”")
    return content


def evidence_read(*, actor: User, evidence: Evidence, request: HttpRequest | None = None) -> bytes:
    """An evidence file of a progress report: for the staff of the inspection, or the target's liaison."""
    item = evidence.progress.item if evidence.progress else None
    _require(item is not None and can_read_ledger(actor, item.inspection))
    assert item is not None
    with evidence.file.open("rb") as f:
        content: bytes = f.read()
    with transaction.atomic():
        audit_record(actor=actor, action="evidence.download", obj=evidence, request=request,
                     summary=f"下载整改事项第{item.number}项的佐证材料“{evidence.original_name}”",
                     data={"item": item.pk, "sha256": evidence.sha256})
    return content


def feedback_docx_export(*, actor: User, feedback: Feedback, request: HttpRequest | None = None) -> bytes:
    """巡察反馈意见 as .docx, for the office and the team."""
    _require(is_staff(actor, feedback.inspection))
    content = exports.feedback_docx(feedback)
    with transaction.atomic():
        audit_record(actor=actor, action="feedback.export", obj=feedback, request=request,
                     summary=f"导出巡察反馈意见：{feedback.inspection}")
    return content


def _ledger_exported(actor: User, inspection: Inspection, kind: str, count: int | None, via: str,
                     request: HttpRequest | None) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="ledger.export", obj=inspection, request=request,
                     summary=f"{via}导出整改台账（{kind}）：{inspection}" + (f"，{count}项" if count is not None else ""),
                     data={"format": kind})


def ledger_xlsx_export(*, actor: User, inspection: Inspection, via: str = "",
                       request: HttpRequest | None = None) -> tuple[IO[bytes], int]:
    """The ledger as .xlsx in a temporary file (rewound) and its item count, for whoever may read the
    ledger; `via` names the channel in the audit summary ("接口" for the API)."""
    _require(can_read_ledger(actor, inspection))
    stream, count = exports.ledger_xlsx_file(inspection)
    try:
        _ledger_exported(actor, inspection, "xlsx", count, via, request)
    except BaseException:
        stream.close()
        raise
    return stream, count


def ledger_xlsx_write(*, actor: User, inspection: Inspection, out: IO[bytes],
                      progress: Callable[[int, int | None], None] | None = None) -> int:
    """The ledger as .xlsx written into `out` for a background export (xuncha.exports, whose runner calls
    this in its builder, xuncha/rectification/export_jobs.py): the actor's right is checked again now, when
    it runs, not only when the job was started. Returns the item count; audited like the direct export."""
    _require(can_read_ledger(actor, inspection))
    count = exports.ledger_xlsx(inspection, out, progress=progress)
    _ledger_exported(actor, inspection, "xlsx", count, "后台", None)
    return count


def ledger_pdf_export(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> bytes:
    _require(can_read_ledger(actor, inspection))
    content = exports.ledger_pdf(inspection)
    _ledger_exported(actor, inspection, "pdf", None, "", request)
    return content

