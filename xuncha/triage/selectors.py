"""Reads of triage, each taking the acting user: the team's work queue with its filters, duplicate
groups, dispositions, what was handed over (the team's side, and — for receiving bodies — only what
was handed to them), and the team's statistics.

Access is xuncha.access: the team's case file is `Kind.CASE` (a leader's decisions `Purpose.APPROVE`),
what a receiving body works on `scope(user, Kind.HANDOVER, Purpose.WORK)`. What the user may not
reach is NotFound.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows, scope
from xuncha.accounts.models import User
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.core.workdays import add_months
from xuncha.errors import NotFound
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.inspections.selectors_offices import office_limit, office_limit_map
from xuncha.intake.models import Report, ReportStatus, Subject, SubjectCategory
from xuncha.intake.search import search_filter
from xuncha.intake.selectors import analytic_transaction

from . import tallies
from .models import (
    DISCIPLINE_BITS,
    FOCUS_BITS,
    CategoryTally,
    Clue,
    Disposition,
    DispositionTally,
    DuplicateGroup,
    LabelTally,
    Referral,
    ReportTally,
    Scope,
    TransferBatch,
    Triage,
)


def _check_team(user: User, inspection: Inspection) -> None:
    """The team's case file of an inspection: anyone but its team is told it does not exist."""
    if not allows(user, Kind.CASE, Purpose.READ, inspection):
        raise NotFound


# --- the work queue ---------------------------------------------------------------------------------------

SORTS = {
    "new": ("-received_at", "-id"),
    "old": ("received_at", "id"),
    "number": ("number", "id"),
    "-number": ("-number", "-id"),
}


@dataclass
class QueueFilters:
    q: str = ""
    status: str = ""
    channel: str = ""
    discipline: str = ""
    focus: str = ""
    category: str = ""
    scope: str = ""
    window: str = ""        # "in" | "out"
    real_name: str = ""     # "yes" | "no"
    group: str = ""         # a group key, or "any" for reports in any duplicate group
    pending: str = ""       # "yes": a disposition awaits approval
    todo: str = ""          # a to-do line's reports: "triage" (labels unconfirmed, still in the team's hands)
                            # or "returned" (the user's returned dispositions, not proposed again)
    sort: str = "new"

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        values = {f: str(params.get(f, "")).strip()[:100] for f in cls.__dataclass_fields__}
        return cls(**values)

    @staticmethod
    def allowed_values(name: str) -> list[str] | None:
        """The values a filter takes (None: free text or a number); the API documents them as enums."""
        allowed: dict[str, Any] = {
            "status": ReportStatus.values, "channel": ChannelKind.values, "discipline": DISCIPLINE_BITS,
            "focus": FOCUS_BITS, "category": SubjectCategory.values, "scope": Scope.values, "window": ("in", "out"),
            "real_name": ("yes", "no"), "pending": ("yes",), "sort": SORTS, "todo": TODO_FILTERS,
        }
        return list(allowed[name]) if name in allowed else None

    def is_valid_value(self, name: str) -> bool:
        value = getattr(self, name)
        allowed = self.allowed_values(name)
        return not value or allowed is None or value in allowed


TODO_FILTERS = ("triage", "returned")
# Reports whose triage is still the team's work (a referred or filed report needs no more triage).
OPEN_FOR_TRIAGE = (ReportStatus.REGISTERED, ReportStatus.ACCEPTED)


def returned_dispositions(user: User) -> QuerySet[Disposition]:
    """Dispositions the user proposed that the leader returned and nobody has proposed again since."""
    later = Disposition.objects.filter(report=OuterRef("report"), state__in=[Disposition.State.PROPOSED, Disposition.State.APPROVED])
    return Disposition.objects.filter(state=Disposition.State.RETURNED, proposed_by=user).filter(~Exists(later))


