"""The team's statistics of one inspection: what came in, through which channel, about what, how it was
disposed of and what was handed over (DESIGN §1: leader and members of the inspection's team only).

Every figure is an aggregate computed by the database: a fixed number of queries whatever the number of
reports (one pass over the reports, one over their triage rows, one over the subjects for the
categories, a GROUP BY for the days, one aggregate each for dispositions, referrals, clues and
duplicate groups), never a loop over reports in Python, in one transaction without JIT on PostgreSQL
(xuncha.intake.selectors.analytic_transaction). Measured at 1M reports by bench/queue.py
(bench/README.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThan
from django.http import Http404
from django.utils import timezone

from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.intake.models import Report, ReportStatus, Subject, SubjectCategory
from xuncha.intake.selectors import analytic_transaction, intake_inspections

from .models import DISCIPLINE_BITS, FOCUS_BITS, Clue, Disposition, DuplicateGroup, Referral, Scope, Triage
from .selectors import overdue_q
from .services_disposition import overdue_cutoff

# Days are counted in the product's time zone (DESIGN §4), whatever the database session's zone.
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
    for scope in Scope.values:
        aggregates[f"scope_{scope}"] = Count("pk", filter=Q(scope=scope))
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


def _compute(inspection: Inspection) -> dict[str, Any]:
    counts = _report_counts(inspection)
    labels = _triage_counts(inspection)
    total = counts["total"]
    by_category, with_subject = _categories(inspection)
    dispositions = Disposition.objects.filter(report__inspection=inspection).aggregate(
        pending=Count("pk", filter=Q(state=Disposition.State.PROPOSED)),
        approved=Count("pk", filter=Q(state=Disposition.State.APPROVED)),
        returned=Count("pk", filter=Q(state=Disposition.State.RETURNED)))
    cutoff = overdue_cutoff()
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
        "handed_over": referrals["total"] + clues["total"],
        "overdue": referrals["overdue"] + clues["overdue"],
        "groups": _groups(inspection),
        "days": _days(inspection),
    }


def cache_key(inspection: Inspection) -> str:
    return f"triage:stats:v{CACHE_VERSION}:{inspection.pk}"


def team_statistics(*, user: Any, inspection: Inspection) -> dict[str, Any]:
    """The figures of the team's statistics page and its CSV (404 unless the user's team holds the inspection).

    The same for everyone on the team, so computed at most once per CACHE_SECONDS per inspection (as the
    dashboard's): at a million reports the passes take seconds (bench/README.md); `generated_at` says
    when they were taken. The access check comes first, cached or not."""
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    key = cache_key(inspection)
    figures = cache.get(key)
    if figures is None:
        with analytic_transaction():
            figures = _compute(inspection)
        cache.set(key, figures, CACHE_SECONDS)
    return {**figures, "inspection": inspection}
