"""Shared fixtures of the reporting tests: approved findings of seed 001's inspection (through the services),
a report drafted from them, and the chain walked to approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.intake.services import ReporterData
from xuncha.rectification.models import Finding
from xuncha.rectification.services import FindingData, finding_create, finding_decide, finding_submit
from xuncha.reporting import services
from xuncha.reporting.models import InspectionReport, ReportKind

REPORTER = "韦秀兰"
REPORTER_PHONE = "13977001234"


def user(name: str) -> User:
    return User.objects.get(username=name)


def approve(inspection: Inspection, title: str, focus: str, **extra: Any) -> Finding:
    member, leader = user("member"), user("leader")
    finding = finding_create(actor=member, inspection=inspection, data=FindingData(
        title=title, facts=f"{title}的事实经调阅资料查实。", rule_broken="有关规定。", focus=focus, **extra))
    finding = finding_submit(actor=member, finding=finding)
    return finding_decide(actor=leader, finding=finding, approve=True)


@pytest.fixture
def findings(seed001: Inspection, register: Any) -> list[Finding]:
    """Two approved findings (two focuses) and one draft; a real-name report cited by the first."""
    report = register("基建处长收受施工方礼金，宿舍改造工程围标串标。", [("黎某", "副校长", "leadership")], kind="post",
                      inspection=seed001, reporter=ReporterData(name=REPORTER, phone=REPORTER_PHONE),
                      received_at=dt.datetime(2024, 3, 20, 2, 0, tzinfo=dt.UTC))
    first = approve(seed001, "基建工程招投标监管缺位", "corruption", reports=[report])
    second = approve(seed001, "上轮巡察整改不到位", "rectification")
    finding_create(actor=user("member"), inspection=seed001, data=FindingData(
        title="尚在起草的问题", facts="起草中。", rule_broken="", focus="party_building", draft=True))
    return [first, second]


@pytest.fixture
def report(findings: list[Finding], seed001: Inspection) -> InspectionReport:
    return services.report_create(actor=user("member"), inspection=seed001, kind=ReportKind.COMPREHENSIVE)


def walk_to_approval(report: InspectionReport) -> InspectionReport:
    services.report_submit(actor=user("member"), report=report)
    for step, actor in (("team_meeting", "leader"), ("office", "office"), ("leading_group", "office")):
        report = services.report_decide(actor=user(actor), report=report, data=services.DecisionData(
            step=step, decision="approve", opinion=f"{step}同意", minutes="领导小组第3次会议审定" if step == "leading_group" else "",
            meeting_on=timezone.localdate()))
    return report


@pytest.fixture
def approved_report(report: InspectionReport) -> InspectionReport:
    return walk_to_approval(report)
