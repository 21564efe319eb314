"""The mobilisation meeting form (/inspections/<pk>/meeting/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection, MobilizationMeeting

pytestmark = pytest.mark.django_db


def _url(inspection: Inspection) -> str:
    return reverse("inspections:meeting", args=[inspection.pk])


def test_new_meeting_with_speakers(clients: Any, demo: dict[str, Any]) -> None:
    other = demo["other"]
    office = clients["office"]
    page = office.get(_url(other))
    data = post_form(page, having="date").data()
    assert data["date"] == "2026-09-01"  # defaults to the start of the inspection
    data.update({
        "part_of_day": "上午", "time": "09:30", "place": "测试学院报告厅", "host": "王主持",
        "attendees": "学院领导班子成员", "speakers-0-name": "甲书记", "speakers-0-title": "市委巡察办主任",
        "speakers-0-speech": "动员讲话", "speakers-1-name": "乙组长", "speakers-1-speech": "介绍巡察工作安排",
    })

    response = office.post(_url(other), data, follow=True)

    meeting = MobilizationMeeting.objects.get(inspection=other)
    assert (meeting.date, meeting.part_of_day, meeting.time, meeting.place) == (dt.date(2026, 9, 1), "上午", dt.time(9, 30), "测试学院报告厅")
    assert [(s.name, s.title, s.speech) for s in meeting.speakers.all()] == [
        ("甲书记", "市委巡察办主任", "动员讲话"), ("乙组长", "", "介绍巡察工作安排")]
    html = response.content.decode()
    assert "动员会信息已保存。" in html
    assert "2026年9月1日上午 09:30" in html
    assert "甲书记（市委巡察办主任）：动员讲话" in html
    assert AuditEvent.objects.filter(action="meeting.save", object_id=str(meeting.pk)).count() == 1


def test_edit_keeps_the_speakers_in_order_and_deletes_one(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    data = post_form(office.get(_url(seed000)), having="date").data()
    assert [data[f"speakers-{i}-name"] for i in range(4)] == ["许翰信", "牛东红", "徐江荣", "陈子良"]

    data["speakers-2-DELETE"] = "on"
    response = office.post(_url(seed000), data)

    assert response.status_code == 302
    meeting = seed000.meeting
    meeting.refresh_from_db()
    assert [s.name for s in meeting.speakers.all()] == ["许翰信", "牛东红", "陈子良"]
    assert meeting.host == "徐江荣" and meeting.part_of_day == "下午"


def test_a_meeting_without_a_date_is_refused(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    data = post_form(office.get(_url(seed000)), having="date").data({"date": "", "place": "新地点"})
    response = office.post(_url(seed000), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "这个字段是必填项。" in html
    assert 'value="新地点"' in html
    assert MobilizationMeeting.objects.get(inspection=seed000).place == ""
