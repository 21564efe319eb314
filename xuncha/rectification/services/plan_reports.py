"""Writes of the rectification reports (整改报告), docs/architecture.md §6 "整改方案与整改报告": the leadership team's
report and the principal's report on organising the rectification, due FEEDBACK_REPORT_MONTHS after the feedback.
The liaison generates a draft from the ledger (progress and evidence), edits and submits it; the office returns
it with an opinion or accepts it. Also the audited downloads of the plan and the reports (.docx).

Every function is keyword-only, checks its actor through xuncha.access (rectification.access), and writes its
audit event in its own transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection

from ..access import can_read_ledger, can_review_plan, is_liaison_of, is_staff
from ..documents_plan import plan_docx, report_docx, report_draft
from ..models import (
    Feedback,
    PlanState,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
    RectificationReview,
    ReportKind,
    ReportState,
)
from . import plan_events
from .common import lock_inspection
from .plan import readable_inspection

EDITABLE_REPORT = (ReportState.DRAFT, ReportState.RETURNED)
MAX_BODY = 50_000


def _liaison_report_inspection(actor: User, inspection_id: int, kind: str) -> Inspection:
    if kind not in ReportKind.values:
        raise NotFound
    inspection = readable_inspection(actor, inspection_id)
    if not is_liaison_of(actor, inspection):
        raise NotAllowed("只有被巡察单位的整改联络员可以起草和报送整改报告。")
    if not Feedback.objects.filter(inspection=inspection).exists():
        raise Conflict("巡察组尚未反馈，反馈后才能报送整改报告。")
    if not RectificationItem.objects.filter(inspection=inspection).exists():
        raise Conflict("整改台账尚无事项：请先报送整改方案，经巡察办批准后生成整改台账。")
    return inspection


def rectification_report_generate(*, actor: User, inspection_id: int, kind: str,
                                  request: HttpRequest | None = None) -> RectificationReport:
    """The liaison generates the draft of a report from the ledger as it stands (a new report, or the text of a
    draft or returned one generated again)."""
    inspection = _liaison_report_inspection(actor, inspection_id, kind)
    title, body = report_draft(inspection, kind, timezone.localdate())
    with transaction.atomic():
        lock_inspection(inspection.pk)
        report = RectificationReport.objects.filter(inspection=inspection, kind=kind).first()
        if report is None:
            report = RectificationReport.objects.create(inspection=inspection, kind=kind, title=title, body=body, created_by=actor)
        elif report.state not in EDITABLE_REPORT:
            raise Conflict(f"{report.get_kind_display()}{report.get_state_display()}，不能重新生成。")
        else:
            report.title, report.body = title, body
            report.save(update_fields=["title", "body", "updated_at"])
        audit_record(actor=actor, action="rectification_report.generate", obj=report, request=request,
                     summary=f"由整改台账生成{report.get_kind_display()}草稿（{inspection.target.name}）",
                     data={"inspection": inspection.pk, "kind": kind})
    return report


def _own_report(actor: User, report: RectificationReport) -> RectificationReport:
    found = RectificationReport.objects.select_related("inspection__target", "inspection__team").filter(pk=report.pk).first()
    if found is None or not can_read_ledger(actor, found.inspection):
        raise NotFound
    if not is_liaison_of(actor, found.inspection):
        raise NotAllowed("只有被巡察单位的整改联络员可以修改和报送整改报告。")
    return found


def rectification_report_update(*, actor: User, report: RectificationReport, title: str, body: str,
                                request: HttpRequest | None = None) -> RectificationReport:
    """The liaison edits the title and text of a draft (or returned) report."""
    report = _own_report(actor, report)
    title, body = title.strip(), body.strip()
    problems = []
    if not title or len(title) > 200:
        problems.append("标题不能超过200字。" if title else "请填写标题。")
    if not body or len(body) > MAX_BODY:
        problems.append(f"正文不能超过{MAX_BODY}字。" if body else "请填写正文。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        report = RectificationReport.objects.select_for_update().get(pk=report.pk)
        if report.state not in EDITABLE_REPORT:
            raise Conflict(f"{report.get_kind_display()}{report.get_state_display()}，不能修改。")
        if (report.title, report.body) == (title, body):
            return report
        report.title, report.body = title, body
        report.save(update_fields=["title", "body", "updated_at"])
        audit_record(actor=actor, action="rectification_report.update", obj=report, request=request,
                     summary=f"修改{report.get_kind_display()}（{report.inspection.target.name}）",
                     data={"inspection": report.inspection_id, "kind": report.kind, "chars": len(body)})
    return report


def rectification_report_submit(*, actor: User, report: RectificationReport,
                                request: HttpRequest | None = None) -> RectificationReport:
    """The liaison submits a report to the office."""
    report = _own_report(actor, report)
    with transaction.atomic():
        report = RectificationReport.objects.select_for_update().get(pk=report.pk)
        if report.state not in EDITABLE_REPORT:
            raise Conflict(f"{report.get_kind_display()}{report.get_state_display()}，不能再次报送。")
        if "（请填写" in report.body or "（请补充" in report.body:
            raise Invalid("正文中还有“请填写”“请补充”的提示，请补充相应内容后再报送。")
        report.state, report.submitted_at, report.submissions = ReportState.SUBMITTED, timezone.now(), report.submissions + 1
        report.save(update_fields=["state", "submitted_at", "submissions", "updated_at"])
        RectificationReview.objects.create(report=report, action=RectificationReview.Action.SUBMIT, by=actor)
        audit_record(actor=actor, action="rectification_report.submit", obj=report, request=request,
                     summary=f"报送{report.get_kind_display()}（{report.inspection.target.name}，第{report.submissions}次）",
                     data={"inspection": report.inspection_id, "kind": report.kind, "submissions": report.submissions})
        plan_events.report_submitted(report.inspection, report)
    return report


def rectification_report_decide(*, actor: User, report: RectificationReport, accept: bool, opinion: str = "",
                                request: HttpRequest | None = None) -> RectificationReport:
    """The office accepts a submitted report, or returns it with an opinion."""
    inspection = readable_inspection(actor, report.inspection_id)
    if not can_review_plan(actor, inspection):
        raise NotAllowed("只有巡察办可以审核整改报告。")
    opinion = opinion.strip()
    if not accept and not opinion:
        raise Invalid("退回时请写明审核意见。")
    if len(opinion) > 500:
        raise Invalid("审核意见不能超过500字。")
    with transaction.atomic():
        report = RectificationReport.objects.select_for_update().get(pk=report.pk)
        if report.state != ReportState.SUBMITTED:
            raise Conflict(f"{report.get_kind_display()}{report.get_state_display()}，没有待审核的报告。")
        report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
        report.decided_by, report.decided_at, report.opinion = actor, timezone.now(), opinion
        report.save(update_fields=["state", "decided_by", "decided_at", "opinion", "updated_at"])
        action = RectificationReview.Action.APPROVE if accept else RectificationReview.Action.RETURN
        RectificationReview.objects.create(report=report, action=action, opinion=opinion, by=actor)
        audit_record(actor=actor, action="rectification_report.accept" if accept else "rectification_report.return", obj=report,
                     request=request, summary=f"{'审核通过' if accept else '退回'}{report.get_kind_display()}（{inspection.target.name}）"
                                              + (f"，意见：{opinion[:200]}" if opinion else ""),
                     data={"inspection": inspection.pk, "kind": report.kind})
        plan_events.report_decided(inspection, report)
    return report


# --- audited downloads -------------------------------------------------------------------------------------

def _may_read(actor: User, inspection_id: int, state: str) -> None:
    """The liaison always; the office and the team once submitted (a draft is the target's own)."""
    inspection = readable_inspection(actor, inspection_id)
    if not (is_liaison_of(actor, inspection) or (is_staff(actor, inspection) and state != PlanState.DRAFT)):
        raise NotFound


def plan_docx_export(*, actor: User, plan: RectificationPlan, request: HttpRequest | None = None) -> bytes:
    _may_read(actor, plan.inspection_id, plan.state)
    content = plan_docx(plan)
    with transaction.atomic():
        audit_record(actor=actor, action="rectification_plan.export", obj=plan, request=request,
                     summary=f"下载整改方案（{plan.inspection.target.name}）", data={"inspection": plan.inspection_id})
    return content


def rectification_report_docx_export(*, actor: User, report: RectificationReport, request: HttpRequest | None = None) -> bytes:
    _may_read(actor, report.inspection_id, report.state)
    content = report_docx(report)
    with transaction.atomic():
        audit_record(actor=actor, action="rectification_report.export", obj=report, request=request,
                     summary=f"下载{report.get_kind_display()}（{report.inspection.target.name}）",
                     data={"inspection": report.inspection_id, "kind": report.kind})
    return content
