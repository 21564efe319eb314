"""Reads of rectification, each taking the acting user and narrowing one visibility queryset of
xuncha.rectification.access; a getter raises NotFound for what the user may not see.

- findings: the inspection's team only (their evidence is case data; the office does not read them);
- notices on the team pages: the team, and the office (read only);
- notices on the liaison pages: issued (and later) notices of inspections of the liaison's organisations;
- candidates for a notice: duplicate groups with many distinct reporters, in scope, without a notice;
- the ledger: the office every inspection's, the team its own, the liaison their organisation's items
  only (never a finding's facts or evidence, a report or a reporter);
- the overdue rules of items and notices.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import OfficeCalendars, live_q
from xuncha.intake.models import Attachment, Report
from xuncha.triage.models import DuplicateGroup, Scope, Triage

from .access import (
    Reader,
    is_liaison,
    ledger_inspection_get,
    ledger_inspections,
    liaison_scope,
    staff_inspections,
    team_inspections,
)
from .models import (
    Evidence,
    Feedback,
    Finding,
    ImmediateNotice,
    ItemStatus,
    NoticeAnswer,
    ProgressReport,
    RectificationItem,
)

ISSUED_STATES = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.ANSWERED, ImmediateNotice.State.ACCEPTED,
                 ImmediateNotice.State.RETURNED)
OPEN_STATES = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.ANSWERED, ImmediateNotice.State.RETURNED)
DEFAULT_MIN_REPORTERS = 2
# Items still being worked on: only these can be overdue (an item reported done waits for sign-off, not the target).
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)


def _team_check(user: Reader, inspection: Inspection) -> None:
    if not team_inspections(user=user).filter(pk=inspection.pk).exists():
        raise NotFound


# --- findings -----------------------------------------------------------------------------------------

def finding_list(*, user: Reader, inspection: Inspection) -> QuerySet[Finding]:
    _team_check(user, inspection)
    return (Finding.objects.filter(inspection=inspection).select_related("created_by", "approved_by")
            .annotate(report_count=Count("reports", distinct=True)).order_by("number"))


def finding_get(*, user: Reader, pk: int) -> Finding:
    finding = (Finding.objects.filter(pk=pk, inspection__in=team_inspections(user=user))
               .select_related("inspection__team", "inspection__target", "created_by", "approved_by").first())
    if finding is None:
        raise NotFound
    return finding


def finding_reports(finding: Finding) -> list[Report]:
    return list(finding.reports.select_related("triage").order_by("number"))


def finding_attachments(finding: Finding) -> list[Attachment]:
    """The attachments chosen as a finding's evidence."""
    return list(finding.attachments.select_related("report").order_by("report__number", "id"))


def attachments_of(reports: list[Report]) -> QuerySet[Attachment]:
    return Attachment.objects.filter(report__in=reports).select_related("report").order_by("report__number", "id")


def report_attachments(*, user: Reader, inspection: Inspection, ids: Iterable[int]) -> list[Attachment]:
    """The chosen attachments among those of the inspection's reports (evidence of a finding)."""
    _team_check(user, inspection)
    return list(Attachment.objects.filter(pk__in=list(ids), report__inspection=inspection))


def approved_findings(*, inspection: Inspection) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number")


REFERENCE = re.compile(r"^(?:(\d+)-)?(\d+)$")


def reports_by_reference(*, user: Reader, inspection: Inspection, text: str) -> tuple[list[Report], list[str]]:
    """Reports of the inspection named by reference numbers ("12-00003", or just "3"), and the tokens
    that name none (unknown, malformed, or of another inspection)."""
    _team_check(user, inspection)
    tokens = [t for t in re.split(r"[\s,，、;；]+", text.strip()) if t]
    numbers: dict[int, str] = {}
    unknown: list[str] = []
    for token in tokens:
        m = REFERENCE.match(token)
        if m is None or (m.group(1) is not None and int(m.group(1)) != inspection.pk):
            unknown.append(token)
        else:
            numbers.setdefault(int(m.group(2)), token)
    found = {r.number: r for r in Report.objects.filter(inspection=inspection, number__in=list(numbers))}
    unknown += [token for number, token in numbers.items() if number not in found]
    return [found[n] for n in sorted(numbers) if n in found], unknown


# --- notices: candidates and the team's view -----------------------------------------------------------

