"""An exported inspection carries its office's working-day calendar and time limits (issue 20): the days of
the platform and of its office chain in its period and the year after, and the limits in force, so that the
receiver counts its due dates as the sender did; stored with the package record, never as the receiver's
own calendar days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.exchange.selectors import package_calendar, package_limits
from xuncha.exchange.services import inspection_export, package_import_confirm, package_upload
from xuncha.exchange.tests.test_roundtrip import _remove
from xuncha.inspections import services
from xuncha.inspections.models import CalendarDay, Inspection, Office
from xuncha.inspections.models_offices import LIMITS
from xuncha.inspections.selectors import calendar_for, calendar_of
from xuncha.inspections.selectors_offices import office_limit
from xuncha.inspections.services_offices import office_settings_save

pytestmark = pytest.mark.django_db


def _weekday_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)


def test_the_offices_calendar_and_limits_travel_with_the_inspection(demo: dict[str, Any], as_deployment: Any, clients: Any,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    users, practice = demo["users"], Inspection.objects.get(pk=demo["practice"].pk)
    city, province = Office.objects.get(name="防城港市委巡察办"), Office.objects.get(name="省委教育工委巡察办")
    assert practice.office_id == city.pk
    wed = _weekday_after(practice.start_date, 2)
    sat = _weekday_after(wed, 5)
    after_period = _weekday_after(practice.end_date + dt.timedelta(days=60), 1)  # where later due dates fall
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=users["office_city"], office=city, date=wed, kind="holiday", name="市里放假")
        services.calendar_day_set(actor=users["office"], office=None, date=sat, kind="workday", name="全平台调休")
        services.calendar_day_set(actor=users["office_city"], office=city, date=after_period, kind="holiday", name="其后放假")
        services.calendar_day_set(actor=users["office"], office=province, date=wed + dt.timedelta(days=1), kind="holiday")
    office_settings_save(actor=users["office_city"], office=city, term_start=dt.date(2021, 9, 1), term_years=5,
                         limits={"handover_working_days": 9}, briefing_asks={})
    sender = calendar_of(practice)
    due = sender.add_working_days(practice.start_date, 12)
    assert due != calendar_for(None).add_working_days(practice.start_date, 12)  # the city's day counts

    data, _, summary = inspection_export(actor=users["office"], inspection_id=practice.pk, peer="prov")
    carried = summary["calendar"]
    assert carried["office"] == city.name
    assert [(d["date"], d["kind"], d["office"]) for d in carried["days"]] == [
        (wed.isoformat(), "holiday", city.name), (sat.isoformat(), "workday", None), (after_period.isoformat(), "holiday", city.name)]
    assert carried["limits"] == {name: office_limit(city.pk, name) for name in LIMITS} and carried["limits"]["handover_working_days"] == 9

    # The receiver: without the inspection, its own calendar days differ (it has none of the city's).
    _remove(practice)
    CalendarDay.objects.filter(office=city).delete()
    own_days = set(CalendarDay.objects.values_list("office_id", "date", "kind"))
    as_deployment("prov", fresh_identity_key=True)
    root = Office.objects.get(parent=None)
    record = package_upload(actor=users["office"], office_id=root.pk, content=data)
    record = package_import_confirm(actor=users["office"], import_id=record.pk)
    assert record.inspection_id is not None
    imported = Inspection.objects.get(pk=record.inspection_id)

    assert set(CalendarDay.objects.values_list("office_id", "date", "kind")) == own_days  # not overwritten
    assert calendar_of(imported).add_working_days(practice.start_date, 12) != due  # the receiver's calendar
    calendar = package_calendar(record=record)
    assert calendar is not None and calendar.add_working_days(practice.start_date, 12) == due  # the sender's count
    assert calendar.is_working_day(sat) and not calendar.is_working_day(after_period)
    assert package_limits(record=record)["handover_working_days"] == 9
    page = clients["office"].get(f"/exchange/imports/{record.pk}/").content.decode()
    assert "发出方巡察办的工作日历和期限" in page and "市里放假" in page and "移交、转办签收期限：9个工作日" in page
