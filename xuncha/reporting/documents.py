"""The generated .docx files of reporting, in the house style of xuncha.documents: the report (with its
approval trail) and the feedback opinion of each of the two feedback sessions."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from xuncha.documents import cn_date, doc_bytes, doc_paragraph, doc_signature, doc_table, doc_title, new_document, run_font

from .models import Audience, FeedbackMeeting, InspectionReport, ReportState, ReportVersion

HEADING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _body(doc: Any, text: str, *, skip_title: str = "") -> None:
    lines = text.splitlines()
    if lines and lines[0].strip() == skip_title:
        lines = lines[1:]
    for line in lines:
        line = line.strip()
        if not line:
            continue
        p = doc_paragraph(doc)
        run = p.add_run(line)
        if HEADING.match(line):
            run_font(run, "黑体")


def report_version_of(report: InspectionReport) -> ReportVersion:
    """The version a document shows: the approved one once approved, else the latest."""
    if report.approved_version is not None:
        return report.approved_version
    version = report.versions.order_by("-number").first()
    assert version is not None
    return version


def report_docx(report: InspectionReport) -> bytes:
    version = report_version_of(report)
    doc = new_document()
    approved = report.state == ReportState.APPROVED
    doc_title(doc, report.title, "" if approved else f"（送审稿 第{version.number}版）")
    _body(doc, version.text, skip_title=report.title)
    doc_signature(doc, report.inspection.team.name, timezone.localdate(version.created_at))
    heading = doc.add_paragraph()
    run_font(heading.add_run("审批记录"), "黑体")
    rows = [(s.get_step_display(), f"第{s.version.number}版", s.get_decision_display(), s.opinion or "—",
             s.minutes or "—", str(s.by), cn_date(s.meeting_on or timezone.localdate(s.at)))
            for s in report.steps.select_related("version", "by").order_by("at", "id")]
    if rows:
        doc_table(doc, ("环节", "版本", "决定", "意见", "会议纪要", "经办人", "日期"), rows)
    else:
        doc_paragraph(doc, "尚未审核。")
    state = f"本报告第{version.number}版经领导小组审定。" if approved else f"本报告当前状态：{report.get_state_display()}。"
    doc_paragraph(doc, state)
    return doc_bytes(doc)


def feedback_docx(meeting: FeedbackMeeting) -> bytes:
    """The feedback opinion read at one session: the problems of the approved report and the requirements."""
    report, inspection = meeting.report, meeting.inspection
    version = report_version_of(report)
    doc = new_document()
    to = "主要负责人" if meeting.audience == Audience.PRINCIPAL else "领导班子"
    doc_title(doc, f"{inspection.team.name}关于巡察{inspection.target.name}情况向{to}的反馈意见")
    doc_paragraph(doc, f"{inspection.target.name}：")
    doc_paragraph(doc, f"根据{inspection.round.name}的统一部署，{inspection.team.name}对{inspection.target.name}进行了巡察。"
                       f"经领导小组审定，现将巡察发现的主要问题反馈如下。")
    lines = version.text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("二、"))
        end = next((i for i, line in enumerate(lines) if line.startswith("三、")), len(lines))
        problems = "\n".join(lines[start + 1:end])
    except StopIteration:
        problems = "\n".join(f"{f.number}. {f.title}" for f in report.findings.order_by("number"))
    _body(doc, problems)
    principal = "请主要负责人切实履行第一责任人职责，亲自抓、负总责。" if meeting.audience == Audience.PRINCIPAL else ""
    doc_paragraph(doc, f"请{inspection.target.name}认真研究巡察反馈意见，{principal}制定整改方案，"
                       f"按规定时限报送整改情况报告。")
    doc_signature(doc, inspection.team.name, meeting.held_on)
    heading = doc.add_paragraph()
    run_font(heading.add_run("反馈会记录"), "黑体")
    doc_table(doc, ("反馈对象", "日期", "地点", "主持人", "参加人员"),
              [(meeting.get_audience_display(), cn_date(meeting.held_on), meeting.place, meeting.host, meeting.attendees)])
    if meeting.notes:
        doc_paragraph(doc, meeting.notes)
    return doc_bytes(doc)
