"""Writes of visits, meetings and the other methods (走访/下沉, 座谈会, 列席会议, 个人有关事项抽查,
听取汇报) and the team's own meetings (组务会): one record each, with attachments (checked like every
upload, kept in attachment_storage) and leads. The team's only (Kind.FIELDWORK)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from xuncha.uploads import check_files, removed_on_failure

from .models import Lead
from .models.visits import FieldAttachment, FieldRecord, VisitKind
from .services_leads import lead_create_locked
from .services_talks import check


@dataclass
class FieldRecordInput:
    kind: str
    held_on: dt.date
    title: str
    place: str = ""
    participants: list[dict[str, Any]] = field(default_factory=list)  # [{"category", "count"}]
    topics: str = ""
    notes: str = ""
    decisions: str = ""
    leads: list[str] = field(default_factory=list)  # texts of leads raised
    files: list[UploadedFile[Any]] = field(default_factory=list)


def _validate(data: FieldRecordInput) -> None:
    problems = []
    if data.kind not in VisitKind.values:
        problems.append("工作方式无效。")
    if not data.title.strip():
        problems.append("请填写事由。")
    if len(data.title) > 200 or len(data.place) > 120:
        problems.append("事由或地点过长。")
    for text in (data.topics, data.notes, data.decisions):
        if len(text) > 20_000:
            problems.append("内容超过 20000 字，请精简，或作为附件上传。")
            break
    for p in data.participants:
        if not str(p.get("category", "")).strip() or not isinstance(p.get("count"), int) or not 0 < p["count"] < 10_000:
            problems.append("参加人员请填写类别和人数（正整数）。")
            break
    if data.kind == VisitKind.TEAM_MEETING and not data.decisions.strip():
        problems.append("组务会请记录议定事项。")
    if problems:
        raise Invalid(problems)


def field_record_create(*, actor: User, inspection: Inspection, data: FieldRecordInput,
                        request: HttpRequest | None = None) -> FieldRecord:
    check(actor, inspection, Purpose.WORK)
    _validate(data)
    try:
        checked = check_files(data.files)
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc
    source = Lead.Source.MEETING if data.kind == VisitKind.TEAM_MEETING else Lead.Source.VISIT
    with removed_on_failure() as saved, transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        number = (FieldRecord.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        record = FieldRecord.objects.create(
            inspection=inspection, number=number, kind=data.kind, held_on=data.held_on, title=data.title.strip(),
            place=data.place.strip(), participants=data.participants, topics=data.topics.strip(), notes=data.notes.strip(),
            decisions=data.decisions.strip(), created_by=actor)
        for f in checked:
            att = FieldAttachment(record=record, original_name=f.name[:200], content_type=f.content_type[:100], size=len(f.content),
                                  sha256=f.sha256)
            att.file.save(f"{inspection.pk}-{number}-{f.sha256[:16]}", ContentFile(f.content), save=False)
            saved.append(str(att.file.name))
            att.save()
        for text in data.leads:
            if text.strip():
                lead_create_locked(actor=actor, inspection=inspection, source=source, source_id=record.pk, text=text, disciplines=[])
        audit_record(actor=actor, action="field_record.create", obj=record, request=request,
                     summary=f"{inspection} 新增{record.label}", data={"attachments": len(checked)})
    return record


def field_attachment_read(*, actor: User, attachment: FieldAttachment, request: HttpRequest | None = None) -> bytes:
    """An attachment's bytes (its reader already checked by the selector), the opening audited."""
    with attachment.file.open("rb") as fh:
        content: bytes = fh.read()
    audit_record(actor=actor, action="field_attachment.download", obj=attachment, request=request,
                 summary=f"下载{attachment.record.label}的附件：{attachment.original_name[:100]}")
    return content
