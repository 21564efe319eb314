"""Services of reporting: the generated draft, versions and differences, the review chain with its checks,
the frozen approved version, the .docx with its trail, the feedback sessions recording the feedback, and the
archive's documents. No sealed identity reaches a report or a document."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from docx import Document

from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Feedback, Finding
from xuncha.reporting import services
from xuncha.reporting.archive import archive_files
from xuncha.reporting.draft import SUGGESTIONS
from xuncha.reporting.models import InspectionReport, ReportKind, ReportState, ReviewStep
from xuncha.reporting.selectors import version_diff

from .conftest import REPORTER, REPORTER_PHONE, user, walk_to_approval

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def decide(report: InspectionReport, actor: str, step: str, decision: str = "approve", **extra: Any) -> InspectionReport:
    return services.report_decide(actor=user(actor), report=report, data=services.DecisionData(step=step, decision=decision, **extra))


def test_the_draft_is_generated_from_approved_findings_and_figures(report: InspectionReport, findings: list[Finding]) -> None:
    version = report.versions.get()
    assert report.title == f"关于巡察{report.inspection.target.name}的情况报告"
    assert version.number == 1 and version.figures["reports"] >= 1
    text = version.text
    assert "一、巡察工作开展情况" in text and "二、发现的主要问题" in text and "三、意见建议" in text
    # grouped by focus, in the order of the four focuses; the draft finding is not there
    assert text.index("（一）") < text.index("基建工程招投标监管缺位") < text.index("（二）") < text.index("上轮巡察整改不到位")
    assert "尚在起草的问题" not in text
    assert "相关信访件1件" in text and "邮政信箱" in text
    assert set(report.findings.all()) == set(findings)
    assert AuditEvent.objects.filter(action="inspection_report.create", object_id=str(report.pk)).exists()


def test_no_sealed_identity_in_the_report_or_its_documents(approved_report: InspectionReport) -> None:
    services.feedback_meeting_record(actor=user("leader"), inspection=approved_report.inspection, data=services.MeetingData(
        audience="principal", held_on=timezone.localdate(), place="党委会议室", host="组长", attendees="党委书记"))
    texts = [approved_report.versions.get().text, docx_text(services.report_docx_export(actor=user("office"), report=approved_report))]
    texts += [docx_text(content) for _s, _k, _n, content in archive_files(approved_report.inspection)]
    for text in texts:
        assert REPORTER not in text and REPORTER_PHONE not in text


def test_only_the_team_drafts_and_nobody_else_sees(findings: list[Finding], seed001: Inspection) -> None:
    with pytest.raises(NotAllowed):
        services.report_create(actor=user("office"), inspection=seed001, kind=ReportKind.COMPREHENSIVE)
    for outsider in ("liaison", "other_leader", "recipient", "auditor", "sysadmin"):
        with pytest.raises(NotFound):
            services.report_create(actor=user(outsider), inspection=seed001, kind=ReportKind.COMPREHENSIVE)


def test_one_inspection_report_and_special_reports_on_chosen_findings(report: InspectionReport, findings: list[Finding],
                                                                       seed001: Inspection) -> None:
    with pytest.raises(Conflict):
        services.report_create(actor=user("leader"), inspection=seed001, kind=ReportKind.COMPREHENSIVE)
    with pytest.raises(Invalid) as refused:
        services.report_create(actor=user("member"), inspection=seed001, kind=ReportKind.SPECIAL, topic="", findings=[])
    assert refused.value.messages == ["请填写专题事项（如选人用人、需要立即处置的问题线索）。", "请选择专题报告涉及的问题。"]
    draft = Finding.objects.get(title="尚在起草的问题")
    with pytest.raises(Invalid, match="只能选择本巡察任务已审定的问题"):
        services.report_create(actor=user("member"), inspection=seed001, kind=ReportKind.SPECIAL, topic="选人用人", findings=[draft])
    special = services.report_create(actor=user("member"), inspection=seed001, kind=ReportKind.SPECIAL, topic="选人用人",
                                     findings=[findings[1]])
    assert special.number == 2 and special.title.endswith("选人用人的专题报告")
    text = special.versions.get().text
    assert "上轮巡察整改不到位" in text and "基建工程招投标监管缺位" not in text


def test_no_report_without_approved_findings(seed001: Inspection, demo: Any) -> None:
    with pytest.raises(Invalid, match="尚无经组长审定的问题"):
        services.report_create(actor=user("member"), inspection=seed001, kind=ReportKind.COMPREHENSIVE)


def test_versions_are_kept_and_their_differences_shown(report: InspectionReport) -> None:
    first = report.versions.get()
    text = first.text.replace(SUGGESTIONS, "建议学校党委压实主体责任。")
    second = services.report_revise(actor=user("member"), report=report, text=text, note="补充意见建议")
    assert second.number == 2 and first.text != second.text
    lines = version_diff(first, second)
    assert [line.text for line in lines if line.op == "add"] == ["建议学校党委压实主体责任。"]
    assert [line.text for line in lines if line.op == "del"] == ["（请巡察组填写针对以上问题的意见建议。）"]
    with pytest.raises(Invalid, match="正文没有变化"):
        services.report_revise(actor=user("member"), report=report, text=text)
    with pytest.raises(Invalid, match="请填写报告正文"):
        services.report_revise(actor=user("member"), report=report, text="   ")
    third = services.report_regenerate(actor=user("leader"), report=report)
    assert third.number == 3 and "（请巡察组填写" in third.text
    assert report.versions.count() == 3


def test_the_chain_approves_step_by_step_and_freezes(report: InspectionReport) -> None:
    with pytest.raises(Conflict, match="不在组务会环节"):
        decide(report, "leader", "team_meeting")
    services.report_submit(actor=user("member"), report=report)
    with pytest.raises(NotAllowed):
        decide(report, "member", "team_meeting")
    with pytest.raises(NotAllowed):
        decide(report, "leader", "office")
    with pytest.raises(Conflict, match="待组务会审核"):
        decide(report, "office", "office")
    report = decide(report, "leader", "team_meeting", opinion="组务会研究同意")
    assert report.state == ReportState.OFFICE
    with pytest.raises(Conflict):
        services.report_revise(actor=user("member"), report=report, text="改动")
    report = decide(report, "office", "office", opinion="巡察办审核同意")
    assert report.state == ReportState.LEADING_GROUP
    with pytest.raises(Invalid, match="会议纪要"):
        decide(report, "office", "leading_group")
    report = decide(report, "office", "leading_group", minutes="领导小组会议审定")
    assert report.state == ReportState.APPROVED and report.approved_version == report.versions.get()
    assert list(report.steps.values_list("step", "decision")) == [
        ("team_meeting", "approve"), ("office", "approve"), ("leading_group", "approve")]
    for change in (lambda: services.report_revise(actor=user("member"), report=report, text="改动"),
                   lambda: services.report_regenerate(actor=user("member"), report=report),
                   lambda: services.report_submit(actor=user("member"), report=report),
                   lambda: decide(report, "office", "leading_group", minutes="再次审定")):
        with pytest.raises(Conflict):
            change()
    assert AuditEvent.objects.filter(action="inspection_report.decide", object_id=str(report.pk)).count() == 3


def test_a_return_needs_an_opinion_and_the_next_submission_starts_again(report: InspectionReport) -> None:
    services.report_submit(actor=user("member"), report=report)
    report = decide(report, "leader", "team_meeting")
    with pytest.raises(Invalid, match="退回修改须写明意见"):
        decide(report, "office", "office", decision="return")
    report = decide(report, "office", "office", decision="return", opinion="问题定性不准，请修改。")
    assert report.state == ReportState.RETURNED
    version = report.versions.get()
    services.report_revise(actor=user("member"), report=report, text=version.text + "\n补充。", note="按巡察办意见修改")
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    services.report_submit(actor=user("member"), report=report)
    with pytest.raises(Conflict):
        decide(report, "office", "office")
    report = walk_rest(report)
    assert report.approved_version is not None and report.approved_version.number == 2
    steps = list(ReviewStep.objects.filter(report=report).values_list("step", "decision", "version__number"))
    assert steps == [("team_meeting", "approve", 1), ("office", "return", 1), ("team_meeting", "approve", 2),
                     ("office", "approve", 2), ("leading_group", "approve", 2)]


def walk_rest(report: InspectionReport) -> InspectionReport:
    report = decide(report, "leader", "team_meeting")
    report = decide(report, "office", "office")
    return decide(report, "office", "leading_group", minutes="审定")


def test_the_docx_carries_the_approval_trail(approved_report: InspectionReport) -> None:
    text = docx_text(services.report_docx_export(actor=user("leader"), report=approved_report))
    assert approved_report.title in text and "二、发现的主要问题" in text
    for words in ("审批记录", "组务会", "巡察办", "领导小组", "team_meeting同意", "领导小组第3次会议审定", "经领导小组审定"):
        assert words in text
    assert "送审稿" not in text
    assert AuditEvent.objects.filter(action="inspection_report.export").exists()


def test_the_draft_docx_says_it_is_a_draft(report: InspectionReport) -> None:
    text = docx_text(services.report_docx_export(actor=user("office"), report=report))
    assert "送审稿 第1版" in text and "尚未审核" in text
    with pytest.raises(NotFound):
        services.report_docx_export(actor=user("liaison"), report=report)


def test_feedback_sessions_after_approval_record_the_feedback(report: InspectionReport, findings: list[Finding]) -> None:
    inspection, today = report.inspection, timezone.localdate()
    data = services.MeetingData(audience="leadership", held_on=today, place="学院党委会议室", host="市委第五巡察组组长",
                                attendees="学院党委领导班子成员", notes="组长反馈巡察发现的问题。")
    with pytest.raises(Conflict, match="审定后才能反馈"):
        services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=data)
    walk_to_approval(report)
    # a finding approved after the report is not fed back: the feedback carries the approved report's findings
    from .conftest import approve
    approve(inspection, "报告审定后才审定的问题", "policy")
    with pytest.raises(NotAllowed):
        services.feedback_meeting_record(actor=user("member"), inspection=inspection, data=data)
    with pytest.raises(NotAllowed):
        services.feedback_meeting_record(actor=user("office"), inspection=inspection, data=data)
    with pytest.raises(Invalid) as refused:
        services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=services.MeetingData(
            audience="principal", held_on=today.replace(year=today.year + 1), place="", host="组长", attendees="书记"))
    assert refused.value.messages == ["请填写地点。", "反馈日期不能晚于今天，请在反馈后登记。"]
    principal = services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=services.MeetingData(
        audience="principal", held_on=today, place="党委书记办公室", host="组长", attendees="学院党委书记"))
    assert not Feedback.objects.filter(inspection=inspection).exists()
    services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=data)
    feedback = Feedback.objects.get(inspection=inspection)
    assert feedback.feedback_on == today and set(feedback.findings.all()) == set(findings)
    # corrected, not doubled
    again = services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=data)
    assert inspection.feedback_meetings.count() == 2 and again.audience == "leadership"
    assert AuditEvent.objects.filter(action="feedback_meeting.update").count() == 1
    text = docx_text(services.feedback_docx_export(actor=user("office"), meeting=principal))
    assert "向主要负责人的反馈意见" in text and "基建工程招投标监管缺位" in text and "报告审定后才审定的问题" not in text
    assert "第一责任人" in text and "党委书记办公室" in text


def test_archive_files_are_plain_tuples_of_openable_documents(approved_report: InspectionReport) -> None:
    inspection = approved_report.inspection
    services.feedback_meeting_record(actor=user("leader"), inspection=inspection, data=services.MeetingData(
        audience="leadership", held_on=timezone.localdate(), place="会议室", host="组长", attendees="班子成员"))
    files = list(archive_files(inspection))
    assert [(s, k) for s, k, _n, _c in files] == [("report", "inspection_report"), ("feedback", "feedback_opinion")]
    assert all(name.endswith(".docx") for _s, _k, name, _c in files)
    assert "审批记录" in docx_text(files[0][3])