def queue(*, user: User, inspection: Inspection, filters: QueueFilters) -> QuerySet[Report]:
    """The team's reports of one inspection, filtered and sorted (NotFound unless the user's team holds it).

    Every filter is a column of Report or of its Triage row, or an indexed semi-join (subjects,
    pending dispositions, full text), so a page is a bounded index scan at any number of reports.
    """
    _check_team(user, inspection)
    f = filters
    qs = Report.objects.filter(inspection=inspection)
    if f.status in ReportStatus.values:
        qs = qs.filter(status=f.status)
    if f.channel in ChannelKind.values:
        qs = qs.filter(channel_kind=f.channel)
    if f.window in ("in", "out"):
        qs = qs.filter(in_window=f.window == "in")
    if f.real_name in ("yes", "no"):
        qs = qs.filter(anonymous=f.real_name == "no")
    if f.discipline in DISCIPLINE_BITS:
        qs = qs.annotate(_d=F("triage__disciplines").bitand(DISCIPLINE_BITS[f.discipline])).filter(_d__gt=0)
    if f.focus in FOCUS_BITS:
        qs = qs.annotate(_f=F("triage__focuses").bitand(FOCUS_BITS[f.focus])).filter(_f__gt=0)
    if f.scope in Scope.values:
        qs = qs.filter(triage__scope=f.scope)
    if f.category in SubjectCategory.values:
        qs = qs.filter(Exists(Subject.objects.filter(report=OuterRef("pk"), category=f.category)))
    if f.group == "any":
        qs = qs.filter(Exists(DuplicateGroup.objects.filter(key=OuterRef("triage__group_key"))))
    elif f.group.isdigit():
        qs = qs.filter(triage__inspection=inspection, triage__group_key=int(f.group))
    if f.pending == "yes":
        qs = qs.filter(Exists(Disposition.objects.filter(report=OuterRef("pk"), state=Disposition.State.PROPOSED)))
    if f.todo == "triage":
        qs = qs.filter(triage__labels_confirmed=False, status__in=OPEN_FOR_TRIAGE)
    elif f.todo == "returned":
        qs = qs.filter(Exists(returned_dispositions(user).filter(report=OuterRef("pk"))))
    if f.q:
        qs = search_filter(qs, f.q)
    return qs.order_by(*SORTS.get(f.sort, SORTS["new"]))


EXCERPT_CHARS = 60


def queue_rows(qs: QuerySet[Report]) -> QuerySet[Report]:
    """What a queue page shows of each report (subjects, triage, channel, the start of its content) in a
    fixed number of queries. Only the start of the content is read (`excerpt_head`), never the whole text;
    the reporter's sealed identity is not read at all."""
    return (qs.select_related("triage", "channel").prefetch_related("subjects")
            .annotate(excerpt_head=Substr("content", 1, 200))
            # The triage row's wide columns (the proposal with its evidence, the 512-byte signature, the scope
            # reason) are not shown in a list: not read.
            .defer("content", "reporter_sealed", "triage__proposal", "triage__signature", "triage__scope_reason"))


