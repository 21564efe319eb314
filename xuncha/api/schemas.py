from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ninja import Field, Schema


def enum_of(values: Iterable[str]) -> Any:
    """`json_schema_extra` documenting the values a text field takes (checked by the endpoint, in Chinese)."""
    return {"enum": list(values)}


def range_of(minimum: int, maximum: int) -> Any:
    """`json_schema_extra` documenting a number's range (checked by the endpoint, in Chinese)."""
    return {"minimum": minimum, "maximum": maximum}


class AddWorkingDaysQuery(Schema):
    start: dt.date = Field(..., description="起始日（为工作日时计为第 1 天）")
    days: int = Field(..., description="工作日数，1 到 1000", json_schema_extra=range_of(1, 1000))
    office: int | None = Field(None, description="按该巡察办的日历计算（须为调用者可见的巡察办，否则 404）")
    inspection: int | None = Field(None, description="按该巡察任务所属巡察办的日历计算（须为调用者可见的巡察任务，否则 404）")


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class PasswordIn(Schema):
    old_password: str
    new_password: str


class TokenOut(Schema):
    token: str


class HoursOut(Schema):
    days: str
    start: str
    end: str


class ChannelOut(Schema):
    id: int
    kind: str
    label: str
    value: str | None
    postcode: str | None
    location: str | None
    hours: list[HoursOut]


class InspectionOut(Schema):
    id: int
    round: str
    kind: str
    team: str
    target: str
    start_date: dt.date
    end_date: dt.date
    working_days: int | None
    intake_start: dt.date
    intake_end: dt.date
    postmark_counts: bool
    public_url: str
    channels: list[ChannelOut]


class AddWorkingDaysOut(Schema):
    start: dt.date
    days: int
    end: dt.date
    calendar_covers: bool


class WithinHoursOut(Schema):
    within: bool | None
    reason: str


class ErrorOut(Schema):
    """Every error answer carries the Chinese message in `detail`; a refused write adds `errors`, the list of reasons."""

    detail: str


class ParseIn(Schema):
    text: str
    published: dt.date | None = None
