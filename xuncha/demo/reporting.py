"""Demo reports (巡察报告) and feedback sessions (双反馈), through the real services as the demo users would.

Runs after `load_demo_rectification` (which approves the findings and records seed 001's feedback):

- Seed 001 (2024, finished): the 巡察报告 drafted from its two approved findings, the team's suggestions
  written in (version 2), passed by the 组务会, returned by the office with an opinion, revised (version 3),
  then passed by the 组务会, the office and the leading group (with its minutes): the three-step trail. The
  two feedback sessions of 2024-08-20 (to the principal, then the leadership team) are recorded from the
  approved report; the second records the feedback again on the same day (it carries the report's findings).
- The practice inspection (under way): its 巡察报告 drafted and passed by the 组务会, awaiting the office.

The services stamp the present moment; seed 001's 2024 work is moved back to its dates with `.update()`.
The audit log keeps the loading time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.reporting import services
from xuncha.reporting.draft import SUGGESTIONS
from xuncha.reporting.models import FeedbackMeeting, InspectionReport, ReportKind, ReportVersion, ReviewStep

from .rectification import SEED_001_FEEDBACK_ON
from .reports import SEED_001_TEAM

SEED_001_SUGGESTIONS = (
    "针对以上问题，建议：一是学校党委切实履行全面从严治党主体责任，对基建工程招投标开展专项检查，健全招标、履约、验收相互"
    "分离的制约机制；二是举一反三抓好审计、巡察发现问题的整改，建立整改台账，逐项对账销号；三是加强专项资金绩效管理，"
    "盘活闲置设备。涉及个人的问题线索已按规定移交市纪委监委。")
PRACTICE_SUGGESTIONS = "建议学校党委聚焦后勤、资助、基建等师生关注的领域，健全制度、压实责任，巡察整改情况按规定公开。"


def _when(day: dt.date, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def _decide(report: InspectionReport, actor: User, step: str, decision: str = "approve", opinion: str = "",
            minutes: str = "", meeting_on: dt.date | None = None) -> InspectionReport:
    return services.report_decide(actor=actor, report=report, data=services.DecisionData(
        step=step, decision=decision, opinion=opinion, minutes=minutes, meeting_on=meeting_on))


def _seed001(inspection: Inspection, users: dict[str, User]) -> InspectionReport:
    member, leader, office = users["member"], users["leader"], users["office"]
    report = services.report_create(actor=member, inspection=inspection, kind=ReportKind.COMPREHENSIVE)
    first = report.versions.get()
    services.report_revise(actor=member, report=report, text=first.text.replace(SUGGESTIONS, SEED_001_SUGGESTIONS),
                           note="填写意见建议")
    services.report_submit(actor=member, report=report)
    report = _decide(report, leader, "team_meeting", opinion="组务会研究，同意报送巡察办。", meeting_on=dt.date(2024, 6, 26))
    report = _decide(report, office, "office", "return", opinion="第二个问题请写明上轮审计指出问题的整改时限和抽查情况，"
                                                                  "意见建议请补充对问题线索的处置情况。", meeting_on=dt.date(2024, 7, 3))
    second = report.versions.order_by("-number").first()
    assert second is not None
    services.report_revise(actor=member, report=report, note="按巡察办意见修改", text=second.text.replace(
        "部分工程合同先施工后签订；", "部分工程合同先施工后签订（审计要求2023年底前整改，抽查2024年新签合同12份，仍有3份先施工后签订）；"))
    services.report_submit(actor=member, report=report)
    report = _decide(report, leader, "team_meeting", opinion="组务会研究，同意修改稿。", meeting_on=dt.date(2024, 7, 8))
    report = _decide(report, office, "office", opinion="巡察办审核同意，报领导小组审定。", meeting_on=dt.date(2024, 7, 12))
    report = _decide(report, office, "leading_group", opinion="同意巡察报告，按程序向被巡察党组织反馈。",
                     minutes="市委巡察工作领导小组2024年第4次会议听取市委第五巡察组巡察情况汇报，审定巡察报告；"
                             "涉及个人的问题线索按规定移交市纪委监委。", meeting_on=dt.date(2024, 7, 25))

    # The 2024 dates (before the feedback sessions are recorded: a session may not precede the approval).
    days = [dt.date(2024, 6, 24), dt.date(2024, 6, 25), dt.date(2024, 7, 5)]
    for version, day in zip(report.versions.order_by("number"), days, strict=True):
        ReportVersion.objects.filter(pk=version.pk).update(created_at=_when(day, "10:00"))
    for step in report.steps.all():
        assert step.meeting_on is not None
        ReviewStep.objects.filter(pk=step.pk).update(at=_when(step.meeting_on, "16:00"))
    InspectionReport.objects.filter(pk=report.pk).update(created_at=_when(days[0], "10:00"),
                                                         approved_at=_when(dt.date(2024, 7, 25), "17:00"))
    report.refresh_from_db()

    for audience, place, attendees, hhmm in (
        ("principal", "学院党委书记办公室", "学院党委书记；市委第五巡察组组长、副组长", "09:00"),
        ("leadership", "学院行政楼第一会议室", "学院党委领导班子成员，中层干部代表；市委第五巡察组全体成员；市委巡察办有关同志", "15:00"),
    ):
        meeting = services.feedback_meeting_record(actor=leader, inspection=inspection, data=services.MeetingData(
            audience=audience, held_on=SEED_001_FEEDBACK_ON, place=place, host="市委第五巡察组组长", attendees=attendees,
            notes="巡察组组长代表市委巡察组反馈巡察发现的主要问题，提出整改意见；学院党委书记作表态发言。"))
        FeedbackMeeting.objects.filter(pk=meeting.pk).update(recorded_at=_when(SEED_001_FEEDBACK_ON, hhmm))
    return report


def _practice(inspection: Inspection, users: dict[str, User]) -> InspectionReport:
    report = services.report_create(actor=users["member"], inspection=inspection, kind=ReportKind.COMPREHENSIVE)
    services.report_revise(actor=users["member"], report=report, note="填写意见建议",
                           text=report.versions.get().text.replace(SUGGESTIONS, PRACTICE_SUGGESTIONS))
    services.report_submit(actor=users["member"], report=report)
    return _decide(report, users["leader"], "team_meeting", opinion="组务会研究，同意报送巡察办。")


def load_demo_reporting(inspections: Iterable[Inspection], today: dt.date | None = None) -> list[InspectionReport]:
    """The demo reports and feedback sessions (from `load_demo`, after `load_demo_rectification`)."""
    inspections = list(inspections)
    users = {u.username: u for u in User.objects.filter(username__in=["member", "leader", "office"])}
    practice = next(i for i in inspections if i.is_practice)
    seed001 = next((i for i in inspections if i.team.name == SEED_001_TEAM), None)
    with transaction.atomic():
        reports = [_practice(practice, users)]
        if seed001 is not None:
            reports.insert(0, _seed001(seed001, users))
    return reports
