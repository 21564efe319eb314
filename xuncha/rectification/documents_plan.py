"""The documents of the plan and the rectification reports, generated from data already in the system
("一次录入，多次调用"): the plan as .docx (the 问题/任务/责任 lists and the review trail), the draft text of the
leadership team's and the principal's reports (from the ledger's progress and evidence), and a report as .docx.

Nothing here reads a report, a reporter, an interviewee or a finding's evidence: only the feedback's problem
titles, the plan's tasks and the ledger items the target itself reported on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db.models import Count

from xuncha.documents import (
    cn_date,
    cn_number,
    doc_bytes,
    doc_centered,
    doc_paragraph,
    doc_signature,
    doc_table,
    doc_title,
    local_date,
    new_document,
    run_font,
)
from xuncha.inspections.models import Inspection

from .models import Feedback, ItemStatus, PlanTask, RectificationItem, RectificationPlan, RectificationReport, ReportKind
from .selectors import OPEN_STATUSES


def _deadline(deadline: dt.date | None, long_term: bool) -> str:
    return "长期坚持" if long_term or deadline is None else cn_date(deadline)


def plan_title(inspection: Inspection) -> str:
    return f"{inspection.target.name}关于{inspection.team.name}巡察反馈意见的整改方案"


def plan_docx(plan: RectificationPlan) -> bytes:
    """整改方案: the overall arrangements, then per problem of the feedback its tasks (任务、措施、责任领导、责任部门、
    完成时限), and the trail of submissions and the office's decisions."""
    inspection = plan.inspection
    doc = new_document()
    doc_title(doc, "整改方案")
    doc_centered(doc, plan_title(inspection))
    if plan.summary:
        heading = doc_paragraph(doc).add_run("一、总体安排")
        run_font(heading, "黑体")
        for line in plan.summary.splitlines():
            if line.strip():
                doc_paragraph(doc, line.strip())
    heading = doc_paragraph(doc).add_run(f"{'二' if plan.summary else '一'}、问题、任务和责任清单")
    run_font(heading, "黑体")
    tasks = list(PlanTask.objects.filter(plan=plan).select_related("finding", "item").order_by("finding__number", "id"))
    rows = [(str(n), f"问题{t.finding.number}：{t.finding.title}", t.task, t.measures, t.responsible_leader, t.responsible_dept,
             _deadline(t.deadline, t.long_term)) for n, t in enumerate(tasks, start=1)]
    doc_table(doc, ("序号", "问题", "整改任务", "整改措施", "责任领导", "责任部门", "完成时限"), rows)
    trail = list(plan.reviews.select_related("by").order_by("at", "id"))
    if trail:
        doc_paragraph(doc)
        heading = doc_paragraph(doc).add_run("报送和审核记录")
        run_font(heading, "黑体")
        doc_table(doc, ("日期", "环节", "经办人", "意见"),
                  [(cn_date(local_date(r.at)), r.get_action_display(), str(r.by), r.opinion) for r in trail])
    doc_signature(doc, inspection.target.name, local_date(plan.submitted_at or plan.updated_at))
    return doc_bytes(doc)


def report_title(inspection: Inspection, kind: str) -> str:
    if kind == ReportKind.PRINCIPAL:
        return f"{inspection.target.name}主要负责人关于组织落实巡察整改情况的报告"
    return f"{inspection.target.name}关于巡察整改情况的报告"


def _figures(items: Sequence[RectificationItem], today: dt.date) -> str:
    counts = Counter(i.status for i in items)
    overdue = sum(1 for i in items if not i.long_term and i.deadline and i.deadline < today and i.status in OPEN_STATUSES)
    return (f"截至{cn_date(today)}，整改台账共{len(items)}项：已销号{counts[ItemStatus.SIGNED_OFF]}项，已完成待销号"
            f"{counts[ItemStatus.DONE]}项，长期坚持{counts[ItemStatus.LONG_TERM]}项，整改中{counts[ItemStatus.IN_PROGRESS]}项，"
            f"未启动{counts[ItemStatus.NOT_STARTED]}项；逾期未完成{overdue}项。")