def notice_candidates(*, user: Reader, inspection: Inspection, min_reporters: int = DEFAULT_MIN_REPORTERS
                      ) -> QuerySet[DuplicateGroup]:
    """Duplicate groups of the inspection with at least `min_reporters` distinct reporters, at least one
    of whose reports (the first or any other) is in scope, without a notice yet; most reporters first."""
    _team_check(user, inspection)
    in_scope = Triage.objects.filter(group_key=OuterRef("key"), scope=Scope.IN, report__inspection=inspection)
    in_scope_count = in_scope.order_by().values("group_key").annotate(n=Count("pk")).values("n")
    noticed = ImmediateNotice.objects.filter(inspection=inspection, group_key=OuterRef("key"))
    return (DuplicateGroup.objects.filter(inspection=inspection, reporters__gte=min_reporters)
            .filter(Exists(in_scope)).exclude(Exists(noticed))
            .annotate(in_scope=Subquery(in_scope_count, output_field=IntegerField()))
            .select_related("first_report__triage").order_by("-reporters", "-size", "key"))


def candidate_group_get(*, user: Reader, inspection: Inspection, key: int) -> DuplicateGroup:
    """A duplicate group of the inspection, to draft a notice from."""
    _team_check(user, inspection)
    group = DuplicateGroup.objects.filter(key=key, inspection=inspection).select_related("first_report").first()
    if group is None:
        raise NotFound
    return group


def notice_group(notice: ImmediateNotice) -> DuplicateGroup | None:
    """The duplicate group a notice was drafted from (for the team's page only)."""
    return DuplicateGroup.objects.filter(key=notice.group_key).first() if notice.group_key else None


def team_notice_inspection_get(*, user: Reader, pk: int) -> Inspection:
    inspection = staff_inspections(user=user).filter(pk=pk).select_related("team", "target").first()
    if inspection is None:
        raise NotFound
    return inspection


def team_notices(*, user: Reader, inspection: Inspection) -> QuerySet[ImmediateNotice]:
    if not staff_inspections(user=user).filter(pk=inspection.pk).exists():
        raise NotFound
    return (ImmediateNotice.objects.filter(inspection=inspection).select_related("created_by", "issued_by")
            .annotate(report_count=Count("reports", distinct=True)).order_by("-number"))


def team_notice_get(*, user: Reader, pk: int) -> ImmediateNotice:
    notice = (ImmediateNotice.objects.filter(pk=pk, inspection__in=staff_inspections(user=user))
              .select_related("inspection__team", "inspection__target", "created_by", "issued_by", "finding").first())
    if notice is None:
        raise NotFound
    return notice


def notice_reports(notice: ImmediateNotice) -> list[Report]:
    """The reports behind a notice (for the team's page only)."""
    return list(notice.reports.order_by("number"))


def notice_answers(notice: ImmediateNotice) -> list[NoticeAnswer]:
    return list(notice.answers.select_related("answered_by", "decided_by").prefetch_related("files"))


def reporters_count(notice: ImmediateNotice) -> int:
    """Distinct reporters behind a notice: its group's count, else one per linked report."""
    if notice.group_key is not None:
        group = DuplicateGroup.objects.filter(key=notice.group_key).only("reporters").first()
        if group is not None:
            return group.reporters
    return notice.reports.count()


# --- notices: the liaison's view ------------------------------------------------------------------------

def liaison_notices(*, user: Reader) -> QuerySet[ImmediateNotice]:
    """Issued (and later) notices of the liaison's organisations; NotFound for anyone who is no liaison."""
    if not is_liaison(user):
        raise NotFound
    return (ImmediateNotice.objects.filter(liaison_scope(user), state__in=ISSUED_STATES)
            .select_related("inspection__team", "inspection__target").order_by("-issued_at", "-id"))


def liaison_notice_get(*, user: Reader, pk: int) -> ImmediateNotice:
    notice = liaison_notices(user=user).filter(pk=pk).first()
    if notice is None:
        raise NotFound
    return notice


def notice_evidence_get(*, user: Reader, pk: int, liaison: bool = False) -> Evidence:
    """An answer's evidence file: for the inspection's team, or (liaison=True) for the liaison of the
    notice's organisation, once the notice is issued."""
    via = "answer__notice__inspection"
    if liaison:
        visible = liaison_scope(user, via=via) & Q(answer__notice__state__in=ISSUED_STATES)
    else:
        visible = Q(**{f"{via}__in": team_inspections(user=user)})
    evidence = (Evidence.objects.filter(visible, pk=pk, answer__isnull=False)
                .select_related("answer__notice__inspection__target").first())
    if evidence is None:
        raise NotFound
    return evidence


# --- overdue: the rules of items and notices -------------------------------------------------------------

def overdue_q(today: dt.date) -> Q:
    """Items past their deadline and still open (not done, signed off or long term)."""
    return Q(long_term=False, deadline__lt=today, status__in=OPEN_STATUSES)


def due_soon_q(today: dt.date, cutoff: dt.date) -> Q:
    return Q(long_term=False, deadline__gte=today, deadline__lte=cutoff, status__in=OPEN_STATUSES)


