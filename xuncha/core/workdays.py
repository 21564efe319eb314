"""Chinese working-day calendar.

The statutory holidays and adjusted working days (调休) come from the `chinesecalendar`
package; an explicit table of overrides (entered for years the package does not cover yet, or to
correct it: the platform's, then an office's own, see `WorkdayCalendar.layered`) takes precedence.
A date that neither covers is computed as Monday-Friday, and `WorkdayCalendar.covers()` tells the UI so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

HOLIDAY = "holiday"
WORKDAY = "workday"


def _package_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


PACKAGE_YEARS = _package_years()


@dataclass(frozen=True)
class WorkdayCalendar:
    """A calendar: the package's data plus overrides {date: "holiday" | "workday"}."""

    overrides: Mapping[dt.date, str] = field(default_factory=dict)

    @classmethod
    def layered(cls, layers: Iterable[Mapping[dt.date, str]]) -> WorkdayCalendar:
        """A calendar of several layers of overrides, a later layer winning on the same date (the platform's
        days, then an office's ancestors', then the office's own)."""
        merged: dict[dt.date, str] = {}
        for layer in layers:
            merged.update(layer)
        return cls(overrides=merged)

    def covers(self, day: dt.date) -> bool:
        """True when the statutory schedule of `day`'s year is known (package or overrides)."""
        return day.year in PACKAGE_YEARS or any(d.year == day.year for d in self.overrides)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.overrides or day.year not in PACKAGE_YEARS:
            return None
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if not on_holiday or name is None:
            return None
        return str(HOLIDAY_NAMES.get(name, name))

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which `days` working days end, counting `start` as day 1 when it is one.

        2024-09-25 + 15 -> 2024-10-18.
        """
        if days < 1:
            raise ValueError("days must be at least 1")
        day = start
        count = 0
        while True:
            if self.is_working_day(day):
                count += 1
                if count == days:
                    return day
            day += dt.timedelta(days=1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days from `start` to `end`, both included (0 when end < start)."""
        count = 0
        day = start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def add_working_days_after(self, start: dt.date, days: int) -> dt.date:
        """A due date: `days` working days after `start` (the start day itself not counted)."""
        return self.add_working_days(start + dt.timedelta(days=1), days)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's last day (1-31 + 1 -> 2-28/29):
    the rule of time limits counted in months (e.g. a result within 3 months of the hand-over)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
