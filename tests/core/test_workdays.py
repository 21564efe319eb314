import datetime as dt

import pytest

from xuncha.core.hours import HoursRange, within_hours
from xuncha.core.workdays import HOLIDAY, WORKDAY, WorkdayCalendar

D = dt.date
cal = WorkdayCalendar()


def test_seed_000_fifteen_working_days_end_on_october_18() -> None:
    assert cal.add_working_days(D(2024, 9, 25), 15) == D(2024, 10, 18)


@pytest.mark.parametrize("day", [D(2024, 9, 29), D(2024, 10, 12), D(2024, 9, 25)])
def test_adjusted_and_ordinary_working_days(day: dt.date) -> None:
    assert cal.is_working_day(day)


@pytest.mark.parametrize("day", [D(2024, 10, 1), D(2024, 10, 7), D(2026, 2, 17), D(2024, 9, 28)])
def test_holidays_and_weekends_are_not_working_days(day: dt.date) -> None:
    assert not cal.is_working_day(day)


def test_start_day_is_not_counted_when_it_is_a_holiday() -> None:
    # Start on National Day: the first working day is 10-08.
    assert cal.add_working_days(D(2024, 10, 1), 1) == D(2024, 10, 8)


def test_working_days_between_counts_both_ends() -> None:
    assert cal.working_days_between(D(2024, 9, 25), D(2024, 10, 18)) == 15
    assert cal.working_days_between(D(2024, 10, 18), D(2024, 9, 25)) == 0


def test_due_date_excludes_the_start_day() -> None:
    # Received Friday 2024-09-27; 1 working day later is Sunday 09-29 (adjusted working day).
    assert cal.add_working_days_after(D(2024, 9, 27), 1) == D(2024, 9, 29)


def test_year_outside_the_package_falls_back_to_monday_to_friday() -> None:
    assert not cal.covers(D(2027, 2, 10))
    assert cal.is_working_day(D(2027, 2, 10))  # a Wednesday
    assert not cal.is_working_day(D(2027, 2, 13))  # a Saturday


def test_overrides_take_precedence_and_extend_the_package() -> None:
    custom = WorkdayCalendar(overrides={D(2027, 2, 10): HOLIDAY, D(2027, 2, 13): WORKDAY, D(2024, 10, 8): HOLIDAY})
    assert custom.covers(D(2027, 2, 1))
    assert not custom.is_working_day(D(2027, 2, 10))
    assert custom.is_working_day(D(2027, 2, 13))
    assert not custom.is_working_day(D(2024, 10, 8))
    assert custom.add_working_days(D(2027, 2, 8), 3) == D(2027, 2, 11)


def test_add_working_days_needs_a_positive_count() -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(D(2024, 9, 25), 0)


SEED_000_PHONE = [HoursRange("workdays", dt.time(8, 30), dt.time(11, 30)), HoursRange("workdays", dt.time(13, 30), dt.time(16, 30))]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_call_on_adjusted_working_sunday_is_within_hours() -> None:
    verdict = within_hours(SEED_000_PHONE, at("2024-09-29T10:00:00+08:00"), cal)
    assert verdict.within is True
    assert "08:30-11:30" in verdict.reason


def test_call_on_national_day_is_outside_hours() -> None:
    verdict = within_hours(SEED_000_PHONE, at("2024-10-01T10:00:00+08:00"), cal)
    assert verdict.within is False
    assert "国庆节" in verdict.reason


def test_call_in_the_lunch_break_is_outside_hours() -> None:
    verdict = within_hours(SEED_000_PHONE, at("2024-09-26T12:00:00+08:00"), cal)
    assert verdict.within is False
    assert "不在受理时段" in verdict.reason


def test_end_of_range_is_exclusive_and_utc_is_converted() -> None:
    assert within_hours(SEED_000_PHONE, at("2024-09-26T11:30:00+08:00"), cal).within is False
    # 02:00 UTC is 10:00 in Beijing.
    assert within_hours(SEED_000_PHONE, at("2024-09-26T02:00:00+00:00"), cal).within is True


def test_everyday_hours_apply_on_holidays() -> None:
    hours = [HoursRange("everyday", dt.time(9), dt.time(17))]
    assert within_hours(hours, at("2024-10-01T10:00:00+08:00"), cal).within is True


def test_channel_without_hours_is_always_open() -> None:
    assert within_hours([], at("2024-10-01T03:00:00+08:00"), cal).within is None