def due_soon_by_office_q(today: dt.date, office: str = "inspection__office") -> Q:
    """Items due within the reminder window of their inspection's office (REMINDER_WORKING_DAYS working days
    on its calendar): one condition per distinct cutoff (`office`: the path to the item's inspection's office)."""
    calendars = OfficeCalendars()
    if not calendars.has_office_days:
        return due_soon_q(today, reminder_cutoff(today, calendars.of(None)))
    groups: dict[dt.date, list[int | None]] = {}
    for pk in calendars.office_ids():
        groups.setdefault(reminder_cutoff(today, calendars.of(pk)), []).append(pk)
    q = Q(pk__in=[])
    for cutoff, pks in sorted(groups.items()):
        where = Q(**{f"{office}_id__in": [pk for pk in pks if pk is not None]})
        if None in pks:
            where |= Q(**{f"{office}__isnull": True})
        q |= where & due_soon_q(today, cutoff)
    return q


def returned_q() -> Q:
    """Items the office sent back (a reason given) that the target is working on again."""
    return Q(status__in=OPEN_STATUSES) & ~Q(returned_reason="")


def reminder_cutoff(today: dt.date, calendar: WorkdayCalendar) -> dt.date:
    """Items due on or before this day (REMINDER_WORKING_DAYS working days ahead) are reminded."""
    return calendar.add_working_days_after(today, settings.REMINDER_WORKING_DAYS)


def is_overdue(item: RectificationItem, today: dt.date) -> bool:
    return not item.long_term and item.deadline is not None and item.deadline < today and item.status in OPEN_STATUSES


def overdue_working_days(deadline: dt.date, today: dt.date, calendar: WorkdayCalendar) -> int:
    """Working days elapsed since the deadline (the deadline itself not counted, today counted)."""
    return calendar.working_days_between(deadline + dt.timedelta(days=1), today)


def _overdue(qs: QuerySet[ImmediateNotice], today: dt.date | None) -> QuerySet[ImmediateNotice]:
    today = today or timezone.localdate()
    return (qs.filter(state__in=OPEN_STATES, due_on__lt=today)
            .select_related("inspection__team", "inspection__target").order_by("due_on", "id"))


def overdue_notices(*, user: Reader, today: dt.date | None = None) -> QuerySet[ImmediateNotice]:
    """Overdue notices the user may see (the team's, the office's all, the liaison's organisation's)."""
    visible = Q(inspection__in=staff_inspections(user=user)) | liaison_scope(user)
    return _overdue(ImmediateNotice.objects.filter(visible), today)


def overdue_notices_all(*, today: dt.date | None = None) -> QuerySet[ImmediateNotice]:
    """Every overdue notice (for the reminder job, which acts for no user)."""
    return _overdue(ImmediateNotice.objects.all(), today)


# --- the ledger ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerFilters:
    """The ledger's filters; also the liaison's to-do lines (xuncha.todo), so that a line counts exactly the
    rows of the page it links to: overdue=1, due=soon (reminded: due within REMINDER_WORKING_DAYS working
    days) and state=returned."""

    status: str = ""
    overdue: bool = False
    dept: str = ""
    due_soon: bool = False
    returned: bool = False

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> LedgerFilters:
        overdue = str(data.get("overdue") or "").strip().lower() in {"1", "yes", "true", "on"}
        return cls(status=str(data.get("status") or "").strip(), overdue=overdue, dept=str(data.get("dept") or "").strip()[:120],
                   due_soon=str(data.get("due") or "").strip() == "soon",
                   returned=str(data.get("state") or "").strip() == "returned")

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the pager's links)."""
        pairs = (("status", self.status), ("overdue", "1" if self.overdue else ""), ("dept", self.dept),
                 ("due", "soon" if self.due_soon else ""), ("state", "returned" if self.returned else ""))
        return {k: v for k, v in pairs if v}

    def problems(self) -> list[str]:
        if self.status and self.status not in ItemStatus.values:
            return [f"状态“{self.status}”无效，可选：" + "、".join(f"{v}（{label}）" for v, label in ItemStatus.choices) + "。"]
        return []

    def apply(self, qs: QuerySet[RectificationItem], today: dt.date) -> QuerySet[RectificationItem]:
        if self.status in ItemStatus.values:
            qs = qs.filter(status=self.status)
        if self.overdue:
            qs = qs.filter(overdue_q(today))
        if self.dept:
            qs = qs.filter(responsible_dept__icontains=self.dept)
        if self.due_soon:
            qs = qs.filter(due_soon_by_office_q(today))
        if self.returned:
            qs = qs.filter(returned_q())
        return qs


def _items() -> QuerySet[RectificationItem]:
    has_evidence = Exists(Evidence.objects.filter(progress__item=OuterRef("pk")))
    return RectificationItem.objects.select_related("finding").annotate(has_evidence=has_evidence).order_by("number")