def report_draft(inspection: Inspection, kind: str, today: dt.date) -> tuple[str, str]:
    """(title, body) of a rectification report's draft, from the feedback, the plan and the ledger: the figures,
    then per problem each item's measures, status, latest progress and number of evidence files. Paragraphs are
    lines; a line starting with a Chinese ordinal is a heading in the .docx."""
    feedback = Feedback.objects.filter(inspection=inspection).first()
    items: list[RectificationItem] = list(RectificationItem.objects.filter(inspection=inspection).select_related("finding")
                                          .annotate(files=Count("reports__files")).order_by("finding__number", "number"))
    plan = RectificationPlan.objects.filter(inspection=inspection).first()
    tasks = {t.item_id: t.task for t in PlanTask.objects.filter(plan=plan, item__isnull=False)} if plan else {}
    problems = feedback.findings.count() if feedback else len({i.finding_id for i in items})
    fed = f"{cn_date(feedback.feedback_on)}，" if feedback else ""
    approved = f"整改方案经巡察办于{cn_date(local_date(plan.decided_at))}批准，" if plan and plan.decided_at and plan.state == "approved" else ""
    lines = [f"{inspection.team.name}：",
             f"{fed}{inspection.team.name}向{inspection.target.name}反馈了巡察发现的{problems}个问题。{approved}"
             f"明确整改事项{len(items)}项，逐项落实责任领导、责任部门和完成时限。现将整改情况报告如下。"]
    sections = []
    if kind == ReportKind.PRINCIPAL:
        sections.append(("履行整改第一责任人职责情况",
                         ["（请填写：主持召开专题会议研究部署整改、审定整改方案、带头领办重点难点问题、督促检查整改进度等情况。）"]))
    sections.append(("整改工作总体情况", [_figures(items, today)]))
    per_problem: list[str] = []
    by_finding: dict[int, list[RectificationItem]] = {}
    for item in items:
        by_finding.setdefault(item.finding.number, []).append(item)
    for n, (number, group) in enumerate(sorted(by_finding.items()), start=1):
        per_problem.append(f"（{cn_number(n)}）问题{number}：{group[0].finding.title}")
        for item in group:
            task = tasks.get(item.pk)
            head = f"整改事项{item.number}" + (f"（{task}）" if task else "")
            progress = " ".join(item.progress.split()) or "尚未报送进展"
            per_problem.append(f"{head}：{' '.join(item.measures.split())} 责任领导：{item.responsible_leader}；责任部门："
                               f"{item.responsible_dept}；完成时限：{_deadline(item.deadline, item.long_term)}；目前状态："
                               f"{item.get_status_display()}。进展情况：{progress}（佐证材料{getattr(item, 'files', 0)}份）")
    sections.append(("各问题整改情况", per_problem or ["整改台账尚无事项。"]))
    open_items = [i.number for i in items if i.status in OPEN_STATUSES]
    next_steps = (f"尚未完成的整改事项{len(open_items)}项（第{'、'.join(str(n) for n in open_items[:20])}项），将按整改台账继续推进，"
                  "完成一项、报送一项、销号一项。" if open_items else "已完成的整改事项将持续巩固，长期坚持的事项按期报送进展。")
    sections.append(("存在的不足和下一步工作打算", [next_steps, "（请补充存在的不足和下一步工作打算。）"]))
    for n, (heading, paragraphs) in enumerate(sections, start=1):
        lines.append(f"{cn_number(n)}、{heading}")
        lines += paragraphs
    return report_title(inspection, kind), "\n".join(lines)


def report_docx(report: RectificationReport) -> bytes:
    """整改报告: its title and body as edited, the trail of submissions and reviews, the target as signer."""
    inspection = report.inspection
    doc = new_document()
    doc_title(doc, report.title)
    lines = [line.strip() for line in report.body.splitlines() if line.strip()]
    for n, line in enumerate(lines):
        if n == 0 and line.endswith("："):
            doc.add_paragraph(line)
            continue
        run = doc_paragraph(doc).add_run(line)
        if any(line.startswith(f"{cn_number(k)}、") for k in range(1, 11)):
            run_font(run, "黑体")
        elif line.startswith("（") and "）问题" in line[:8]:
            run_font(run, "楷体")
    doc_signature(doc, inspection.target.name, local_date(report.submitted_at or report.updated_at))
    trail = list(report.reviews.select_related("by").order_by("at", "id"))
    if trail:
        heading = doc_paragraph(doc).add_run("报送和审核记录")
        run_font(heading, "黑体")
        doc_table(doc, ("日期", "环节", "经办人", "意见"),
                  [(cn_date(local_date(r.at)), r.get_action_display(), str(r.by), r.opinion) for r in trail])
    return doc_bytes(doc)
