"""The demo reports: seed 001's approved 巡察报告 with its three-step trail (and a return on the way), the two
feedback sessions that record its feedback; the practice inspection's report awaiting the office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import DEMO_TODAY
from xuncha.demo.rectification import SEED_001_FEEDBACK_ON, load_demo_rectification
from xuncha.demo.reporting import load_demo_reporting
from xuncha.demo.reports import load_demo_reports
from xuncha.rectification.models import Feedback
from xuncha.reporting.models import ReportState

pytestmark = pytest.mark.django_db


def test_the_demo_reports(demo: dict[str, Any]) -> None:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    seed001, practice = load_demo_reporting(inspections, today=DEMO_TODAY)
    assert seed001.state == ReportState.APPROVED and seed001.approved_version is not None
    assert seed001.approved_version.number == 3 and seed001.approved_at is not None
    assert seed001.approved_at.date() == dt.date(2024, 7, 25)
    steps = list(seed001.steps.order_by("at").values_list("step", "decision"))
    assert steps == [("team_meeting", "approve"), ("office", "return"), ("team_meeting", "approve"),
                     ("office", "approve"), ("leading_group", "approve")]
    assert {m.audience: m.held_on for m in seed001.feedback_meetings.all()} == {
        "principal": SEED_001_FEEDBACK_ON, "leadership": SEED_001_FEEDBACK_ON}
    feedback = Feedback.objects.get(inspection=demo["seed001"])
    assert feedback.feedback_on == SEED_001_FEEDBACK_ON
    assert set(feedback.findings.all()) == set(seed001.findings.all())
    assert "三、意见建议\n针对以上问题，建议" in seed001.approved_version.text
    assert practice.state == ReportState.OFFICE
