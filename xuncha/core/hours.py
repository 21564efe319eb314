"""Acceptance hours: whether a moment falls inside a channel's hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .workdays import WorkdayCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKDAYS = "workdays"
EVERYDAY = "everyday"


@dataclass(frozen=True)
class HoursRange:
    days: str  # "workdays" | "everyday"
    start: dt.time
    end: dt.time

    def label(self) -> str:
        return f"{'工作日' if self.days == WORKDAYS else '每天'}{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class HoursVerdict:
    within: bool | None  # None: the channel has no hours (always open)
    reason: str


def within_hours(ranges: Iterable[HoursRange], at: dt.datetime, calendar: WorkdayCalendar) -> HoursVerdict:
    """Is `at` inside one of the ranges? Naive datetimes are taken as Beijing time."""
    ranges = list(ranges)
    local = at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at.astimezone(SHANGHAI)
    stamp = f"{local:%Y-%m-%d %H:%M}"
    if not ranges:
        return HoursVerdict(None, "该渠道未设受理时间，随时受理")
    day, moment = local.date(), local.time()
    working = calendar.is_working_day(day)
    day_ranges = [r for r in ranges if r.days == EVERYDAY or working]
    for r in day_ranges:
        if r.start <= moment < r.end:
            return HoursVerdict(True, f"{stamp} 在受理时间（{r.label()}）内")
    all_labels = "、".join(r.label() for r in ranges)
    if not day_ranges:
        note = calendar.holiday_name(day)
        what = f"法定节假日（{note}）" if note else "非工作日"
        if not calendar.covers(day):
            what += "（该年度节假日安排未录入，按周一至周五计算）"
        return HoursVerdict(False, f"{stamp} 为{what}，不在受理时间（{all_labels}）内")
    day_kind = "工作日" if working else "非工作日"
    if working and day.weekday() >= 5:
        day_kind = "调休工作日"
    return HoursVerdict(False, f"{stamp} 为{day_kind}，但不在受理时段（{all_labels}）内")
