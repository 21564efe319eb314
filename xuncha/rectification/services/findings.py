"""Writes of findings (问题底稿): a team member or leader writes one (facts, the rule broken, evidence:
linked reports of the same inspection, attachments of those reports, interview notes; focus and
disciplines), submits it, and the team leader approves it or returns it with a note.

Every function is keyword-only, checks its actor, and writes its audit event in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINES, FOCUS_LABELS
from xuncha.errors import Invalid
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Attachment, Report

from ..access import team_inspection_get
from ..models import Finding
from .common import leader_check, next_number

EDITABLE_FINDING = (Finding.State.DRAFT, Finding.State.RETURNED)


@dataclass
class FindingData:
    """What the team writes of a finding; reports and attachments are the evidence."""

    title: str
    facts: str
    rule_broken: str
    focus: str
    disciplines: list[str] = field(default_factory=list)
    reports: Sequence[Report] = ()
    attachments: Sequence[Attachment] = ()
    interview_notes: str = ""


def _check_finding(inspection: Inspection, data: FindingData) -> None:
    problems = []
    for name, label in (("title", "问题"), ("facts", "事实"), ("rule_broken", "违反的规定")):
        if not getattr(data, name).strip():
            problems.append(f"请填写{label}。")
    if len(data.title.strip()) > 200:
        problems.append("问题不超过 200 字。")
    if data.focus not in FOCUS_LABELS:
        problems.append("请选择聚焦领域。")
    if any(d not in DISCIPLINES for d in data.disciplines):
        problems.append("违反纪律的选项无效。")
    foreign = [r.reference for r in data.reports if r.inspection_id != inspection.pk]
    if foreign:
        problems.append(f"信访件 {'、'.join(foreign)} 不属于本巡察任务。")
    report_ids = {r.pk for r in data.reports}
    stray = [a.original_name for a in data.attachments if a.report_id not in report_ids]
    if stray:
        problems.append(f"附件“{'、'.join(stray)}”不属于所关联的信访件。")
    if problems:
        raise Invalid(problems)


def _apply(finding: Finding, data: FindingData) -> None:
    finding.title, finding.facts, finding.rule_broken = data.title.strip(), data.facts.strip(), data.rule_broken.strip()
    finding.focus = data.focus
    finding.disciplines = [d for d in DISCIPLINES if d in set(data.disciplines)]
    finding.interview_notes = data.interview_notes.strip()


def _evidence_data(data: FindingData) -> dict[str, Any]:
    return {"reports": sorted(r.pk for r in data.reports), "attachments": sorted(a.pk for a in data.attachments)}


def finding_create(*, actor: User, inspection: Inspection, data: FindingData, request: HttpRequest | None = None) -> Finding:
    team_inspection_get(user=actor, pk=inspection.pk)  # NotFound unless the actor's team holds it
    _check_finding(inspection, data)
    with transaction.atomic():
        finding = Finding(inspection=inspection, created_by=actor)
        _apply(finding, data)
        finding.number = next_number(Finding, inspection)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        audit_record(actor=actor, action="finding.create", obj=finding, request=request,
                     summary=f"起草问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_update(*, actor: User, finding: Finding, data: FindingData, request: HttpRequest | None = None) -> Finding:
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    _check_finding(inspection, data)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不能修改。")
        _apply(finding, data)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        audit_record(actor=actor, action="finding.update", obj=finding, request=request,
                     summary=f"修改问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_submit(*, actor: User, finding: Finding, request: HttpRequest | None = None) -> Finding:
    team_inspection_get(user=actor, pk=finding.inspection_id)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不能提交。")
        finding.state = Finding.State.SUBMITTED
        finding.save(update_fields=["state"])
        audit_record(actor=actor, action="finding.submit", obj=finding, request=request,
                     summary=f"提交问题底稿：问题{finding.number}，待组长审定")
    return finding


def finding_decide(*, actor: User, finding: Finding, approve: bool, note: str = "",
                   request: HttpRequest | None = None) -> Finding:
    """The team leader approves a submitted finding, or returns it with a note."""
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    leader_check(actor, inspection, "审定问题底稿")
    note = note.strip()
    if not approve and not note:
        raise Invalid("退回时请写明意见。")
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state != Finding.State.SUBMITTED:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不在待审定状态。")
        if approve:
            finding.state, finding.approved_by, finding.approved_at, finding.return_note = (
                Finding.State.APPROVED, actor, timezone.now(), "")
        else:
            finding.state, finding.return_note = Finding.State.RETURNED, note[:300]
        finding.save()
        audit_record(actor=actor, action="finding.approve" if approve else "finding.return", obj=finding, request=request,
                     summary=f"{'审定' if approve else '退回'}问题底稿：问题{finding.number}" + (f"，意见：{note[:200]}" if note else ""))
    return finding
