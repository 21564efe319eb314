"""Writes of leads (待核实问题): created from any fieldwork record, closed with a reason. Merging a lead
into a finding is rectification's (it sits above fieldwork)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS, classify, proposed_codes
from xuncha.errors import Conflict, Invalid, NotFound
from xuncha.inspections.models import Inspection

from .models import Lead


def _check(actor: User, inspection: Inspection) -> None:
    if not allows(actor, Kind.FIELDWORK, Purpose.WORK, inspection):
        raise NotFound


def lead_suggestion(text: str) -> dict[str, list[str]]:
    """The classifier's proposal for a matter (xuncha.core.classify): {"disciplines": [...], "focuses": [...]}."""
    result = classify(text)
    return {"disciplines": proposed_codes(result, "disciplines"), "focuses": proposed_codes(result, "focuses")}


def lead_create_locked(*, actor: User, inspection: Inspection, source: str, source_id: int | None, text: str,
                       disciplines: list[str], focus: str = "") -> Lead:
    """A new lead, numbered within the inspection; runs inside the caller's transaction (which audits).
    Its actor must be able to do the inspection's fieldwork."""
    _check(actor, inspection)
    if not text.strip():
        raise Invalid("待核实问题没有内容。")
    if any(d not in DISCIPLINE_LABELS for d in disciplines) or (focus and focus not in FOCUS_LABELS):
        raise Invalid("纪律类别或聚焦领域无效。")
    Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
    number = (Lead.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
    return Lead.objects.create(inspection=inspection, number=number, source=source, source_id=source_id, text=text.strip(),
                               disciplines=list(disciplines), focus=focus, created_by=actor)


def lead_create(*, actor: User, inspection: Inspection, source: str, source_id: int | None, text: str,
                disciplines: list[str], focus: str = "", request: HttpRequest | None = None) -> Lead:
    if source not in Lead.Source.values:
        raise Invalid("来源无效。")
    with transaction.atomic():
        lead = lead_create_locked(actor=actor, inspection=inspection, source=source, source_id=source_id, text=text,
                                  disciplines=disciplines, focus=focus)
        audit_record(actor=actor, action="lead.create", obj=lead, request=request, summary=f"{inspection} 新增待核实问题 {lead}")
    return lead


def lead_close(*, actor: User, lead: Lead, reason: str, request: HttpRequest | None = None) -> Lead:
    """Close a lead that will not become a finding (not confirmed, outside the scope), with the reason."""
    _check(actor, lead.inspection)
    if lead.state != Lead.State.OPEN:
        raise Conflict("该问题已经并入问题底稿或已了结。")
    if len(reason.strip()) < 2:
        raise Invalid("请写明了结的理由。")
    with transaction.atomic():
        lead.state, lead.close_reason = Lead.State.CLOSED, reason.strip()[:300]
        lead.save(update_fields=["state", "close_reason"])
        audit_record(actor=actor, action="lead.close", obj=lead, request=request, summary=f"{lead} 了结：{reason.strip()[:200]}")
    return lead
