"""Writes of findings (问题底稿): a team member or leader writes one (facts, the rule broken, evidence:
linked reports of the same inspection, attachments of those reports, interview notes, and cited evidence
of any registered kind — services.evidence; focus and disciplines), submits it (承办人, with an opinion),
a deputy leader reviews it when the inspection has that step (副组长), and the team leader approves it
(组长); any step may return it with an opinion. A draft needs only its title and facts; the rule broken
and the focus are required when it is submitted.

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
from xuncha.errors import Invalid, NotAllowed
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Attachment, Report

from ..access import team_work_get
from ..models import Finding, FindingReview
from .common import leader_check, next_number
from .evidence import Cite, cites_checked, deputy_step_on, evidence_write, is_deputy

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
    evidence: Sequence[Cite] | None = None  # None: the evidence list stays as it is
    draft: bool = False  # a draft needs only its title and facts (the API); the rest is checked on submit


def _check_finding(inspection: Inspection, data: FindingData) -> None:
    problems = []
    required = (("title", "问题"), ("facts", "事实")) if data.draft else (("title", "问题"), ("facts", "事实"), ("rule_broken", "违反的规定"))
    for name, label in required:
        if not getattr(data, name).strip():
            problems.append(f"请填写{label}。")
    if len(data.title.strip()) > 200:
        problems.append("问题不超过 200 字。")
    if data.focus not in FOCUS_LABELS and not (data.draft and not data.focus):
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
    out: dict[str, Any] = {"reports": sorted(r.pk for r in data.reports), "attachments": sorted(a.pk for a in data.attachments)}
    if data.evidence is not None:
        out["evidence"] = [[c.kind, c.object_id, c.page] for c in data.evidence]
    return out


def _cites(actor: User, inspection: Inspection, data: FindingData) -> list[Cite] | None:
    return None if data.evidence is None else cites_checked(actor=actor, inspection=inspection, cites=data.evidence)


def finding_create(*, actor: User, inspection: Inspection, data: FindingData, request: HttpRequest | None = None) -> Finding:
    team_work_get(user=actor, pk=inspection.pk)  # NotFound unless the actor's team holds it
    _check_finding(inspection, data)
    cites = _cites(actor, inspection, data)
    with transaction.atomic():
        finding = Finding(inspection=inspection, created_by=actor)
        _apply(finding, data)
        finding.number = next_number(Finding, inspection)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        if cites:
            evidence_write(finding, cites, actor, replace=True)
        audit_record(actor=actor, action="finding.create", obj=finding, request=request,
                     summary=f"起草问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_update(*, actor: User, finding: Finding, data: FindingData, request: HttpRequest | None = None) -> Finding:
    inspection = team_work_get(user=actor, pk=finding.inspection_id)
    _check_finding(inspection, data)
    cites = _cites(actor, inspection, data)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不能修改。")
        _apply(finding, data)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        if cites is not None:
            evidence_write(finding, cites, actor, replace=True)
        audit_record(actor=actor, action="finding.update", obj=finding, request=request,
                     summary=f"修改问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_submit(*, actor: User, finding: Finding, opinion: str = "", request: HttpRequest | None = None) -> Finding:
    """承办人 submits (with an opinion): to the deputy leader when the inspection has that step, else to the leader."""
    inspection = team_work_get(user=actor, pk=finding.inspection_id)
    opinion = opinion.strip()
    if len(opinion) > 500:
        raise Invalid("意见不超过 500 字。")
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不能提交。")
        missing = [label for value, label in ((finding.rule_broken, "违反的规定"), (finding.focus, "聚焦领域")) if not value.strip()]
        if missing:
            raise Invalid(f"提交前请补充{'、'.join(missing)}。")
        deputy = deputy_step_on(inspection)
        finding.state = Finding.State.DEPUTY if deputy else Finding.State.SUBMITTED
        finding.save(update_fields=["state"])
        FindingReview.objects.create(finding=finding, step=FindingReview.Step.HANDLER, decision=FindingReview.Decision.SUBMIT,
                                     opinion=opinion, by=actor)
        audit_record(actor=actor, action="finding.submit", obj=finding, request=request,
                     summary=f"提交问题底稿：问题{finding.number}，待{'副组长审核' if deputy else '组长审定'}")
    return finding


def finding_decide(*, actor: User, finding: Finding, approve: bool, note: str = "",
                   request: HttpRequest | None = None) -> Finding:
    """The deputy leader (step 副组长) or the team leader (step 组长) approves the finding or returns it with an opinion."""
    inspection = team_work_get(user=actor, pk=finding.inspection_id)
    leader_check(actor, inspection, "审定问题底稿")
    note = note.strip()
    if not approve and not note:
        raise Invalid("退回时请写明意见。")
    if len(note) > 500:
        raise Invalid("意见不超过 500 字。")
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state == Finding.State.DEPUTY:
            step = FindingReview.Step.DEPUTY
        elif finding.state == Finding.State.SUBMITTED:
            step = FindingReview.Step.LEADER
            if is_deputy(actor, inspection):
                raise NotAllowed("副组长已审核，请由组长审定。")
        else:
            raise Invalid(f"问题底稿{finding.get_state_display()}，不在待审定状态。")
        if not approve:
            finding.state, finding.return_note = Finding.State.RETURNED, note[:300]
        elif step == FindingReview.Step.DEPUTY:
            finding.state, finding.return_note = Finding.State.SUBMITTED, ""
        else:
            finding.state, finding.approved_by, finding.approved_at, finding.return_note = (
                Finding.State.APPROVED, actor, timezone.now(), "")
        finding.save()
        FindingReview.objects.create(finding=finding, step=step, by=actor, opinion=note,
                                     decision=FindingReview.Decision.APPROVE if approve else FindingReview.Decision.RETURN)
        what = ("审核同意" if step == FindingReview.Step.DEPUTY else "审定") if approve else "退回"
        action = "finding.return" if not approve else ("finding.review" if step == FindingReview.Step.DEPUTY else "finding.approve")
        audit_record(actor=actor, action=action, obj=finding, request=request,
                     summary=f"{what}问题底稿：问题{finding.number}" + (f"，意见：{note[:200]}" if note else ""))
    return finding
