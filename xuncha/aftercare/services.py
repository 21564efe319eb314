"""Writes of the publication (整改公开). Keyword-only, each checks its actor through xuncha.access (aftercare.access)
and writes its audit event in its own transaction. Assessment: `services_assessment`; 回头看: `services_revisit`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import RectificationItem

from . import documents
from .access import can_publish, can_read, require
from .content import build_content
from .models import ExemptionReason, Publication, PublicationExemption

MAX_INTRO = 2000
OFFICE_ONLY = "只有巡察办可以{}。"


def _office_decides(actor: User, inspection: Inspection, what: str) -> None:
    require(can_publish(actor, inspection), can_read(actor, inspection), OFFICE_ONLY.format(what))


def exemption_set(*, actor: User, item: RectificationItem, reason: str, note: str = "",
                  request: HttpRequest | None = None) -> PublicationExemption:
    """Leave an item out of the publication (state secret, privacy, under investigation, other) — from the next publication on."""
    inspection = item.inspection
    _office_decides(actor, inspection, "决定不予公开的事项")
    problems = []
    if reason not in ExemptionReason.values:
        problems.append("请选择不予公开的理由。")
    note = note.strip()
    if len(note) > 200:
        problems.append("说明不能超过200字。")
    if reason == ExemptionReason.OTHER and not note:
        problems.append("选择“其他”时请写明依据。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        exemption, _ = PublicationExemption.objects.update_or_create(item=item, defaults={"reason": reason, "note": note, "by": actor})
        audit_record(actor=actor, action="publication.exempt", obj=item, request=request,
                     summary=f"整改事项{item.number}不予公开：{exemption.get_reason_display()}（{inspection}）")
    return exemption


def exemption_clear(*, actor: User, item: RectificationItem, request: HttpRequest | None = None) -> None:
    inspection = item.inspection
    _office_decides(actor, inspection, "决定不予公开的事项")
    with transaction.atomic():
        deleted, _ = PublicationExemption.objects.filter(item=item).delete()
        if not deleted:
            raise Conflict("该事项原本就会公开。")
        audit_record(actor=actor, action="publication.unexempt", obj=item, request=request,
                     summary=f"整改事项{item.number}恢复公开（{inspection}）")


def publication_publish(*, actor: User, inspection: Inspection, intro: str = "",
                        request: HttpRequest | None = None) -> Publication:
    """Publish (or publish again) the rectification status: a new version, public at once on the inspection's
    public site; the content is a snapshot of the ledger now, without the exempted items."""
    _office_decides(actor, inspection, "公开整改情况")
    if len(intro) > MAX_INTRO:
        raise Invalid(f"公开说明不能超过{MAX_INTRO}字。")
    if not RectificationItem.objects.filter(inspection=inspection).exists():
        raise Invalid("整改台账中还没有整改事项，无法公开整改情况。")
    now = timezone.now()
    content, redactions = build_content(inspection, intro=intro, published_on=timezone.localdate(now))
    if not content["problems"]:
        raise Invalid("全部整改事项都已标为不予公开，没有可以公开的内容。")
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        version = (Publication.objects.filter(inspection=inspection).aggregate(m=Max("version"))["m"] or 0) + 1
        publication = Publication.objects.create(inspection=inspection, version=version, content=content,
                                                 published_by=actor, published_at=now)
        summary = content["summary"]
        audit_record(actor=actor, action="publication.publish", obj=publication, request=request,
                     summary=(f"公开整改情况（第{version}版）：{inspection}，问题{summary['problems']}个、事项{summary['items']}项，"
                              f"不予公开{summary['exempted']}项"),
                     data={"version": version, "redactions": redactions})
    return publication


def publication_docx_export(*, actor: User, publication: Publication, request: HttpRequest | None = None) -> bytes:
    """The published version as .docx (for the party-affairs bulletin), for the office and the team."""
    require(can_read(actor, publication.inspection), False, "")
    content = documents.publication_docx(publication)
    with transaction.atomic():
        audit_record(actor=actor, action="publication.export", obj=publication, request=request,
                     summary=f"导出整改公开（第{publication.version}版）：{publication.inspection}")
    return content
