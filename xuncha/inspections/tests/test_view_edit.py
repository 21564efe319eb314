"""The office edits an inspection (/inspections/<pk>/edit/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db



def _url(inspection: Inspection) -> str:
    return reverse("inspections:edit", args=[inspection.pk])


def test_the_form_shows_the_current_values(clients: Any, seed000: Inspection) -> None:
    page = clients["office"].get(_url(seed000))
    assert page.status_code == 200
    data = post_form(page, having="start_date").data()
    assert data["start_date"] == "2024-09-25"
    assert data["end_date"] == "2024-10-18"
    assert data["working_days"] == "15"
    assert data["duration_text"] == "15个工作日左右"
    assert "round" not in data and "team" not in data and "target" not in data
    assert "修改：" in page.content.decode()


def test_changing_the_working_days_recomputes_the_end_and_records_the_change(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    data = post_form(office.get(_url(seed000)), having="start_date").data({"working_days": "10", "end_date": ""})

    response = office.post(_url(seed000), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", args=[seed000.pk])
    seed000.refresh_from_db()
    # 09-25, 26, 27, 29 (adjusted Sunday), 30, then 10-08..10-12 (adjusted Saturday): the 10th working day.
    assert seed000.end_date == dt.date(2024, 10, 12)
    assert seed000.working_days == 10
    event = AuditEvent.objects.filter(action="inspection.update", object_id=str(seed000.pk)).latest("id")
    assert event.data["changed"]["end_date"] == ["2024-10-18", "2024-10-12"]
    assert event.data["changed"]["working_days"] == ["15", "10"]
    assert "start_date" not in event.data["changed"]


def test_explicit_end_without_working_days(clients: Any, seed001: Inspection) -> None:
    office = clients["office"]
    data = post_form(office.get(_url(seed001)), having="start_date").data({"end_date": "2024-06-28", "intake_end": "2024-06-20"})
    response = office.post(_url(seed001), data)
    assert response.status_code == 302
    seed001.refresh_from_db()
    assert (seed001.end_date, seed001.intake_end, seed001.working_days) == (dt.date(2024, 6, 28), dt.date(2024, 6, 20), None)


def test_invalid_edit_is_refused_in_chinese_and_saves_nothing(clients: Any, seed001: Inspection) -> None:
    office = clients["office"]
    data = post_form(office.get(_url(seed001)), having="start_date").data(
        {"intake_start": "2024-06-14", "intake_end": "2024-03-06", "duration_text": "新表述"})
    events = AuditEvent.objects.count()

    response = office.post(_url(seed001), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "信访受理截止日期不能早于开始日期。" in html
    assert 'value="新表述"' in html
    seed001.refresh_from_db()
    assert (seed001.intake_start, seed001.intake_end, seed001.duration_text) == (dt.date(2024, 3, 6), dt.date(2024, 6, 14), "3个半月")
    assert AuditEvent.objects.count() == events
