"""Notifications of the plan and the rectification reports (xuncha.notify), called by the services inside their
transaction: a submission tells the office that reviews it; a return or an approval tells the target's liaisons
(and an approved plan the team's leaders: their ledger has new items). Numbers and links only."""

from __future__ import annotations

from django.urls import reverse

from xuncha.access.recipients import liaisons_to_tell, office_to_tell, team_to_tell
from xuncha.inspections.models import Inspection
from xuncha.notify.services import notify

from ..models import PlanState, RectificationPlan, RectificationReport, ReportState


def plan_submitted(inspection: Inspection, plan: RectificationPlan) -> None:
    notify(users=office_to_tell(inspection), key=f"plan-submitted:{plan.pk}:{plan.submissions}",
           text=f"【整改方案】巡察任务（编号{inspection.pk}）的整改方案已报送（第{plan.submissions}次），请审核。",
           url=reverse("rectification:plan", args=[inspection.pk]))


def plan_decided(inspection: Inspection, plan: RectificationPlan, items: int) -> None:
    approved = plan.state == PlanState.APPROVED
    text = (f"【整改方案】巡察任务（编号{inspection.pk}）的整改方案已经巡察办批准，生成整改事项{items}项，请按台账报送进展。"
            if approved else f"【整改方案】巡察任务（编号{inspection.pk}）的整改方案被退回，请查看审核意见后修改并重新报送。")
    key = f"plan-decided:{plan.pk}:{plan.submissions}"
    notify(users=liaisons_to_tell(inspection), key=key, text=text, url=reverse("liaison:plan", args=[inspection.pk]))
    if approved:
        notify(users=team_to_tell(inspection, leaders_only=True), key=key, text=text,
               url=reverse("rectification:ledger", args=[inspection.pk]))


def report_submitted(inspection: Inspection, report: RectificationReport) -> None:
    notify(users=office_to_tell(inspection), key=f"rreport-submitted:{report.pk}:{report.submissions}",
           text=f"【整改报告】巡察任务（编号{inspection.pk}）的{report.get_kind_display()}已报送（第{report.submissions}次），请审核。",
           url=reverse("rectification:rectification_reports", args=[inspection.pk]))


def report_decided(inspection: Inspection, report: RectificationReport) -> None:
    verb = "已审核通过" if report.state == ReportState.ACCEPTED else "被退回，请查看审核意见后修改并重新报送"
    notify(users=liaisons_to_tell(inspection), key=f"rreport-decided:{report.pk}:{report.submissions}",
           text=f"【整改报告】巡察任务（编号{inspection.pk}）的{report.get_kind_display()}{verb}。",
           url=reverse("liaison:rectification_report", args=[inspection.pk, report.kind]))
