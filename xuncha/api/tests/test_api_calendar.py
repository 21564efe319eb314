"""The calendar endpoints: add working days, and whether a moment is within a channel's hours."""

from __future__ import annotations

from typing import Any

import pytest

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
