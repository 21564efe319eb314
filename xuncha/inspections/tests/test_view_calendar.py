"""The working-day calendar page (/calendar/): the calculator and the office's overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services
from xuncha.inspections.models import CalendarDay
from xuncha.inspections.selectors import calendar_get

pytestmark = pytest.mark.django_db
URL = "/calendar/"


def _calc(client: Any, start: str, days: int) -> str:
    response = client.get(URL, {"start": start, "days": days})
    assert response.status_code == 200
    html = response.content.decode()
    begin = html.index('id="calc-result"')
    return html[begin:html.index("</p>", begin)]


def test_calculator_follows_the_statutory_calendar(clients: Any, demo: dict[str, Any]) -> None:
    result = _calc(clients["office"], "2024-09-25", 15)
    assert "<strong>2024年10月18日</strong>" in result
    assert "尚未录入" not in result


def test_a_2027_holiday_override_is_skipped_by_the_calculator(clients: Any, demo: dict[str, Any],
                                                             django_capture_on_commit_callbacks: Any) -> None:
    office = clients["office"]
    # 2027 is not in the package data: Monday to Friday, and the page says so.
    before = _calc(office, "2027-01-04", 2)
    assert "<strong>2027年1月5日</strong>" in before
    assert "该年度节假日安排尚未录入" in before

    data = post_form(office.get(URL), having="d-date").data({"d-date": "2027-01-04", "d-kind": "holiday", "d-name": "测试假日"})
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(URL, data, follow=True)

    assert "已保存节假日调整。" in response.content.decode()
    day = CalendarDay.objects.get(date=dt.date(2027, 1, 4))
    assert (day.kind, day.name) == ("holiday", "测试假日")
    assert AuditEvent.objects.filter(action="calendar.set", object_id=str(day.pk)).exists()
    after = _calc(office, "2027-01-04", 2)
    assert "<strong>2027年1月6日</strong>" in after
    assert "该年度节假日安排尚未录入" not in after  # an override makes the year "entered"
    assert calendar_get().add_working_days(dt.date(2027, 1, 1), 1) == dt.date(2027, 1, 1)  # a Friday, not overridden
    assert calendar_get().add_working_days(dt.date(2027, 1, 4), 1) == dt.date(2027, 1, 5)


def test_an_adjusted_working_day_counts(clients: Any, demo: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    office = clients["office"]
    data = post_form(office.get(URL), having="d-date").data({"d-date": "2027-01-09", "d-kind": "workday", "d-name": "调休上班"})
    with django_capture_on_commit_callbacks(execute=True):
        office.post(URL, data)
    # Fri 01-08 is day 1, Sat 01-09 (adjusted working day) is day 2.
    assert "<strong>2027年1月9日</strong>" in _calc(office, "2027-01-08", 2)


def test_deleting_an_override(clients: Any, demo: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    office = clients["office"]
    with django_capture_on_commit_callbacks(execute=True):
        day = services.calendar_day_set(actor=demo["users"]["office"], date=dt.date(2027, 1, 4), kind="holiday", name="测试假日")
    assert "<strong>2027年1月6日</strong>" in _calc(office, "2027-01-04", 2)
    assert "测试假日" in office.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("inspections:calendar_delete", args=[day.pk]), follow=True)

    assert "已删除。" in response.content.decode()
    assert not CalendarDay.objects.filter(office__isnull=True).exists()  # the demo has office days of its own
    assert AuditEvent.objects.filter(action="calendar.delete", object_id=str(day.pk)).exists()
    assert "<strong>2027年1月5日</strong>" in _calc(office, "2027-01-04", 2)


def test_invalid_calculator_input_is_explained_in_chinese(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["office"].get(URL, {"start": "2024-02-30", "days": "0"}).content.decode()
    assert 'id="calc-result"' not in html
    assert "输入一个有效的日期。" in html
    assert "确保该值大于或等于1。" in html


def test_an_override_needs_a_valid_kind(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    data = post_form(office.get(URL), having="d-date").data({"d-date": "2027-01-04", "d-kind": "party"})
    response = office.post(URL, data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not CalendarDay.objects.filter(office__isnull=True).exists()  # the demo has office days of its own


def test_the_calculator_counts_on_a_chosen_offices_calendar(clients: Any, demo: dict[str, Any],
                                                            django_capture_on_commit_callbacks: Any) -> None:
    from xuncha.inspections.models import Office

    cjlu, city = Office.objects.get(name="中国计量大学党委巡察办"), Office.objects.get(name="防城港市委巡察办")
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=demo["users"]["office_cjlu"], office=cjlu, date=dt.date(2027, 1, 5),
                                  kind="holiday", name="校庆")
    ask = {"start": "2027-01-04", "days": 2}
    page = clients["office_cjlu"].get(URL, {**ask, "office": cjlu.pk}).content.decode()
    assert "<strong>2027年1月6日</strong>（按中国计量大学党委巡察办的日历" in page
    assert "<strong>2027年1月5日</strong>" in _calc(clients["office_cjlu"], "2027-01-04", 2)  # the platform's
    # An office the user does not see is not a choice: the form refuses it and no result is shown.
    refused = clients["office_cjlu"].get(URL, {**ask, "office": city.pk}).content.decode()
    assert 'id="calc-result"' not in refused
    assert f'<option value="{city.pk}"' not in refused and f'<option value="{cjlu.pk}"' in refused
