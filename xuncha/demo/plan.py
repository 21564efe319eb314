"""Demo of the rectification plan and reports (docs/architecture.md §6 "整改方案与整改报告"), after the feedback
(`load_demo_rectification`, adapted by the report demo): seed 001's target writes its plan, the office returns it
once and approves it, and the approval becomes the ledger; the liaison reports progress (one item signed off, one
returned, one long-term, one under way, one never started and overdue) and submits the leadership team's
rectification report drafted from the ledger. The principal's report is not written yet (the to-do and the
reminders show it due).

All through the services, as the demo users would; the 2024 work is moved back to its dates with `.update()`
(the audit log keeps the moment of loading).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_get
from xuncha.notify.models import Notification
from xuncha.rectification.models import (
    Evidence,
    Feedback,
    ItemStatus,
    PlanState,
    ProgressReport,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
    RectificationReview,
    ReportKind,
)
from xuncha.rectification.services import (
    TaskData,
    item_return,
    item_sign_off,
    plan_decide,
    plan_save,
    plan_submit,
    progress_report,
    rectification_report_generate,
    rectification_report_submit,
    rectification_report_update,
    reminders_send,
)
from xuncha.rectification.services.reminders import PLAN_REMINDER_KEY

from .rectification import _pdf, _when
from .reports import SEED_001_TEAM

PLAN_SUMMARY = ("成立由党委书记任组长、校长任副组长的巡察整改工作领导小组，领导小组办公室设在党政办公室；"
                "党委常委会每月听取一次整改进展汇报，纪委办公室对整改落实情况进行监督检查。")


@dataclass
class DemoPlan:
    plan: RectificationPlan | None
    items: int
    report: RectificationReport | None

    def summary(self) -> str:
        if self.plan is None:
            return "未加载整改方案（没有已反馈的巡察任务）。"
        report = f"，{self.report.get_kind_display()}{self.report.get_state_display()}" if self.report else ""
        return f"整改方案：{self.plan.get_state_display()}，生成整改事项 {self.items} 项{report}。"


def _tasks(findings: list[int], today: dt.date) -> list[TaskData]:
    bid, audit = findings
    return [
        TaskData(bid, "开展基建工程招投标专项检查", "对近三年基建工程招投标项目开展专项检查，对存在围标串标迹象的项目逐一核查，"
                 "发现问题线索按规定移送纪检监察机构。", "副校长黎某", "基建处、纪委办公室", deadline=dt.date(2024, 10, 18)),
        TaskData(bid, "健全招投标管理制度", "修订《基建工程招标管理办法》，建立投标单位关联关系审查和招标文件集体审核制度，"
                 "实行招标、履约、验收分离。", "副校长黎某", "基建处、国有资产管理处", deadline=today + dt.timedelta(days=45)),
        TaskData(bid, "加强重点岗位廉洁教育", "加强基建、采购等重点岗位人员廉洁教育，每年开展一次警示教育，落实重点岗位人员"
                 "定期轮岗交流。", "党委副书记韦某", "纪委办公室、组织人事部", long_term=True),
        TaskData(audit, "盘活闲置实训设备", "对使用专项资金采购的实训设备进行全面清查，建立台账，对闲置设备制定调剂、盘活方案。",
                 "副校长蒙某", "国有资产管理处、教务处", deadline=dt.date(2024, 12, 31)),
        TaskData(audit, "落实审计整改", "落实公务用车使用登记制度，完善合同审核签订流程，杜绝先施工后签订合同。",
                 "副校长蒙某", "党政办公室、财务处", deadline=calendar_get().add_working_days_after(today, 2)),
    ]


def _seed001(inspection: Inspection, users: dict[str, User], today: dt.date) -> DemoPlan:
    liaison, office = users["liaison"], users["office"]
    feedback = Feedback.objects.get(inspection=inspection)
    findings = list(feedback.findings.order_by("number").values_list("pk", flat=True))
    tasks = _tasks(findings, today)
    # The first version leaves the last task without a clear deadline: the office returns it.
    first = [*tasks[:4], TaskData(findings[1], tasks[4].task, tasks[4].measures, tasks[4].responsible_leader,
                                  tasks[4].responsible_dept, long_term=True)]
    plan_save(actor=liaison, inspection=inspection, summary=PLAN_SUMMARY, tasks=first)
    plan = plan_submit(actor=liaison, inspection=inspection)
    plan = plan_decide(actor=office, plan=plan, approve=False, opinion=(
        "公务用车登记和合同审核属于可以立即整改的问题，不应列为长期坚持，请明确完成时限后重新报送。"))
    plan_save(actor=liaison, inspection=inspection, tasks=tasks)
    plan = plan_submit(actor=liaison, inspection=inspection)
    plan = plan_decide(actor=office, plan=plan, approve=True, opinion="整改任务明确，措施具体，同意。")
    items = list(RectificationItem.objects.filter(plan_task__plan=plan).order_by("number"))
    done, in_progress, long_term, _not_started, returned = items  # the fourth is never started: overdue

    signed = progress_report(actor=liaison, item=done, status=ItemStatus.DONE, text=(
        "已完成对2021年以来12个基建工程招投标项目的专项检查，对学生宿舍改造工程等2个项目的问题线索已移送纪检监察机构，"
        "检查报告经校长办公会审议。"), files=[_pdf("基建工程招投标专项检查报告.pdf", "基建工程招投标专项检查报告（摘要）", [
            "检查范围：2021年以来基建工程招投标项目12个。",
            "发现问题：投标报价异常接近、投标文件雷同等情形2项。",
            "处理情况：相关问题线索已按规定移送纪检监察机构。",
            "", "基建处、纪委办公室（章）",
        ])])
    item_sign_off(actor=office, item=done)
    progress_report(actor=liaison, item=in_progress, status=ItemStatus.IN_PROGRESS, text=(
        "《基建工程招标管理办法（修订稿）》已完成起草并征求各部门意见，待提交校长办公会、党委会审议。"))
    lasting = progress_report(actor=liaison, item=long_term, status=ItemStatus.LONG_TERM, text=(
        "2024年10月已组织基建、采购、财务等重点岗位人员警示教育大会，制定重点岗位人员定期轮岗交流办法，作为长期工作持续推进。"))
    progress_report(actor=liaison, item=returned, status=ItemStatus.DONE, text="已印发《公务用车使用管理规定》和《合同管理办法》。",
                    files=[_pdf("公务用车使用管理规定.pdf", "公务用车使用管理规定", [
                        "第一条 公务用车实行统一管理、派车审批和使用登记制度。",
                        "第二条 每次用车须登记用车事由、时间、里程和驾驶人员。",
                    ])])
    item_return(actor=office, item=returned, reason=(
        "仅报送了制度文本，未见车辆使用登记台账、合同审核记录等落实情况的佐证材料，请补充后重新报送。"))

    # The leadership team's report, drafted from the ledger and completed by the liaison.
    report = rectification_report_generate(actor=liaison, inspection_id=inspection.pk, kind=ReportKind.LEADERSHIP)
    body = report.body.replace("（请补充存在的不足和下一步工作打算。）", (
        "一是制度建设还需加快，招标管理办法修订稿尚未审议通过；二是审计整改的落实情况佐证不够充分。下一步，学校党委将"
        "每月听取整改进展，对未完成事项挂牌督办，确保按期完成。"))
    report = rectification_report_update(actor=liaison, report=report, title=report.title, body=body)
    report = rectification_report_submit(actor=liaison, report=report)

    # The 2024 work, moved back to the days it was done.
    reviews = list(plan.reviews.order_by("at", "id"))
    for review, day in zip(reviews, (dt.date(2024, 9, 10), dt.date(2024, 9, 12), dt.date(2024, 9, 18), dt.date(2024, 9, 20)),
                           strict=True):
        RectificationReview.objects.filter(pk=review.pk).update(at=_when(day, "10:00"))
    RectificationPlan.objects.filter(pk=plan.pk).update(created_at=_when(dt.date(2024, 9, 2), "09:00"),
                                                        submitted_at=_when(dt.date(2024, 9, 18), "10:00"),
                                                        decided_at=_when(dt.date(2024, 9, 20), "10:00"))
    RectificationItem.objects.filter(pk__in=[i.pk for i in items]).update(created_at=_when(dt.date(2024, 9, 20), "10:00"))
    ProgressReport.objects.filter(pk=signed.pk).update(at=_when(dt.date(2024, 10, 16), "09:30"))
    Evidence.objects.filter(progress=signed).update(uploaded_at=_when(dt.date(2024, 10, 16), "09:30"))
    RectificationItem.objects.filter(pk=done.pk).update(signed_off_at=_when(dt.date(2024, 10, 21), "14:00"))
    ProgressReport.objects.filter(pk=lasting.pk).update(at=_when(dt.date(2024, 10, 15), "11:00"))
    RectificationReport.objects.filter(pk=report.pk).update(created_at=_when(dt.date(2024, 10, 14), "09:00"),
                                                            submitted_at=_when(dt.date(2024, 10, 18), "16:00"))
    RectificationReview.objects.filter(report=report).update(at=_when(dt.date(2024, 10, 18), "16:00"))
    plan.refresh_from_db()
    report.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    return DemoPlan(plan=plan, items=len(items), report=report)


def load_demo_plan(inspections: Iterable[Inspection], today: dt.date | None = None) -> DemoPlan:
    """Seed 001's plan, the ledger it became and its leadership team's report (from `load_demo`, after
    `load_demo_rectification`), then the reminders again (the ledger and the plan's due dates are new)."""
    today = today or timezone.localdate()
    seed001 = next((i for i in inspections if i.team.name == SEED_001_TEAM), None)
    if seed001 is None or not Feedback.objects.filter(inspection=seed001).exists():
        return DemoPlan(plan=None, items=0, report=None)
    users = {u.username: u for u in User.objects.filter(username__in=["liaison", "office"])}
    with transaction.atomic():
        result = _seed001(seed001, users, today)
        # Today's reminder of the loading run before this (the plan then still due) no longer holds: send it afresh.
        Notification.objects.filter(key=f"{PLAN_REMINDER_KEY}:{seed001.pk}:{today.isoformat()}").delete()
        reminders_send(today=today)
    return result