def first_line(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first non-empty line of a report's content, cut to `limit` characters with “…”."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _keyset(report: Report, order: tuple[str, ...], *, after: bool) -> Q:
    """Rows strictly after (or before) `report` in `order`: (a, b) > (x, y) as a >= x AND (a > x OR b > y).
    The leading a >= x gives the index a plain range to start from (SQLite does not read an OR as a range)."""
    condition = Q(pk__in=[])
    equal = Q()
    bound = Q()
    for i, term in enumerate(order):
        name = term.lstrip("-")
        descending = term.startswith("-")
        value = getattr(report, "pk" if name == "id" else name)
        op = "lt" if descending == after else "gt"
        if i == 0:
            bound = Q(**{f"{name}__{op}e": value})
        condition |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    return bound & condition


def queue_neighbours(*, user: User, report: Report, filters: QueueFilters) -> tuple[Report | None, Report | None]:
    """The reports before and after `report` in its inspection's queue as filtered and sorted by
    `filters` (also when `report` itself no longer matches). Keyset on the queue's ordering: each is one
    index range read of one row, whatever the number of reports and however far down the queue."""
    qs = queue(user=user, inspection=report.inspection, filters=filters)
    order = SORTS.get(filters.sort, SORTS["new"])
    reverse_order = tuple(t[1:] if t.startswith("-") else f"-{t}" for t in order)
    slim = qs.only("pk", "number", "received_at", "inspection_id")
    previous = slim.filter(_keyset(report, order, after=False)).order_by(*reverse_order).first()
    following = slim.filter(_keyset(report, order, after=True)).order_by(*order).first()
    return previous, following


def groups_for(reports: list[Report]) -> dict[int, DuplicateGroup]:
    keys = {r.triage.group_key for r in reports if hasattr(r, "triage") and r.triage.group_key is not None}
    return {g.key: g for g in DuplicateGroup.objects.filter(key__in=keys)}


# --- duplicate groups and dispositions ---------------------------------------------------------------------


def group_list(*, user: User, inspection: Inspection) -> QuerySet[DuplicateGroup]:
    _check_team(user, inspection)
    return DuplicateGroup.objects.filter(inspection=inspection).select_related("first_report", "answered_report")


def group_get(*, user: User, key: int) -> DuplicateGroup:
    group = DuplicateGroup.objects.filter(scope(user, Kind.CASE), key=key).select_related(
        "inspection", "first_report", "answered_report").first()
    if group is None:
        raise NotFound
    return group


def dispositions_pending(*, user: User, inspection: Inspection) -> QuerySet[Disposition]:
    _check_team(user, inspection)
    return (Disposition.objects.filter(report__inspection=inspection, state=Disposition.State.PROPOSED)
            .select_related("report", "body", "proposed_by").order_by("proposed_at", "id"))


def disposition_get(*, user: User, pk: int, purpose: Purpose = Purpose.READ) -> Disposition:
    """A disposition of the team's reports; with `Purpose.APPROVE`, only for the leaders who decide it."""
    disposition = (Disposition.objects.filter(scope(user, Kind.CASE, purpose, via="report__inspection"), pk=pk)
                   .select_related("report", "body").first())
    if disposition is None:
        raise NotFound
    return disposition


# --- what was handed over: the team's side ---------------------------------------------------------------


def team_referrals(*, user: User, inspection: Inspection) -> QuerySet[Referral]:
    _check_team(user, inspection)
    return Referral.objects.filter(report__inspection=inspection).select_related("report", "body")


def team_clues(*, user: User, inspection: Inspection) -> QuerySet[Clue]:
    _check_team(user, inspection)
    return Clue.objects.filter(report__inspection=inspection).select_related("report", "body", "batch")


def team_batches(*, user: User, inspection: Inspection) -> QuerySet[TransferBatch]:
    _check_team(user, inspection)
    return TransferBatch.objects.filter(inspection=inspection).select_related("body", "created_by", "signed_by")


def team_referral_get(*, user: User, pk: int) -> Referral:
    item = Referral.objects.filter(scope(user, Kind.CASE, via="report__inspection"), pk=pk).select_related(
        "report__inspection__team", "report__inspection__target", "body", "disposition__decided_by").first()
    if item is None:
        raise NotFound
    return item


def team_batch_get(*, user: User, pk: int) -> TransferBatch:
    batch = TransferBatch.objects.filter(scope(user, Kind.CASE), pk=pk).select_related(
        "inspection__team", "inspection__target", "body").first()
    if batch is None:
        raise NotFound
    return batch


# --- what was handed over: receiving bodies (only their body's; a clue once it is in a transfer list) -----


def recipient_referrals(*, user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK)).select_related("report__inspection__target", "body")


def recipient_clues(*, user: User) -> QuerySet[Clue]:
    return Clue.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK), batch__isnull=False).select_related(
        "report__inspection__target", "body", "batch")


def recipient_batches(*, user: User) -> QuerySet[TransferBatch]:
    return TransferBatch.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK)).select_related("inspection__target", "body")


def recipient_referral_get(*, user: User, pk: int) -> Referral:
    item = recipient_referrals(user=user).filter(pk=pk).first()
    if item is None:
        raise NotFound
    return item


def recipient_clue_get(*, user: User, pk: int) -> Clue:
    item = recipient_clues(user=user).filter(pk=pk).first()
    if item is None:
        raise NotFound
    return item


def recipient_batch_get(*, user: User, pk: int) -> TransferBatch:
    batch = recipient_batches(user=user).filter(pk=pk).first()
    if batch is None:
        raise NotFound
    return batch


# --- time limits of what was handed over -----------------------------------------------------------------


