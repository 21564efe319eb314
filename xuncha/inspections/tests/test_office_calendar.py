"""Issue 20, each office's own calendar and time limits: calendar days entered by an office apply to the
inspections of its subtree over the platform's (the nearest office winning on a date); the office's
calendar page (its own office's admins only, 404 for any other); the due dates of an inspection follow its
office's calendar and limits. 2027 is a year the calendar package does not cover: Monday to Friday unless
a day is entered, so each entered day shows (the demo's own university days fall near the demo's today, 2026)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.errors import NotAllowed
from xuncha.inspections import services
from xuncha.inspections.models import CalendarDay, Office, Round, TargetOrg, Team
from xuncha.inspections.selectors import calendar_for, calendar_get
from xuncha.inspections.selectors_offices import office_limit, office_limit_map
from xuncha.rectification.dues import plan_due_for

pytestmark = pytest.mark.django_db

WED, THU, FRI, SAT = dt.date(2027, 3, 3), dt.date(2027, 3, 4), dt.date(2027, 3, 5), dt.date(2027, 3, 6)
MON = dt.date(2027, 3, 1)


def _offices() -> dict[str, Office]:
    return {"root": Office.objects.get(parent__isnull=True), "province": Office.objects.get(name="省委教育工委巡察办"),
            "cjlu": Office.objects.get(name="中国计量大学党委巡察办"), "city": Office.objects.get(name="防城港市委巡察办")}


def _url(office: Office) -> str:
    return f"/offices/{office.pk}/calendar/"


def _set(actor: Any, office: Office | None, day: dt.date, kind: str, capture: Any, name: str = "") -> CalendarDay:
    with capture(execute=True):
        return services.calendar_day_set(actor=actor, office=office, date=day, kind=kind, name=name)


def test_the_nearest_office_wins_over_those_above_and_the_platform(demo: dict[str, Any],
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    o, users = _offices(), demo["users"]
    _set(users["office"], None, WED, "holiday", django_capture_on_commit_callbacks, "平台假日")
    _set(users["office"], o["province"], THU, "holiday", django_capture_on_commit_callbacks, "省级假日")
    _set(users["office"], o["province"], SAT, "workday", django_capture_on_commit_callbacks, "省级调休")
    _set(users["office_cjlu"], o["cjlu"], THU, "workday", django_capture_on_commit_callbacks, "学校照常上班")

    cjlu, province, city = calendar_for(o["cjlu"].pk), calendar_for(o["province"].pk), calendar_for(o["city"].pk)
    # The platform's day applies everywhere; the province's to itself and cjlu; cjlu's own wins on Thursday.
    assert [cjlu.is_working_day(d) for d in (WED, THU, FRI, SAT)] == [False, True, True, True]
    assert [province.is_working_day(d) for d in (WED, THU, FRI, SAT)] == [False, False, True, True]
    assert [city.is_working_day(d) for d in (WED, THU, FRI, SAT)] == [False, True, True, False]
    # The platform's calendar (no office) has the platform's days only; the root's inspections, the root's.
    assert [calendar_get().is_working_day(d) for d in (WED, THU, SAT)] == [False, True, False]
    assert calendar_for(None).overrides == calendar_for(o["root"].pk).overrides == {WED: "holiday"}


def test_office_days_are_written_by_that_offices_admins_and_audited(demo: dict[str, Any],
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    o, users = _offices(), demo["users"]
    with pytest.raises(NotAllowed):
        services.calendar_day_set(actor=users["office_city"], office=o["cjlu"], date=THU, kind="holiday")
    with pytest.raises(NotAllowed):
        services.calendar_day_set(actor=users["office_cjlu"], office=o["province"], date=THU, kind="holiday")
    with pytest.raises(NotAllowed):  # the platform's days stay the root office's
        services.calendar_day_set(actor=users["office_cjlu"], office=None, date=THU, kind="holiday")
    day = _set(users["office_cjlu"], o["cjlu"], THU, "holiday", django_capture_on_commit_callbacks, "校庆")
    again = _set(users["office_cjlu"], o["cjlu"], THU, "workday", django_capture_on_commit_callbacks, "校庆调整")
    assert again.pk == day.pk and CalendarDay.objects.filter(office=o["cjlu"], date__year=2027).count() == 1
    # The same date may be entered by the platform and by another office.
    _set(users["office"], None, THU, "holiday", django_capture_on_commit_callbacks)
    _set(users["office_city"], o["city"], THU, "holiday", django_capture_on_commit_callbacks)
    assert CalendarDay.objects.filter(date=THU).count() == 3
    events = AuditEvent.objects.filter(action="calendar.set", object_id=str(day.pk)).order_by("pk")
    assert [e.data["kind"] for e in events] == ["holiday", "workday"] and events[0].data["office"] == o["cjlu"].pk
    assert "中国计量大学党委巡察办" in events[0].summary
    with pytest.raises(NotAllowed):
        services.calendar_day_delete(actor=users["office_city"], day=day)
    pk = day.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_delete(actor=users["office_cjlu"], day=day)
    assert AuditEvent.objects.get(action="calendar.delete", object_id=str(pk)).data["office"] == o["cjlu"].pk
    assert {d: k for d, k in calendar_for(o["cjlu"].pk).overrides.items() if d.year == 2027} == {THU: "holiday"}  # the platform's


def _calc(client: Client, office: Office, start: str, days: int) -> str:
    html = client.get(_url(office), {"start": start, "days": str(days)}).content.decode()
    begin = html.index('id="calc-result"')
    return html[begin:html.index("</p>", begin)]


def test_the_office_calendar_page(clients: dict[str, Client], demo: dict[str, Any],
                                  django_capture_on_commit_callbacks: Any) -> None:
    o = _offices()
    province, cjlu = clients["office"], clients["office_cjlu"]
    # The province's admin (the root's `office`) enters a holiday for the province's subtree.
    page = province.get(_url(o["province"]))
    data = post_form(page, having="d-date").data({"d-date": "2027-03-04", "d-kind": "holiday", "d-name": "省级假日"})
    with django_capture_on_commit_callbacks(execute=True):
        response = province.post(_url(o["province"]), data, follow=True)
    assert "已保存本巡察办的节假日调整。" in response.content.decode()
    assert CalendarDay.objects.get(office=o["province"], date=THU).name == "省级假日"
    # cjlu inherits it: listed as the province's, and its calculator skips the day.
    html = cjlu.get(_url(o["cjlu"])).content.decode()
    assert 'id="inherited-days"' in html and "省级假日" in html and "省委教育工委巡察办" in html
    assert "<strong>2027年3月5日</strong>" in _calc(cjlu, o["cjlu"], "2027-03-03", 2)
    # cjlu overrides it with an ordinary working day of its own, through the page.
    data = post_form(cjlu.get(_url(o["cjlu"])), having="d-date").data({"d-date": "2027-03-04", "d-kind": "workday",
                                                                       "d-name": "学校照常上班"})
    with django_capture_on_commit_callbacks(execute=True):
        assert cjlu.post(_url(o["cjlu"]), data).status_code == 302
    assert "<strong>2027年3月4日</strong>" in _calc(cjlu, o["cjlu"], "2027-03-03", 2)
    assert "<strong>2027年3月5日</strong>" in _calc(province, o["province"], "2027-03-03", 2)  # the province's unchanged
    own = CalendarDay.objects.get(office=o["cjlu"], date=THU)
    # Deleting it: the province's day applies again.
    with django_capture_on_commit_callbacks(execute=True):
        assert cjlu.post(f"/offices/{o['cjlu'].pk}/calendar/{own.pk}/delete/").status_code == 302
    assert "<strong>2027年3月5日</strong>" in _calc(cjlu, o["cjlu"], "2027-03-03", 2)
    # A bad kind: a Chinese message, nothing saved.
    bad = cjlu.post(_url(o["cjlu"]), {"d-date": "2027-03-04", "d-kind": "party"})
    assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()
    assert not CalendarDay.objects.filter(office=o["cjlu"], date__year=2027).exists()
    # The settings page links to it.
    assert _url(o["cjlu"]) in cjlu.get(f"/offices/{o['cjlu'].pk}/settings/").content.decode()


def test_another_offices_calendar_is_404_and_unchanged(clients: dict[str, Client], demo: dict[str, Any],
                                                       django_capture_on_commit_callbacks: Any) -> None:
    o = _offices()
    day = _set(demo["users"]["office"], o["province"], THU, "holiday", django_capture_on_commit_callbacks)
    for persona, office in (("office_cjlu", o["province"]), ("office_cjlu", o["city"]), ("office_city", o["cjlu"]),
                            ("office_city", o["province"]), ("leader", o["cjlu"]), ("sysadmin", o["city"])):
        c = clients[persona]
        assert c.get(_url(office)).status_code == 404, (persona, office.name)
        assert c.post(_url(office), {"d-date": "2027-03-05", "d-kind": "holiday"}).status_code == 404
        assert c.post(f"/offices/{o['province'].pk}/calendar/{day.pk}/delete/").status_code == 404
    # A day of another office, asked for under one's own office: 404 too.
    assert clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/calendar/{day.pk}/delete/").status_code == 404
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("office_id", "date")) == [(o["province"].pk, THU)]


def test_an_inspections_end_follows_its_offices_calendar(demo: dict[str, Any],
                                                        django_capture_on_commit_callbacks: Any) -> None:
    """The same period in working days ends later for the university, whose office entered a holiday."""
    o, users = _offices(), demo["users"]
    _set(users["office_cjlu"], o["cjlu"], THU, "holiday", django_capture_on_commit_callbacks, "校庆")
    rnd = Round.objects.get(office=o["cjlu"])
    made = services.inspection_create(actor=users["office_cjlu"], round=rnd, team=Team.objects.get(round=rnd),
                                      target=TargetOrg.objects.get(name="中国计量大学示范学院党委（演练）"),
                                      start_date=MON, working_days=5)
    assert made.end_date == dt.date(2027, 3, 8)  # Mon–Wed, Fri, Mon: Thursday is the university's holiday
    assert calendar_for(o["city"].pk).add_working_days(MON, 5) == FRI  # elsewhere the same five days end Friday
    # Changing the office's calendar changes the period computed next (not what was computed before).
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_delete(actor=users["office_cjlu"], day=CalendarDay.objects.get(office=o["cjlu"], date=THU))
    made.refresh_from_db()
    assert made.end_date == dt.date(2027, 3, 8)
    updated = services.inspection_update(actor=users["office_cjlu"], inspection=made, start_date=MON, end_date=None,
                                         working_days=5, intake_start=None, intake_end=None, duration_text="",
                                         postmark_counts=False, scope_text="")
    assert updated.end_date == FRI


def test_the_plan_due_follows_the_offices_limit_and_calendar(clients: dict[str, Client], demo: dict[str, Any],
                                                             django_capture_on_commit_callbacks: Any) -> None:
    """The province counts the plan in working days; the university inherits that, on its own calendar."""
    o = _offices()
    feedback_on = dt.date(2027, 3, 2)  # a Tuesday
    assert plan_due_for(feedback_on, o["cjlu"].pk) == dt.date(2027, 3 + settings.RECTIFICATION_PLAN_MONTHS, 2)
    r = clients["office"].post(f"/offices/{o['province'].pk}/settings/", {"term_years": "5", "rectification_plan_working_days": "3"})
    assert r.status_code == 302
    assert office_limit(o["cjlu"].pk, "rectification_plan_working_days") == 3
    page = clients["office_cjlu"].get(f"/offices/{o['cjlu'].pk}/settings/").content.decode()
    assert "现沿用：3个工作日" in page  # what the university inherits, shown
    assert plan_due_for(feedback_on, o["cjlu"].pk) == FRI  # Wed, Thu, Fri
    _set(demo["users"]["office_cjlu"], o["cjlu"], THU, "holiday", django_capture_on_commit_callbacks)
    assert plan_due_for(feedback_on, o["cjlu"].pk) == dt.date(2027, 3, 8)  # Wed, Fri, Mon
    assert plan_due_for(feedback_on, o["province"].pk) == FRI
    # The university goes back to months with 0 (a value of its own, not "inherit").
    r = clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/settings/", {"term_years": "5", "rectification_plan_working_days": "0",
                                                                          "rectification_plan_months": "2"})
    assert r.status_code == 302
    assert plan_due_for(feedback_on, o["cjlu"].pk) == dt.date(2027, 5, 2)
    assert plan_due_for(feedback_on, o["city"].pk) == dt.date(2027, 3 + settings.RECTIFICATION_PLAN_MONTHS, 2)
    # 0 is refused where it means nothing.
    bad = clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/settings/", {"term_years": "5", "handover_result_months": "0"})
    assert bad.status_code == 400


def test_limit_map_agrees_with_office_limit(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _offices()
    clients["office"].post(f"/offices/{o['root'].pk}/settings/", {"term_years": "5", "handover_result_months": "4"})
    clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/settings/", {"term_years": "5", "handover_result_months": "1"})
    every = office_limit_map("handover_result_months")
    assert every == {pk: office_limit(pk, "handover_result_months") for pk in every}
    assert (every[None], every[o["province"].pk], every[o["cjlu"].pk], every[o["city"].pk]) == (4, 4, 1, 4)
