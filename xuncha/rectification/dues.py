"""The time limits after the feedback (docs/architecture.md §5 默认期限): the rectification plan and the
rectification reports. Counted in months as the rules state them, or in working days when configured; each
limit and the working-day calendar are those of the inspection's office (its own, else the nearest office
above's, else the platform's: xuncha.inspections.selectors_offices.office_limit, selectors.calendar_for)."""

from __future__ import annotations

import datetime as dt

from xuncha.core.workdays import WorkdayCalendar, add_months
from xuncha.inspections.selectors import calendar_for
from xuncha.inspections.selectors_offices import office_limit


def due_after(feedback_on: dt.date, *, months: int, working_days: int, calendar: WorkdayCalendar) -> dt.date:
    """A time limit after the feedback: `working_days` working days when positive (the feedback day not
    counted), else the same day `months` months later (as the rules state it)."""
    if working_days > 0:
        return calendar.add_working_days_after(feedback_on, working_days)
    return add_months(feedback_on, months)


def report_due_for(feedback_on: dt.date, office_id: int | None = None) -> dt.date:
    """The target's rectification reports are due FEEDBACK_REPORT_MONTHS months or FEEDBACK_REPORT_WORKING_DAYS
    working days after the feedback (the office's limits)."""
    return due_after(feedback_on, months=office_limit(office_id, "feedback_report_months"),
                     working_days=office_limit(office_id, "feedback_report_working_days"), calendar=calendar_for(office_id))


def plan_due_for(feedback_on: dt.date, office_id: int | None = None) -> dt.date:
    """The target's rectification plan is due RECTIFICATION_PLAN_MONTHS months (or RECTIFICATION_PLAN_WORKING_DAYS
    working days) after the feedback (the office's limits)."""
    return due_after(feedback_on, months=office_limit(office_id, "rectification_plan_months"),
                     working_days=office_limit(office_id, "rectification_plan_working_days"), calendar=calendar_for(office_id))
