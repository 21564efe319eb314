"""Where the feedback date comes from: once the round's 巡察报告 was approved here, only from the 双反馈 record
(the feedback session with the leadership team); the old direct entry on the feedback page stays only for
rounds without a reviewed report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.errors import Conflict
from xuncha.rectification.models import Feedback
from xuncha.rectification.services import feedback_record
from xuncha.reporting.models import InspectionReport
from xuncha.reporting.services import FEEDBACK_FROM_REPORT

from .conftest import user

pytestmark = pytest.mark.django_db


def _meeting(client: Client, inspection_id: int, held_on: dt.date) -> Any:
    return client.post(f"/inspections/{inspection_id}/feedback-meetings/", {
        "leadership-audience": "leadership", "leadership-held_on": held_on.isoformat(), "leadership-place": "会议室",
        "leadership-host": "组长", "leadership-attendees": "领导班子成员"})


def test_with_an_approved_report_the_date_comes_only_from_the_feedback_session(
        clients: dict[str, Client], approved_report: InspectionReport) -> None:
    inspection, today = approved_report.inspection, timezone.localdate()
    url = reverse("rectification:feedback", args=[inspection.pk])
    page = clients["leader"].get(url).content.decode()
    assert 'id="feedback-form"' not in page and 'id="feedback-from-report"' in page
    assert f'href="/inspections/{inspection.pk}/feedback-meetings/"' in page
    refused = clients["leader"].post(url, {"feedback_on": today.isoformat()})
    assert refused.status_code == 400 and FEEDBACK_FROM_REPORT in refused.content.decode()
    assert not Feedback.objects.filter(inspection=inspection).exists()
    with pytest.raises(Conflict):
        feedback_record(actor=user("leader"), inspection=inspection, feedback_on=today)

    assert _meeting(clients["leader"], inspection.pk, today).status_code == 302
    feedback = Feedback.objects.get(inspection=inspection)
    assert feedback.feedback_on == today
    assert set(feedback.findings.values_list("pk", flat=True)) == set(approved_report.findings.values_list("pk", flat=True))
    # a correction also goes through the session, never the direct entry
    yesterday = today - dt.timedelta(days=1)
    assert clients["leader"].post(url, {"feedback_on": yesterday.isoformat()}).status_code == 400
    assert Feedback.objects.get(inspection=inspection).feedback_on == today
    page = clients["leader"].get(url).content.decode()
    assert 'id="feedback-facts"' in page and 'id="feedback-form"' not in page and "更正反馈日期" not in page


def test_without_a_reviewed_report_the_direct_entry_stays(clients: dict[str, Client], report: InspectionReport) -> None:
    """A report drafted (or under review) here is not yet reviewed: the leader may still enter the date."""
    inspection, today = report.inspection, timezone.localdate()
    url = reverse("rectification:feedback", args=[inspection.pk])
    page = clients["leader"].get(url).content.decode()
    assert 'id="feedback-form"' in page and 'id="feedback-from-report"' not in page
    assert clients["leader"].post(url, {"feedback_on": today.isoformat()}).status_code == 302
    assert Feedback.objects.get(inspection=inspection).feedback_on == today
