from __future__ import annotations

import datetime as dt

from ninja import Schema


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
    detail: str


class ParseIn(Schema):
    text: str
    published: dt.date | None = None