def result_months(office_id: int | None) -> int:
    """Receiving bodies report back within HANDOVER_RESULT_MONTHS of signing for the matter (the limit of the
    inspection's office: its own, else the nearest office above's, else the platform's)."""
    return office_limit(office_id, "handover_result_months")


def result_months_map() -> dict[int | None, int]:
    """Every office's HANDOVER_RESULT_MONTHS (None: the inspections of no office), in one query."""
    return office_limit_map("handover_result_months")


def result_due(item: Referral | Clue, months: int | None = None) -> dt.date | None:
    """The day the result is due (`months`: the item's office's limit, read when not given)."""
    if item.acknowledged_at is None:
        return None
    if months is None:
        months = result_months(Report.objects.filter(pk=item.report_id).values_list("inspection__office_id", flat=True).first())
    return add_months(timezone.localtime(item.acknowledged_at).date(), months)


def overdue_cutoff(months: int | None = None) -> dt.datetime:
    """Acknowledged before this moment and still without a result: overdue (`months`: the office's limit;
    none given: the root office's, for the inspections of no office)."""
    day = add_months(timezone.localdate(), -(result_months(None) if months is None else months))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_q(cutoff: Any) -> Q:
    return Q(result_at__isnull=True, acknowledged_at__lt=cutoff)


def offices_q(overdue: bool, office: str = "report__inspection__office") -> Q:
    """Handed-over items of any inspection, each against its own office's limit: overdue (acknowledged
    before its cutoff, no result) or, with overdue=False, acknowledged within it and still without a result.
    One condition per distinct limit (`office`: the path to the item's inspection's office)."""
    by_months: dict[int, list[int | None]] = {}
    for pk, months in result_months_map().items():
        by_months.setdefault(months, []).append(pk)
    q = Q(pk__in=[])
    for months, pks in sorted(by_months.items()):
        where = Q(**{f"{office}_id__in": [pk for pk in pks if pk is not None]})
        if None in pks:
            where |= Q(**{f"{office}__isnull": True})
        cutoff = overdue_cutoff(months)
        q |= where & (Q(acknowledged_at__lt=cutoff) if overdue else Q(acknowledged_at__gte=cutoff))
    return Q(result_at__isnull=True) & q


# --- the team's statistics --------------------------------------------------------------------------------
#
# What came in, through which channel, about what, how it was disposed of and what was handed over
# (docs/architecture.md §3: leader and members of the inspection's team only). The counts of reports, labels,
# categories, days and dispositions come from the tallies the database keeps (xuncha/triage/tallies.py: a
# few rows per key, whatever the number of reports); referrals, clues and duplicate groups, which are few,
# are aggregated directly. The passes over the rows (one over the reports, one over their triage rows, one
# over the subjects, a GROUP BY for the days, one over the dispositions) remain as `_compute(recount=True)`,
# the tests' reference. One transaction without JIT on PostgreSQL (analytic_transaction); measured by
# bench/check.py (bench/README.md).

# Days are counted in the product's time zone (docs/architecture.md §8), whatever the database session's zone.
DAY_TZ = ZoneInfo("Asia/Shanghai")
TOP_GROUPS = 5
CACHE_SECONDS = 60
CACHE_VERSION = 1


def _rows(choices: list[tuple[str, str]], counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in choices]


def _report_counts(inspection: Inspection) -> dict[str, int]:
    """Every count of a report's own columns, in one pass over the inspection's reports."""
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "in_window": Count("pk", filter=Q(in_window=True)),
        "anonymous": Count("pk", filter=Q(anonymous=True)),
    }
    for kind in ChannelKind.values:
        aggregates[f"channel_{kind}"] = Count("pk", filter=Q(channel_kind=kind))
    for status in ReportStatus.values:
        aggregates[f"status_{status}"] = Count("pk", filter=Q(status=status))
    return Report.objects.filter(inspection=inspection).aggregate(**aggregates)