def ledger_items(*, user: Reader, inspection: Inspection, filters: LedgerFilters | None = None,
                 today: dt.date | None = None) -> QuerySet[RectificationItem]:
    """The ledger of one inspection for anyone who may read it (office, team, the target's liaison)."""
    if not ledger_inspections(user=user).filter(pk=inspection.pk).exists():
        raise NotFound
    qs = _items().filter(inspection=inspection)
    return (filters or LedgerFilters()).apply(qs, today or timezone.localdate())


def ledger_status_counts(*, inspection: Inspection, today: dt.date) -> tuple[dict[str, int], int]:
    """{status: items} of an inspection's ledger, and how many items are overdue (for the ledger page)."""
    items = RectificationItem.objects.filter(inspection=inspection)
    counts = dict(items.order_by().values_list("status").annotate(n=Count("pk")))
    return counts, items.filter(overdue_q(today)).count()


def ledger_export_allowed(*, user: Reader, inspection_id: int) -> Inspection:
    """The inspection whose ledger the user may export (same rule as reading it)."""
    return ledger_inspection_get(user=user, pk=inspection_id)


def item_get(*, user: Reader, pk: int) -> RectificationItem:
    """One item for anyone who may read its ledger."""
    item = _items().select_related("inspection__team", "inspection__target", "signed_off_by").filter(
        pk=pk, inspection__in=ledger_inspections(user=user)).first()
    if item is None:
        raise NotFound
    return item


def staff_item_get(*, user: Reader, pk: int) -> RectificationItem:
    item = _items().select_related("inspection__team", "inspection__target", "signed_off_by").filter(
        pk=pk, inspection__in=staff_inspections(user=user)).first()
    if item is None:
        raise NotFound
    return item


def liaison_items(*, user: Reader, filters: LedgerFilters | None = None, today: dt.date | None = None,
                  live: bool = False) -> QuerySet[RectificationItem]:
    """The items of the liaison's organisation(s), across inspections (live=True: not of archived ones, the list's)."""
    qs = _items().select_related("inspection__team", "inspection__target").filter(liaison_scope(user))
    if live:
        qs = qs.filter(live_q("inspection"))
    return (filters or LedgerFilters()).apply(qs, today or timezone.localdate()).order_by("inspection_id", "number")


def liaison_item_get(*, user: Reader, pk: int) -> RectificationItem:
    item = liaison_items(user=user).filter(pk=pk).first()
    if item is None:
        raise NotFound
    return item


def item_history(item: RectificationItem) -> list[ProgressReport]:
    return list(item.reports.select_related("by").prefetch_related("files").order_by("at", "id"))


def evidence_get(*, user: Reader, pk: int, liaison: bool = False) -> Evidence:
    """A progress report's evidence file: for staff of the inspection, or (liaison=True) for the target's liaison.
    Evidence of notice answers is not reachable here."""
    qs = Evidence.objects.filter(pk=pk, progress__isnull=False).select_related("progress__item__inspection")
    if liaison:
        qs = qs.filter(liaison_scope(user, via="progress__item__inspection"))
    else:
        qs = qs.filter(progress__item__inspection__in=staff_inspections(user=user))
    evidence = qs.first()
    if evidence is None:
        raise NotFound
    return evidence


def overdue_items(*, user: Reader, today: dt.date) -> QuerySet[RectificationItem]:
    """Overdue items across every inspection whose ledger the user works on as staff (not archived ones)."""
    return (_items().select_related("inspection__team", "inspection__target")
            .filter(overdue_q(today), live_q("inspection"), inspection__in=staff_inspections(user=user))
            .order_by("deadline", "inspection_id", "number"))


def flag_items(items: Iterable[RectificationItem], today: dt.date, calendar: WorkdayCalendar | OfficeCalendars) -> list[Any]:
    """Set `overdue` and `overdue_days` (working days past the deadline) on each item, for the pages; on one
    inspection's calendar, or (OfficeCalendars, for lists across inspections) on that of each item's office."""
    out = []
    for item in items:
        row: Any = item
        row.overdue = is_overdue(item, today)
        row.overdue_days = 0
        if row.overdue and item.deadline:
            cal = calendar.of(item.inspection.office_id) if isinstance(calendar, OfficeCalendars) else calendar
            row.overdue_days = overdue_working_days(item.deadline, today, cal)
        out.append(row)
    return out


def feedback_get(*, inspection: Inspection) -> Feedback | None:
    return Feedback.objects.filter(inspection=inspection).select_related("created_by").first()


def feedback_findings(*, inspection: Inspection, feedback: Feedback | None) -> list[Finding]:
    """The findings of the feedback, or (before it is recorded) the approved findings it would carry."""
    return list(feedback.findings.order_by("number") if feedback else approved_findings(inspection=inspection))
