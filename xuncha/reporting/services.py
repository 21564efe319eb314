"""Writes of the reports and the feedback sessions (docs/architecture.md, "巡察报告与反馈"). Every one is
keyword-only, takes its `actor: User`, checks the actor through xuncha.access (`.access`), validates first,
locks last, and writes its audit event in the same transaction.

The chain: the team drafts (the text generated from the approved findings and the fieldwork figures), edits
(each edit a new version) and submits; 组务会 (team leader) → 巡察办 (office) → 领导小组 (recorded by the
office, with its minutes) each approve or return with an opinion; a return sends the report back to the team,
and the next submission starts the chain again. The leading group's approval freezes the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.documents import cn_date
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Finding
from xuncha.rectification.services import feedback_record

from . import documents
from .access import can_decide, can_draft, can_read, is_leader
from .draft import draft_text, figures_of, title_for
from .models import (
    Audience,
    Decision,
    FeedbackMeeting,
    InspectionReport,
    ReportKind,
    ReportState,
    ReportVersion,
    ReviewStep,
    Step,
)

MAX_TEXT = 100_000
MAX_OPINION = 2000
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
# The step each state awaits, and the state an approval at that step leads to.
PENDING_STEP = {ReportState.TEAM_MEETING: Step.TEAM_MEETING, ReportState.OFFICE: Step.OFFICE,
                ReportState.LEADING_GROUP: Step.LEADING_GROUP}
NEXT_STATE = {Step.TEAM_MEETING: ReportState.OFFICE, Step.OFFICE: ReportState.LEADING_GROUP,
              Step.LEADING_GROUP: ReportState.APPROVED}


def _lock(report: InspectionReport) -> InspectionReport:
    """The report again, under a row lock, with its current state (someone may have acted meanwhile)."""
    return InspectionReport.objects.select_for_update().select_related("inspection").get(pk=report.pk)


def _seen(actor: User, inspection: Inspection) -> None:
    if not can_read(actor, inspection):
        raise NotFound


def latest_version(report: InspectionReport) -> ReportVersion:
    version = report.versions.order_by("-number").first()
    assert version is not None, "a report always has its first version"
    return version


def _add_version(report: InspectionReport, *, actor: User, text: str, note: str, figures: dict[str, object]) -> ReportVersion:
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return ReportVersion.objects.create(report=report, number=number, text=text, note=note, figures=figures,
                                        created_by=actor)


# --- drafting ---------------------------------------------------------------------------------------------

def report_create(*, actor: User, inspection: Inspection, kind: str, topic: str = "",
                  findings: Sequence[Finding] = (), request: HttpRequest | None = None) -> InspectionReport:
    """Draft a report from the approved findings: the 巡察报告 from all of them, a 专题报告 on `topic` from the
    chosen ones. Its first version is the generated text."""
    _seen(actor, inspection)
    if not can_draft(actor, inspection):
        raise NotAllowed("只有本巡察组成员可以起草巡察报告。")
    topic = topic.strip()
    problems = []
    if kind not in ReportKind.values:
        raise Invalid("请选择报告种类。")
    approved = Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number")
    if kind == ReportKind.SPECIAL:
        if not topic:
            problems.append("请填写专题事项（如选人用人、需要立即处置的问题线索）。")
        elif len(topic) > 60:
            problems.append("专题事项不能超过60字。")
        chosen = [f.pk for f in findings]
        chosen_findings = list(approved.filter(pk__in=chosen))
        if not chosen:
            problems.append("请选择专题报告涉及的问题。")
        elif len(chosen_findings) != len(set(chosen)):
            problems.append("只能选择本巡察任务已审定的问题。")
    else:
        chosen_findings = list(approved)
        if not chosen_findings:
            problems.append("尚无经组长审定的问题，不能起草巡察报告。")
    if problems:
        raise Invalid(problems)
    title = title_for(inspection, kind, topic)
    figures = figures_of(inspection)
    text = draft_text(inspection, kind=kind, title=title, topic=topic, findings=chosen_findings, figures=figures)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        if kind == ReportKind.COMPREHENSIVE and InspectionReport.objects.filter(
                inspection=inspection, kind=ReportKind.COMPREHENSIVE).exists():
            raise Conflict("本巡察任务已有巡察报告，请在原报告上修改。")
        number = (InspectionReport.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        report = InspectionReport.objects.create(inspection=inspection, number=number, kind=kind, title=title,
                                                 topic=topic, created_by=actor)
        report.findings.set(chosen_findings)
        _add_version(report, actor=actor, text=text, note="由已审定的问题和巡察工作数据生成", figures=figures)
        audit_record(actor=actor, action="inspection_report.create", obj=report, request=request,
                     summary=f"起草{report.get_kind_display()}：{title}（问题{len(chosen_findings)}个）",
                     data={"inspection": inspection.pk, "kind": kind, "findings": [f.pk for f in chosen_findings]})
    return report


def report_revise(*, actor: User, report: InspectionReport, text: str, note: str = "",
                  request: HttpRequest | None = None) -> ReportVersion:
    """An edit of the text: kept as the next version (the earlier ones stay)."""
    _seen(actor, report.inspection)
    if not can_draft(actor, report.inspection):
        raise NotAllowed("只有本巡察组成员可以修改巡察报告。")
    text, note = text.replace("\r\n", "\n").strip(), note.strip()
    problems = []
    if not text:
        problems.append("请填写报告正文。")
    elif len(text) > MAX_TEXT:
        problems.append(f"报告正文不能超过{MAX_TEXT}字。")
    if len(note) > 300:
        problems.append("修改说明不能超过300字。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        report = _lock(report)
        if report.state not in EDITABLE:
            raise Conflict(f"报告{report.get_state_display()}，不能修改。")
        current = latest_version(report)
        if current.text == text:
            raise Invalid("正文没有变化。")
        version = _add_version(report, actor=actor, text=text, note=note, figures=current.figures)
        if report.state == ReportState.RETURNED:
            report.state = ReportState.DRAFT
            report.save(update_fields=["state"])
        audit_record(actor=actor, action="inspection_report.revise", obj=report, request=request,
                     summary=f"修改{report.get_kind_display()}：{report.title}，形成第{version.number}版",
                     data={"version": version.number, "note": note})
    return version


def report_regenerate(*, actor: User, report: InspectionReport, request: HttpRequest | None = None) -> ReportVersion:
    """A new version generated again from today's data (findings approved since, figures grown since)."""
    _seen(actor, report.inspection)
    if not can_draft(actor, report.inspection):
        raise NotAllowed("只有本巡察组成员可以修改巡察报告。")
    inspection = report.inspection
    with transaction.atomic():
        report = _lock(report)
        if report.state not in EDITABLE:
            raise Conflict(f"报告{report.get_state_display()}，不能修改。")
        if report.kind == ReportKind.COMPREHENSIVE:
            findings = list(Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number"))
            report.findings.set(findings)
        else:
            findings = list(report.findings.filter(state=Finding.State.APPROVED).order_by("number"))
        figures = figures_of(inspection)
        text = draft_text(inspection, kind=report.kind, title=report.title, topic=report.topic, findings=findings,
                          figures=figures)
        version = _add_version(report, actor=actor, text=text, note="按最新数据重新生成", figures=figures)
        audit_record(actor=actor, action="inspection_report.regenerate", obj=report, request=request,
                     summary=f"重新生成{report.get_kind_display()}：{report.title}，形成第{version.number}版",
                     data={"version": version.number, "findings": [f.pk for f in findings]})
    return version


def report_submit(*, actor: User, report: InspectionReport, request: HttpRequest | None = None) -> InspectionReport:
    """The team submits the latest version to the 组务会; after a return the chain starts again."""
    _seen(actor, report.inspection)
    if not can_draft(actor, report.inspection):
        raise NotAllowed("只有本巡察组成员可以提交巡察报告。")
    with transaction.atomic():
        report = _lock(report)
        if report.state not in EDITABLE:
            raise Conflict(f"报告{report.get_state_display()}，不能再次提交。")
        version = latest_version(report)
        report.state, report.submitted_at = ReportState.TEAM_MEETING, timezone.now()
        report.save(update_fields=["state", "submitted_at"])
        audit_record(actor=actor, action="inspection_report.submit", obj=report, request=request,
                     summary=f"提交组务会审议：{report.title}（第{version.number}版）", data={"version": version.number})
    return report


@dataclass(frozen=True)
class DecisionData:
    step: str
    decision: str
    opinion: str = ""
    minutes: str = ""
    meeting_on: dt.date | None = None


def report_decide(*, actor: User, report: InspectionReport, data: DecisionData,
                  request: HttpRequest | None = None) -> InspectionReport:
    """One step of the chain decides on the version under review: approve (to the next step; at the leading
    group the report is approved and frozen) or return to the team with an opinion."""
    inspection = report.inspection
    _seen(actor, inspection)
    if data.step not in Step.values:
        raise Invalid("请选择审核环节（组务会、巡察办、领导小组）。")
    if not can_decide(actor, inspection, data.step):
        raise NotAllowed({Step.TEAM_MEETING: "组务会的审议结果由本巡察组组长登记。",
                          Step.OFFICE: "只有本巡察任务所属巡察办可以审核巡察报告。",
                          Step.LEADING_GROUP: "领导小组的审定结果由本巡察任务所属巡察办登记。"}[Step(data.step)])
    opinion, minutes = data.opinion.strip(), data.minutes.strip()
    problems = []
    if data.decision not in Decision.values:
        problems.append("请选择同意或退回修改。")
    if data.decision == Decision.RETURN and not opinion:
        problems.append("退回修改须写明意见。")
    if data.step == Step.LEADING_GROUP and not minutes:
        problems.append("请填写领导小组会议纪要（审定意见）。")
    if len(opinion) > MAX_OPINION or len(minutes) > MAX_OPINION:
        problems.append(f"意见和会议纪要各不能超过{MAX_OPINION}字。")
    if data.meeting_on is not None and data.meeting_on > timezone.localdate():
        problems.append("会议日期不能晚于今天。")
    if problems:
        raise Invalid(problems)
    step = Step(data.step)
    with transaction.atomic():
        report = _lock(report)
        pending = PENDING_STEP.get(ReportState(report.state))
        if pending != step:
            where = f"待{pending.label}审核" if pending else report.get_state_display()
            raise Conflict(f"报告当前{where}，不在{step.label}环节。")
        version = latest_version(report)
        ReviewStep.objects.create(report=report, version=version, step=step, decision=data.decision, opinion=opinion,
                                  minutes=minutes, meeting_on=data.meeting_on, by=actor)
        if data.decision == Decision.APPROVE:
            report.state = NEXT_STATE[step]
            if report.state == ReportState.APPROVED:
                report.approved_version, report.approved_at = version, timezone.now()
        else:
            report.state = ReportState.RETURNED
        report.save(update_fields=["state", "approved_version", "approved_at"])
        verb = "同意" if data.decision == Decision.APPROVE else "退回修改"
        audit_record(actor=actor, action="inspection_report.decide", obj=report, request=request,
                     summary=f"{step.label}审核{report.get_kind_display()}：{report.title}（第{version.number}版），{verb}",
                     data={"step": step.value, "decision": data.decision, "version": version.number})
    return report


# --- reads that leave a trace -----------------------------------------------------------------------------

def report_docx_export(*, actor: User, report: InspectionReport, via: str = "", request: HttpRequest | None = None) -> bytes:
    """The report as .docx with its approval trail: the approved version once approved, else the latest (送审稿)."""
    _seen(actor, report.inspection)
    content = documents.report_docx(report)
    with transaction.atomic():
        audit_record(actor=actor, action="inspection_report.export", obj=report, request=request,
                     summary=f"{via}导出{report.get_kind_display()}：{report.title}")
    return content


def feedback_docx_export(*, actor: User, meeting: FeedbackMeeting, request: HttpRequest | None = None) -> bytes:
    _seen(actor, meeting.inspection)
    content = documents.feedback_docx(meeting)
    with transaction.atomic():
        audit_record(actor=actor, action="feedback_meeting.export", obj=meeting, request=request,
                     summary=f"导出反馈意见（{meeting.get_audience_display()}）：{meeting.inspection}")
    return content


# --- the feedback (双反馈) ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingData:
    audience: str
    held_on: dt.date
    place: str
    host: str
    attendees: str
    notes: str = ""


def approved_report(inspection: Inspection) -> InspectionReport | None:
    return InspectionReport.objects.filter(inspection=inspection, kind=ReportKind.COMPREHENSIVE,
                                           state=ReportState.APPROVED).first()


FEEDBACK_FROM_REPORT = ("本巡察任务的巡察报告已经领导小组审定，反馈日期以“双反馈（反馈会）”中向领导班子反馈的记录为准，"
                        "请在那里登记或更正，不能在此直接登记。")


def feedback_from_report(inspection: Inspection) -> str:
    """Registered with rectification (ReportingConfig.ready): once the round's 巡察报告 was approved here, its
    feedback date comes only from the 双反馈 record (feedback_meeting_record), never entered directly."""
    reviewed = InspectionReport.objects.filter(inspection=inspection, kind=ReportKind.COMPREHENSIVE,
                                               state=ReportState.APPROVED).exists()
    return FEEDBACK_FROM_REPORT if reviewed else ""


def feedback_meeting_record(*, actor: User, inspection: Inspection, data: MeetingData,
                            request: HttpRequest | None = None) -> FeedbackMeeting:
    """The team leader records one of the two feedback sessions held from the approved 巡察报告 (or corrects it).
    Recording the session with the leadership team records the feedback itself (rectification's Feedback,
    carrying the approved report's findings; the rectification report's due date follows from it)."""
    _seen(actor, inspection)
    if not is_leader(actor, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以登记反馈会。")
    report = approved_report(inspection)
    if report is None:
        raise Conflict("巡察报告经领导小组审定后才能反馈。")
    problems = []
    if data.audience not in Audience.values:
        problems.append("请选择反馈对象。")
    fields = ((data.place, "地点", 120), (data.host, "主持人", 64), (data.attendees, "参加人员", 2000))
    for value, label, limit in fields:
        if not value.strip():
            problems.append(f"请填写{label}。")
        elif len(value.strip()) > limit:
            problems.append(f"{label}不能超过{limit}字。")
    if len(data.notes) > 5000:
        problems.append("反馈会情况不能超过5000字。")
    assert report.approved_at is not None
    approved_on = timezone.localdate(report.approved_at)
    if data.held_on < approved_on:
        problems.append(f"反馈日期不能早于巡察报告审定日期（{cn_date(approved_on)}）。")
    if data.held_on > timezone.localdate():
        problems.append("反馈日期不能晚于今天，请在反馈后登记。")
    if problems:
        raise Invalid(problems)
    audience = Audience(data.audience)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        meeting, created = FeedbackMeeting.objects.update_or_create(
            inspection=inspection, audience=audience,
            defaults={"report": report, "held_on": data.held_on, "place": data.place.strip(), "host": data.host.strip(),
                      "attendees": data.attendees.strip(), "notes": data.notes.strip(), "recorded_by": actor})
        audit_record(actor=actor, action="feedback_meeting.record" if created else "feedback_meeting.update", obj=meeting,
                     request=request, summary=f"{'登记' if created else '更正'}反馈会：{audience.label}，"
                                              f"{cn_date(data.held_on)}，{inspection}",
                     data={"inspection": inspection.pk, "audience": audience.value, "held_on": data.held_on.isoformat()})
        if audience == Audience.LEADERSHIP:
            feedback_record(actor=actor, inspection=inspection, feedback_on=data.held_on,
                            findings=list(report.findings.order_by("number")), from_report=True, request=request)
    return meeting