def _triage_counts(inspection: Inspection) -> dict[str, int]:
    """Labels (bits of the masks) and scope, in one pass over the inspection's triage rows. Triage carries
    its report's inspection, so this reads one table: joining the reports costs a third more at 1M."""
    aggregates: dict[str, Any] = {"triaged": Count("pk")}
    for code, bit in DISCIPLINE_BITS.items():
        aggregates[f"discipline_{code}"] = Count("pk", filter=GreaterThan(F("disciplines").bitand(bit), 0))
    for code, bit in FOCUS_BITS.items():
        aggregates[f"focus_{code}"] = Count("pk", filter=GreaterThan(F("focuses").bitand(bit), 0))
    for value in Scope.values:
        aggregates[f"scope_{value}"] = Count("pk", filter=Q(scope=value))
    return Triage.objects.filter(inspection=inspection).aggregate(**aggregates)


def _prefixed(counts: dict[str, int], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in counts.items() if k.startswith(prefix)}


def _categories(inspection: Inspection) -> tuple[dict[str, int], int]:
    """Reports with at least one subject of each category, and reports with any subject at all (one pass)."""
    counts = Subject.objects.filter(report__inspection=inspection).aggregate(
        any=Count("report_id", distinct=True),
        **{f"category_{c}": Count("report_id", distinct=True, filter=Q(category=c)) for c in SubjectCategory.values})
    return _prefixed(counts, "category_"), counts["any"]


def _handovers(model: type[Referral] | type[Clue], inspection: Inspection, cutoff: dt.datetime) -> dict[str, int]:
    counts: dict[str, Any] = {
        "total": Count("pk"),
        "acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=False)),
        "result": Count("pk", filter=Q(result_at__isnull=False)),
        "overdue": Count("pk", filter=overdue_q(cutoff)),
    }
    if model is Referral:
        counts["sent"] = Count("pk", filter=Q(sent_at__isnull=False))
    else:
        counts["listed"] = Count("pk", filter=Q(batch__isnull=False))
    return model.objects.filter(report__inspection=inspection).aggregate(**counts)


def _groups(inspection: Inspection) -> dict[str, Any]:
    groups = DuplicateGroup.objects.filter(inspection=inspection)
    totals = groups.aggregate(count=Count("pk"), reports=Sum("size"))
    top = list(groups.order_by("-reporters", "-size", "key").values(
        "key", "size", "reporters", "channels", "first_received_at", "last_received_at")[:TOP_GROUPS])
    return {"count": totals["count"], "reports": totals["reports"] or 0, "largest": top[0] if top else None, "top": top}


def _days(inspection: Inspection) -> list[dict[str, Any]]:
    # COUNT(*), not COUNT(id): with only received_at read, PostgreSQL answers from the index on
    # (inspection, status, received_at) without reading the reports' rows.
    rows = (Report.objects.filter(inspection=inspection).order_by()
            .annotate(day=TruncDate("received_at", tzinfo=DAY_TZ)).values("day").annotate(n=Count("*")).order_by("day"))
    return [{"day": row["day"], "count": row["n"]} for row in rows]


def _dispositions(inspection: Inspection) -> dict[str, int]:
    return Disposition.objects.filter(report__inspection=inspection).aggregate(
        pending=Count("pk", filter=Q(state=Disposition.State.PROPOSED)),
        approved=Count("pk", filter=Q(state=Disposition.State.APPROVED)),
        returned=Count("pk", filter=Q(state=Disposition.State.RETURNED)))


# The same figures from the tallies the database keeps (xuncha/triage/tallies.py): a few rows per key of
# the inspection instead of passes over its reports. `_compute(..., recount=True)` takes the passes above
# (the tests check that both agree).


def _tally_report_counts(inspection: Inspection) -> dict[str, int]:
    counts = dict.fromkeys(["total", "in_window", "anonymous", *(f"channel_{k}" for k in ChannelKind.values),
                            *(f"status_{s}" for s in ReportStatus.values)], 0)
    for row in tallies.rows(ReportTally, inspection.pk):
        n = row["n"]
        counts["total"] += n
        counts["in_window"] += n if row["in_window"] else 0
        counts["anonymous"] += n if row["anonymous"] else 0
        counts[f"channel_{row['channel_kind']}"] = counts.get(f"channel_{row['channel_kind']}", 0) + n
        counts[f"status_{row['status']}"] = counts.get(f"status_{row['status']}", 0) + n
    return counts


