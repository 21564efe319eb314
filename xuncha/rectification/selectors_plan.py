"""Reads of the rectification plan and reports, each narrowed through xuncha.access (rectification.access):

- the liaison: the plan and reports of their organisation's inspections, drafts included;
- the office and the inspection's team: the plan and the reports once submitted (a draft is the target's own);
- what waits: plans and reports the liaison has to submit (with their due dates in working days), and those the
  office has to review — the to-do lines (xuncha.todo) and the reminders count exactly these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from xuncha.access import Kind, Purpose, scope
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import OfficeCalendars, live_q

from .access import Reader, is_liaison_of, ledger_inspections, liaison_scope
from .dues import plan_due_for
from .models import (
    Feedback,
    PlanState,
    PlanTask,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
    RectificationReview,
    ReportKind,
    ReportState,
)
from .selectors import overdue_working_days, reminder_cutoff

WAITING_PLAN = (PlanState.DRAFT, PlanState.RETURNED)
WAITING_REPORT = (ReportState.DRAFT, ReportState.RETURNED)


def liaison_inspection_get(*, user: Reader, pk: int) -> Inspection:
    """An inspection of the liaison's organisation (NotFound for anyone else)."""
    inspection = (Inspection.objects.filter(liaison_scope(user, via=""), pk=pk)
                  .select_related("team", "target", "round").first())
    if inspection is None:
        raise NotFound
    return inspection


def plan_of(inspection: Inspection) -> RectificationPlan | None:
    return RectificationPlan.objects.filter(inspection=inspection).select_related("decided_by", "created_by").first()


def visible_plan(*, user: Reader, inspection: Inspection) -> RectificationPlan | None:
    """The plan as the user may see it: the liaison always, the staff once it has been submitted."""
    plan = plan_of(inspection)
    if plan is None or is_liaison_of(user, inspection) or plan.submissions > 0:
        return plan
    return None


def plan_tasks(plan: RectificationPlan | None) -> list[PlanTask]:
    if plan is None:
        return []
    return list(plan.tasks.select_related("finding", "item").order_by("finding__number", "id"))


def trail(*, plan: RectificationPlan | None = None, report: RectificationReport | None = None) -> list[RectificationReview]:
    if plan is None and report is None:
        return []
    qs = RectificationReview.objects.filter(plan=plan) if plan is not None else RectificationReview.objects.filter(report=report)
    return list(qs.select_related("by").order_by("at", "id"))


def reports_of(*, user: Reader, inspection: Inspection) -> dict[str, RectificationReport]:
    """{kind: report} as the user may see them (the staff: submitted at least once)."""
    qs = RectificationReport.objects.filter(inspection=inspection).select_related("decided_by")
    if not is_liaison_of(user, inspection):
        qs = qs.filter(submissions__gt=0)
    return {r.kind: r for r in qs}


def liaison_report_get(*, user: Reader, inspection: Inspection, kind: str) -> RectificationReport | None:
    if kind not in ReportKind.values or not is_liaison_of(user, inspection):
        raise NotFound
    return RectificationReport.objects.filter(inspection=inspection, kind=kind).first()


def staff_report_get(*, user: Reader, pk: int) -> RectificationReport:
    """A submitted report for the staff of its inspection (the office, the team)."""
    staff = Inspection.objects.filter(scope(user, Kind.RECTIFICATION, Purpose.READ, via=""))
    report = (RectificationReport.objects.filter(pk=pk, submissions__gt=0, inspection__in=staff)
              .select_related("inspection__target", "inspection__team").first())
    if report is None:
        raise NotFound
    return report


# --- due dates ----------------------------------------------------------------------------------------------

@dataclass
class Due:
    """A time limit and where it stands today: overdue by N working days, or due within the reminder window."""

    on: dt.date
    overdue_days: int = 0
    soon: bool = False

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def due_state(on: dt.date, today: dt.date, calendar: WorkdayCalendar, soon_cutoff: dt.date) -> Due:
    if on < today:
        return Due(on, overdue_days=max(1, overdue_working_days(on, today, calendar)))
    return Due(on, soon=on <= soon_cutoff)


