"""Dates, date ranges and durations in (cleaned, simplified) announcement text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from xuncha.core.workdays import add_months

__all__ = [
    "DateMention",
    "Duration",
    "add_months",
    "cn_number",
    "default_add_working_days",
    "find_dates",
    "find_durations",
]

AddWorkingDays = Callable[[dt.date, int], dt.date]

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零○一二两三四五六七八九十"
NUM = rf"(?:\d+|[{_CN_NUM}]+)"


def cn_number(token: str) -> int | None:
    """``"15"``, ``"十五"``, ``"二十一"``, ``"两"``, ``"二〇二四"`` -> int; None if not a number."""
    if token.isdigit():
        return int(token)
    if not token or any(ch not in _CN_DIGITS and ch != "十" for ch in token):
        return None
    if "十" not in token:  # digit by digit: 二〇二四
        value = 0
        for ch in token:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


_YEAR = r"(?P<y>\d{4}|[二〇零○一三四五六七八九]{4})年"
_MONTH = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
_DAY = r"(?P<d>\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s?[日号]"
_CN_DATE = re.compile(rf"(?:{_YEAR})?(?:{_MONTH})?{_DAY}")
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None  # None: the day of a month named earlier ("3月6日至21日")
    day: int
    text: str

    def resolve(self, year: int | None, month: int | None = None) -> dt.date | None:
        y = self.year if self.year is not None else year
        m = self.month if self.month is not None else month
        if y is None or m is None:
            return None
        try:
            return dt.date(y, m, self.day)
        except ValueError:
            return None


def find_dates(text: str) -> list[DateMention]:
    """Every date mention, in order. A bare day (``21日``) is kept only right after a range dash."""
    found: list[DateMention] = []
    for m in _CN_DATE.finditer(text):
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        month = cn_number(m.group("m")) if m.group("m") else None
        day = cn_number(m.group("d"))
        year = cn_number(m.group("y")) if m.group("y") else None
        if day is None or not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
            continue
        if month is None:
            before = text[max(0, m.start() - 2) : m.start()]
            if not re.search(r"(?:至|到|—|-|~)$", before):
                continue  # "15日" alone is a duration or noise, not a date
        found.append(DateMention(m.start(), m.end(), year, month, day, m.group(0)))
    for m in _ISO_DATE.finditer(text):
        found.append(DateMention(m.start(), m.end(), int(m.group("y")), int(m.group("m")),
                                 int(m.group("d")), m.group(0)))
    found.sort(key=lambda d: d.start)
    return found


def default_add_working_days(start: dt.date, days: int) -> dt.date:
    """Chinese statutory calendar (``chinesecalendar``); Monday-Friday outside its years.

    The start day counts as day 1 when it is a working day.
    """
    import chinese_calendar

    covered = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}

    def is_workday(day: dt.date) -> bool:
        if day.year in covered:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    day, count = start, 0
    while True:
        if is_workday(day):
            count += 1
            if count >= days:
                return day
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Duration:
    start: int
    end: int
    text: str  # as written, e.g. "15个工作日左右", "3个半月", "约1个月"
    amount: int
    half: bool  # "3个半月", "一个半月", "半个月"
    unit: str  # "workday" | "day" | "week" | "month"
    approximate: bool

    def end_date(self, start: dt.date, add_working_days: AddWorkingDays) -> dt.date:
        if self.unit == "workday":
            return add_working_days(start, self.amount)
        if self.unit == "day":
            return start + dt.timedelta(days=self.amount - 1)
        if self.unit == "week":
            return start + dt.timedelta(days=7 * self.amount - 1)
        end = add_months(start, self.amount)
        if self.half:
            end += dt.timedelta(days=15)
        return end - dt.timedelta(days=1)


_DURATION = re.compile(
    rf"(?P<approx>约|大约|大概|近)?(?:(?P<n>{NUM})个?(?P<half>半)?(?:个)?|(?P<onlyhalf>半)个)"
    r"(?P<unit>工作日|天|日|周|星期|月)(?P<about>左右)?"
)
_DURATION_NOT_A_PERIOD = re.compile(r"^(?:内|以内|之内|前|后|以上|以下|一次|的时限)")
_UNITS = {"工作日": "workday", "天": "day", "日": "day", "周": "week", "星期": "week", "月": "month"}


def find_durations(text: str) -> list[Duration]:
    """Durations of a stay ("用15个工作日左右", "为期30天", "3个半月"), not time limits ("15个工作日内")."""
    found: list[Duration] = []
    for m in _DURATION.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "第"):
            continue
        if _DURATION_NOT_A_PERIOD.match(text[m.end() :]):
            continue
        unit = _UNITS[m.group("unit")]
        if unit == "month" and "个" not in m.group(0):
            continue  # "3月" is a month name, not a duration
        if unit == "day" and m.group("unit") == "日" and "个" not in m.group(0):
            continue  # "6日" is a date
        if m.group("onlyhalf"):
            amount, half = 0, True
        else:
            value = cn_number(m.group("n"))
            if value is None or value == 0:
                continue
            amount, half = value, bool(m.group("half"))
        found.append(
            Duration(m.start(), m.end(), m.group(0), amount, half, unit,
                     bool(m.group("approx") or m.group("about")))
        )
    return found