def _tally_triage_counts(inspection: Inspection) -> dict[str, int]:
    """The bits of the masks summed by the database (an inspection has a row per mask combination: hundreds)."""
    aggregates: dict[str, Any] = {"triaged": Sum("n")}
    for code, bit in DISCIPLINE_BITS.items():
        aggregates[f"discipline_{code}"] = Sum("n", filter=GreaterThan(F("disciplines").bitand(bit), 0))
    for code, bit in FOCUS_BITS.items():
        aggregates[f"focus_{code}"] = Sum("n", filter=GreaterThan(F("focuses").bitand(bit), 0))
    for value in Scope.values:
        aggregates[f"scope_{value}"] = Sum("n", filter=Q(scope=value))
    counts = LabelTally.objects.filter(inspection_id=inspection.pk).aggregate(**aggregates)
    return {key: int(value or 0) for key, value in counts.items()}


def _tally_categories(inspection: Inspection) -> tuple[dict[str, int], int]:
    found = {row["category"]: row["n"] for row in tallies.rows(CategoryTally, inspection.pk)}
    return {c: found.get(c, 0) for c in SubjectCategory.values}, found.get("", 0)


def _tally_dispositions(inspection: Inspection) -> dict[str, int]:
    found = {row["state"]: row["n"] for row in tallies.rows(DispositionTally, inspection.pk)}
    return {"pending": found.get(Disposition.State.PROPOSED, 0), "approved": found.get(Disposition.State.APPROVED, 0),
            "returned": found.get(Disposition.State.RETURNED, 0)}


def _compute(inspection: Inspection, *, recount: bool = False) -> dict[str, Any]:
    """The figures from the tallies, or with `recount` from passes over the rows (the same numbers)."""
    counts = _report_counts(inspection) if recount else _tally_report_counts(inspection)
    labels = _triage_counts(inspection) if recount else _tally_triage_counts(inspection)
    total = counts["total"]
    by_category, with_subject = _categories(inspection) if recount else _tally_categories(inspection)
    dispositions = _dispositions(inspection) if recount else _tally_dispositions(inspection)
    months = result_months(inspection.office_id)
    cutoff = overdue_cutoff(months)
    referrals = _handovers(Referral, inspection, cutoff)
    clues = _handovers(Clue, inspection, cutoff)
    return {
        "generated_at": timezone.now(),
        "total": total,
        "untriaged": total - labels["triaged"],
        "channels": _rows(ChannelKind.choices, _prefixed(counts, "channel_")),
        "statuses": _rows(ReportStatus.choices, _prefixed(counts, "status_")),
        "disciplines": _rows(list(DISCIPLINE_LABELS.items()), _prefixed(labels, "discipline_")),
        "focuses": _rows(list(FOCUS_LABELS.items()), _prefixed(labels, "focus_")),
        "scopes": _rows(Scope.choices, _prefixed(labels, "scope_")),
        "categories": _rows(SubjectCategory.choices, by_category)
        + [{"code": "none", "label": "未登记被反映人", "count": total - with_subject}],
        "window": {"in": counts["in_window"], "out": total - counts["in_window"]},
        "reporters": {"real_name": total - counts["anonymous"], "anonymous": counts["anonymous"]},
        "dispositions": dispositions,
        "referrals": referrals,
        "clues": clues,
        "overdue_cutoff": cutoff,
        "result_months": months,
        "handed_over": referrals["total"] + clues["total"],
        "overdue": referrals["overdue"] + clues["overdue"],
        "groups": _groups(inspection),
        "days": _days(inspection) if recount else tallies.days(inspection.pk),
    }


def cache_key(inspection: Inspection) -> str:
    return f"triage:stats:v{CACHE_VERSION}:{inspection.pk}"


def team_statistics(*, user: User, inspection: Inspection) -> dict[str, Any]:
    """The figures of the team's statistics page and its CSV (NotFound unless the user's team holds the inspection).

    The same for everyone on the team, so computed at most once per CACHE_SECONDS per inspection (as the
    dashboard's): at a million reports the passes take seconds (bench/README.md); `generated_at` says
    when they were taken. The access check comes first, cached or not."""
    _check_team(user, inspection)
    key = cache_key(inspection)
    figures = cache.get(key)
    if figures is None:
        with analytic_transaction():
            figures = _compute(inspection)
        cache.set(key, figures, CACHE_SECONDS)
    return {**figures, "inspection": inspection}