@dataclass
class TargetRow:
    """One inspection of the liaison's organisation after the feedback: the plan and the reports, and their due dates."""

    inspection: Inspection
    feedback: Feedback
    plan: RectificationPlan | None
    plan_due: Due
    report_due: Due
    reports: dict[str, RectificationReport] = field(default_factory=dict)
    has_items: bool = False

    @property
    def plan_waiting(self) -> bool:
        return self.plan is None or self.plan.state in WAITING_PLAN

    @property
    def reports_waiting(self) -> list[str]:
        """The kinds of report still to submit (once the ledger has items)."""
        if not self.has_items:
            return []
        return [k for k in ReportKind.values if k not in self.reports or self.reports[k].state in WAITING_REPORT]

    def report_rows(self) -> list[tuple[str, str, RectificationReport | None]]:
        return [(k, label, self.reports.get(k)) for k, label in ReportKind.choices]


def target_rows(*, inspections: QuerySet[Inspection], today: dt.date) -> list[TargetRow]:
    """The rows of the given inspections that have a feedback (a fixed number of queries, and a few per office):
    each due date's state on the calendar of the inspection's office, "soon" within its reminder window."""
    feedbacks = {f.inspection_id: f for f in Feedback.objects.filter(inspection__in=inspections).select_related(
        "inspection__team", "inspection__target")}
    plans = {p.inspection_id: p for p in RectificationPlan.objects.filter(inspection_id__in=list(feedbacks))}
    reports: dict[int, dict[str, RectificationReport]] = {}
    for r in RectificationReport.objects.filter(inspection_id__in=list(feedbacks)):
        reports.setdefault(r.inspection_id, {})[r.kind] = r
    with_items = set(RectificationItem.objects.filter(inspection_id__in=list(feedbacks)).values_list("inspection_id", flat=True).distinct())
    rows = []
    plan_dues: dict[tuple[int | None, dt.date], dt.date] = {}  # the office's limits, read once per office and day
    calendars, cutoffs = OfficeCalendars(), dict[int | None, dt.date]()
    for pk, fb in sorted(feedbacks.items()):
        office_id = fb.inspection.office_id
        key = (office_id, fb.feedback_on)
        if key not in plan_dues:
            plan_dues[key] = plan_due_for(fb.feedback_on, office_id)
        calendar = calendars.of(office_id)
        soon_cutoff = cutoffs.setdefault(office_id, reminder_cutoff(today, calendar))
        rows.append(TargetRow(inspection=fb.inspection, feedback=fb, plan=plans.get(pk),
                              plan_due=due_state(plan_dues[key], today, calendar, soon_cutoff),
                              report_due=due_state(fb.report_due, today, calendar, soon_cutoff),
                              reports=reports.get(pk, {}), has_items=pk in with_items))
    return rows


def liaison_targets(*, user: Reader, live: bool = True) -> QuerySet[Inspection]:
    """The liaison's organisation's inspections (not archived ones unless live=False)."""
    qs = Inspection.objects.filter(liaison_scope(user, via=""))
    return qs.filter(live_q()) if live else qs


def all_targets_with_feedback() -> QuerySet[Inspection]:
    """Every live inspection with a feedback (the reminder job acts for no user)."""
    return Inspection.objects.filter(live_q(), Exists(Feedback.objects.filter(inspection=OuterRef("pk"))))


# --- what the office reviews --------------------------------------------------------------------------------

def review_scope(user: Reader) -> Q:
    """Inspections whose plan and reports the user reviews (their own office's)."""
    return scope(user, Kind.INSPECTION, Purpose.APPROVE, via="inspection")


def plans_to_review(*, user: Reader) -> QuerySet[RectificationPlan]:
    return RectificationPlan.objects.filter(review_scope(user), live_q("inspection"), state=PlanState.SUBMITTED)


def reports_to_review(*, user: Reader) -> QuerySet[RectificationReport]:
    return RectificationReport.objects.filter(review_scope(user), live_q("inspection"), state=ReportState.SUBMITTED)


def readable(*, user: Reader) -> QuerySet[Inspection]:
    return ledger_inspections(user=user)
