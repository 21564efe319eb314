"""Writes of the briefing before entry (巡前情况通报): ask a body for its briefing, register its answer with
attachments (checked like every upload, sealed at rest), and save the team's summary, whose problems to
look at become leads (待核实问题, source 巡前情况通报) that later findings take in. The team's only
(Kind.FIELDWORK): anyone else is told the inspection does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from xuncha.access import Purpose
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors_offices import office_briefing_asks
from xuncha.uploads import check_files, removed_on_failure

from .models import Lead
from .models.briefing import DEFAULT_ASKS, BriefingAttachment, BriefingBody, BriefingRequest, BriefingSummary
from .services_leads import lead_create_locked
from .services_talks import check

MAX_TEXT = 20_000


def briefing_request_create(*, actor: User, inspection: Inspection, body_kind: str, body_name: str = "", asks: str = "",
                            requested_on: dt.date, due_on: dt.date | None = None,
                            request: HttpRequest | None = None) -> BriefingRequest:
    """Ask one body for its briefing on the target (the request letter is printed from it). No asks given:
    the office's template for that kind of body (its settings, or an office's above), else the platform's."""
    check(actor, inspection, Purpose.WORK)
    problems = []
    if body_kind not in BriefingBody.values:
        problems.append("请选择通报单位类别。")
    name = body_name.strip() or (BriefingBody(body_kind).label if body_kind in BriefingBody.values else "")
    if len(name) > 120:
        problems.append("单位名称过长。")
    if len(asks) > MAX_TEXT:
        problems.append("请求通报的内容过长。")
    if due_on is not None and due_on < requested_on:
        problems.append("回复期限不能早于发函日期。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        number = (BriefingRequest.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        asks = asks.strip() or office_briefing_asks(inspection.office_id, body_kind) or DEFAULT_ASKS[body_kind]
        briefing = BriefingRequest.objects.create(
            inspection=inspection, number=number, body_kind=body_kind, body_name=name, asks=asks,
            requested_on=requested_on, due_on=due_on, created_by=actor)
        audit_record(actor=actor, action="briefing.request", obj=briefing, request=request,
                     summary=f"{inspection} 商请{name}通报情况（第{number}号）")
    return briefing


def briefing_answer_register(*, actor: User, briefing: BriefingRequest, answered_on: dt.date, answer: str,
                             files: Sequence[UploadedFile[Any]] | None = None,
                             request: HttpRequest | None = None) -> BriefingRequest:
    """Register (or complete) the body's answer: its text and the documents it sent."""
    check(actor, briefing.inspection, Purpose.WORK)
    files = files or []
    if not answer.strip() and not files and not briefing.attachments.exists():
        raise Invalid("请填写通报情况或上传通报材料。")
    if len(answer) > MAX_TEXT:
        raise Invalid("通报情况超过 20000 字，请作为附件上传。")
    if answered_on < briefing.requested_on:
        raise Invalid("回复日期不能早于发函日期。")
    try:
        checked = check_files(files, already=briefing.attachments.count())
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc
    with removed_on_failure() as saved, transaction.atomic():
        briefing.answered_on, briefing.answer, briefing.answered_by = answered_on, answer.strip(), actor
        briefing.save(update_fields=["answered_on", "answer", "answered_by"])
        for f in checked:
            att = BriefingAttachment(briefing=briefing, original_name=f.name[:200], content_type=f.content_type[:100],
                                     size=len(f.content), sha256=f.sha256)
            att.file.save(f"{briefing.inspection_id}-{briefing.number}-{f.sha256[:16]}", ContentFile(f.content), save=False)
            saved.append(str(att.file.name))
            att.save()
        audit_record(actor=actor, action="briefing.answer", obj=briefing, request=request,
                     summary=f"登记{briefing.label}的回复", data={"attachments": len(checked)})
    return briefing


def briefing_summary_save(*, actor: User, inspection: Inspection, text: str, problems: list[str],
                          request: HttpRequest | None = None) -> BriefingSummary:
    """Save the summary of the briefings; each new problem to look at becomes a lead (source 巡前情况通报)."""
    check(actor, inspection, Purpose.WORK)
    problems = [p.strip() for p in problems if p.strip()]
    if len(text) > MAX_TEXT or any(len(p) > 2000 for p in problems):
        raise Invalid("内容过长，请精简。")
    if not text.strip() and not problems:
        raise Invalid("请填写综合分析或需重点关注的问题。")
    with transaction.atomic():
        summary, _ = BriefingSummary.objects.update_or_create(inspection=inspection,
                                                              defaults={"text": text.strip(), "updated_by": actor})
        for p in problems:
            lead_create_locked(actor=actor, inspection=inspection, source=Lead.Source.BRIEFING, source_id=summary.pk,
                               text=p, disciplines=[])
        audit_record(actor=actor, action="briefing.summary", obj=inspection, request=request,
                     summary=f"{inspection} 巡前情况综合分析（新增重点关注问题 {len(problems)} 个）")
    return summary


def briefing_attachment_read(*, actor: User, attachment: BriefingAttachment, request: HttpRequest | None = None) -> bytes:
    """An attachment's bytes (its reader already checked by the selector), the opening audited."""
    with attachment.file.open("rb") as fh:
        content: bytes = fh.read()
    audit_record(actor=actor, action="briefing_attachment.download", obj=attachment, request=request,
                 summary=f"下载{attachment.briefing.label}的附件：{attachment.original_name[:100]}")
    return content
