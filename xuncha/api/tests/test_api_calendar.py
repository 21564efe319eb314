"""The calendar endpoints: add working days, and whether a moment is within a channel's hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import PERSONAS, VISIBLE_INSPECTIONS

pytestmark = pytest.mark.django_db
ADD = "/api/v1/calendar/add-working-days"
WITHIN = "/api/v1/calendar/within-hours"


def test_add_working_days(clients: Any) -> None:
    response = clients["member"].get(ADD, {"start": "2024-09-25", "days": 15})
    assert response.status_code == 200
    assert response.json() == {"start": "2024-09-25", "days": 15, "end": "2024-10-18", "calendar_covers": True}


def test_add_working_days_in_an_uncovered_year(clients: Any) -> None:
    body = clients["office"].get(ADD, {"start": "2030-01-07", "days": 5}).json()
    assert (body["end"], body["calendar_covers"]) == ("2030-01-11", False)


@pytest.mark.parametrize("params", [{"start": "2024-09-25", "days": 0}, {"start": "2024-09-25", "days": 1001}])
def test_days_out_of_range_is_400_in_chinese(clients: Any, params: dict[str, Any]) -> None:
    response = clients["office"].get(ADD, params)
    assert response.status_code == 400
    assert response.json() == {"detail": "工作日数应在 1 到 1000 之间。"}


@pytest.mark.parametrize("params", [{"start": "2024-02-30", "days": 3}, {"start": "2024-09-25", "days": "十五"}, {"start": "2024-09-25"}])
def test_malformed_input_is_400_in_chinese(clients: Any, params: dict[str, Any]) -> None:
    response = clients["office"].get(ADD, params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求参数有误：")


def _phone(inspection: Any) -> int:
    return inspection.channels.get(kind="phone").pk


@pytest.mark.parametrize(("at", "within", "reason_has"), [
    ("2024-09-29T10:00:00+08:00", True, "在受理时间（工作日08:30-11:30）内"),   # Sunday, adjusted working day
    ("2024-09-29T02:00:00Z", True, "2024-09-29 10:00"),                        # the same moment in UTC
    ("2024-10-01T10:00:00+08:00", False, "国庆节"),                             # National Day holiday
    ("2024-09-26T12:00:00+08:00", False, "不在受理时段"),                        # lunch break
    ("2024-09-26T16:30:00+08:00", False, "不在受理时段"),                        # the end is exclusive
    ("2024-09-28T10:00:00+08:00", False, "非工作日"),                            # ordinary Saturday
])
def test_within_hours_seed000_phone(clients: Any, demo: dict[str, Any], at: str, within: bool, reason_has: str) -> None:
    response = clients["leader"].get(WITHIN, {"channel": _phone(demo["seed000"]), "at": at})
    assert response.status_code == 200
    body = response.json()
    assert body["within"] is within
    assert reason_has in body["reason"]


def test_a_channel_without_hours_is_always_open(clients: Any, demo: dict[str, Any]) -> None:
    email = demo["seed000"].channels.get(kind="email")
    body = clients["office"].get(WITHIN, {"channel": email.pk, "at": "2024-10-01T03:00:00+08:00"}).json()
    assert body == {"within": None, "reason": "该渠道未设受理时间，随时受理"}


@pytest.mark.parametrize(("persona", "key"), [("other_leader", "seed000"), ("leader", "other"), ("auditor", "seed000"),
                                              ("recipient", "other"), ("norole", "seed000")])
def test_a_channel_the_caller_may_not_see_is_404(clients: Any, demo: dict[str, Any], persona: str, key: str) -> None:
    response = clients[persona].get(WITHIN, {"channel": _phone(demo[key]), "at": "2024-09-29T10:00:00+08:00"})
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_liaison_may_check_their_orgs_channel(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["liaison"].get(WITHIN, {"channel": _phone(demo["seed001"]), "at": "2024-03-07T15:30:00+08:00"})
    assert response.json()["within"] is True


def test_bad_moment_is_400_in_chinese(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["office"].get(WITHIN, {"channel": _phone(demo["seed000"]), "at": "yesterday"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求参数有误：")


# --- on an office's calendar (issue 20) -------------------------------------------------------------------
# 2027 is not covered by the calendar package (Monday to Friday unless a day is entered).
WED_2027 = "2027-03-03"


def _office(name: str) -> Any:
    from xuncha.inspections.models import Office

    return Office.objects.get(parent__isnull=True) if name == "root" else Office.objects.get(name=name)


@pytest.fixture
def province_holiday(demo: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    """A holiday of the province's office on Thursday 2027-03-04: its own and cjlu's inspections count past it."""
    from xuncha.inspections import services

    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=demo["users"]["office"], office=_office("省委教育工委巡察办"),
                                  date=dt.date(2027, 3, 4), kind="holiday", name="省级假日")


def test_add_working_days_on_an_offices_calendar(clients: Any, province_holiday: None) -> None:
    ask = {"start": WED_2027, "days": 2}
    assert clients["office"].get(ADD, ask).json()["end"] == "2027-03-04"  # the platform's calendar
    cjlu, city = _office("中国计量大学党委巡察办"), _office("防城港市委巡察办")
    assert clients["office_cjlu"].get(ADD, {**ask, "office": cjlu.pk}).json()["end"] == "2027-03-05"  # inherited
    assert clients["office"].get(ADD, {**ask, "office": cjlu.pk}).json()["end"] == "2027-03-05"
    assert clients["office_city"].get(ADD, {**ask, "office": city.pk}).json()["end"] == "2027-03-04"


def test_add_working_days_on_an_inspections_calendar(clients: Any, demo: dict[str, Any], province_holiday: None) -> None:
    ask = {"start": WED_2027, "days": 2}
    # seed 000 is the province's elevated inspection, seed 001 the city's.
    assert clients["member"].get(ADD, {**ask, "inspection": demo["seed000"].pk}).json()["end"] == "2027-03-05"
    assert clients["member"].get(ADD, {**ask, "inspection": demo["seed001"].pk}).json()["end"] == "2027-03-04"


def test_office_and_inspection_together_is_400(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["office"].get(ADD, {"start": WED_2027, "days": 2, "office": _office("root").pk,
                                           "inspection": demo["seed000"].pk})
    assert response.status_code == 400
    assert response.json() == {"detail": "office 与 inspection 只能给一个。"}


# Which offices each persona sees (GET /api/v1/offices): the root's admin all, an office's admin their subtree.
VISIBLE_OFFICES: dict[str, set[str]] = {
    "office": {"root", "省委教育工委巡察办", "中国计量大学党委巡察办", "防城港市委巡察办"},
    "office_cjlu": {"中国计量大学党委巡察办"},
    "office_city": {"防城港市委巡察办"},
}


@pytest.mark.parametrize("persona", [*PERSONAS, "office_cjlu", "office_city"])
def test_the_office_parameter_follows_the_offices_the_caller_sees(clients: Any, persona: str) -> None:
    listed = {o["id"] for o in clients[persona].get("/api/v1/offices").json()}
    for name in ("root", "省委教育工委巡察办", "中国计量大学党委巡察办", "防城港市委巡察办"):
        office = _office(name)
        response = clients[persona].get(ADD, {"start": WED_2027, "days": 2, "office": office.pk})
        seen = name in VISIBLE_OFFICES.get(persona, set())
        assert response.status_code == (200 if seen else 404), (persona, name)
        assert (office.pk in listed) is seen
    assert clients[persona].get(ADD, {"start": WED_2027, "days": 2, "office": 999_999}).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_inspection_parameter_follows_the_inspections_the_caller_sees(clients: Any, demo: dict[str, Any],
                                                                          persona: str) -> None:
    for key in ("seed000", "seed001", "practice", "other"):
        response = clients[persona].get(ADD, {"start": WED_2027, "days": 2, "inspection": demo[key].pk})
        assert response.status_code == (200 if key in VISIBLE_INSPECTIONS[persona] else 404), (persona, key)


def test_anonymous_may_not_count_on_an_office_calendar(clients: Any) -> None:
    assert clients["anonymous"].get(ADD, {"start": WED_2027, "days": 2, "office": _office("root").pk}).status_code == 401
