"""The demo's registry, office settings and briefings before entry (xuncha/demo/registry.py)."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.demo.registry import load_demo_briefings
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.briefing import BriefingRequest
from xuncha.inspections.models import OfficeSettings, TargetOrg

pytestmark = pytest.mark.django_db


def test_registry_and_settings(demo: dict[str, Any]) -> None:
    university = TargetOrg.objects.get(name="中国计量大学党委")
    assert set(university.sub_orgs.values_list("name", flat=True)) == {"中国计量大学机电工程学院党委", "中国计量大学示范学院党委（演练）"}
    assert OfficeSettings.objects.filter(term_start__isnull=False).count() == 2


def test_briefings(demo: dict[str, Any]) -> None:
    seed000 = demo["seed000"]
    assert load_demo_briefings([seed000]) == 4
    briefings = BriefingRequest.objects.filter(inspection=seed000)
    assert briefings.count() == 4 and briefings.filter(answered_on__isnull=False).count() == 3
    assert briefings.get(body_kind="discipline").attachments.count() == 1
    assert Lead.objects.filter(inspection=seed000, source=Lead.Source.BRIEFING).count() == 2


def test_the_university_offices_own_calendar_and_limit(clients: Any, demo: dict[str, Any]) -> None:
    """The university office's 校庆 day off and adjusted working day show on its calendar page and count on its
    calendar only; its own time limit shows on its settings page and the offices above keep theirs."""
    import datetime as dt

    from django.conf import settings

    from conftest import DEMO_TODAY
    from xuncha.inspections.models import CalendarDay, Office
    from xuncha.inspections.selectors import calendar_for
    from xuncha.inspections.selectors_offices import office_limit

    cjlu, city = Office.objects.get(name="中国计量大学党委巡察办"), Office.objects.get(name="防城港市委巡察办")
    days = list(CalendarDay.objects.filter(office=cjlu).order_by("date").values_list("date", "kind", "name"))
    friday, sunday = dt.date(2026, 12, 11), dt.date(2026, 12, 13)  # the first Friday two weeks after DEMO_TODAY
    assert DEMO_TODAY + dt.timedelta(days=14) <= friday
    assert days == [(friday, "holiday", "校庆日放假（演练）"), (sunday, "workday", "校庆调休上班（演练）")]
    assert not CalendarDay.objects.exclude(office=cjlu).exists()  # no other office's or platform day
    assert [calendar_for(cjlu.pk).is_working_day(d) for d in (friday, sunday)] == [False, True]
    assert [calendar_for(city.pk).is_working_day(d) for d in (friday, sunday)] == [True, False]
    page = clients["office_cjlu"].get(f"/offices/{cjlu.pk}/calendar/").content.decode()
    assert "校庆日放假（演练）" in page and "校庆调休上班（演练）" in page
    assert office_limit(cjlu.pk, "notice_default_working_days") == 7
    assert office_limit(city.pk, "notice_default_working_days") == settings.NOTICE_DEFAULT_WORKING_DAYS
