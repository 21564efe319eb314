"""Reads of aftercare: the publication (staff and public), the assessment's figures and sheet, the
starting point of a 回头看 inspection. Each takes the reader where access matters (aftercare.access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Evidence, Finding, ItemStatus, RectificationItem
from xuncha.rectification.selectors import overdue_q

from .access import Reader, can_assess, revisit_team_reads, staff_inspection_get
from .models import Assessment, Indicator, IndicatorScore, ItemScore, Publication, RevisitMark

# The indicators an office starts from (DESIGN: completion, overdue, evidence quality, reforms of systems,
# public satisfaction); the office changes them on the indicators page.
DEFAULT_INDICATORS: list[tuple[str, int, str]] = [
    ("整改完成率", 30, "已销号和长期坚持的事项占全部事项的比例"),
    ("按期完成情况", 20, "逾期未完成的事项每项扣分"),
    ("佐证材料质量", 20, "佐证材料齐全、真实、能证明整改成效"),
    ("建章立制", 15, "针对共性问题完善制度、形成长效机制"),
    ("群众满意度", 15, "民主测评、问卷和回访中干部群众的评价"),
]


# --- publication ------------------------------------------------------------------------------------


def latest_publication(inspection: Inspection) -> Publication | None:
    return Publication.objects.filter(inspection=inspection).order_by("-version").first()


def public_publication(public_id: Any) -> Publication | None:
    """The published rectification of an inspection by its public id (None when not published)."""
    return Publication.objects.filter(inspection__public_id=public_id).select_related("inspection").order_by("-version").first()


def published_for_reporter(inspection: Inspection) -> dict[str, Any] | None:
    """What a reporter who looks up a receipt code sees: that (and when) the rectification was published."""
    from django.urls import reverse

    first = Publication.objects.filter(inspection=inspection).order_by("version").values_list("published_at", flat=True).first()
    if first is None:
        return None
    return {"published_on": timezone.localdate(first), "url": reverse("aftercare_public:rectification", args=[inspection.public_id])}


def ledger_for_publication(inspection: Inspection) -> list[RectificationItem]:
    return list(RectificationItem.objects.filter(inspection=inspection).select_related("finding", "publication_exemption")
                .order_by("finding__number", "number"))


# --- assessment -------------------------------------------------------------------------------------


def indicators_current() -> list[Indicator]:
    """The active indicators, or the defaults (unsaved) while the office has configured none."""
    rows = list(Indicator.objects.filter(active=True))
    if rows or Indicator.objects.exists():
        return rows
    return [Indicator(name=n, max_score=m, hint=h, order=i) for i, (n, m, h) in enumerate(DEFAULT_INDICATORS, 1)]


def assessment_figures(inspection: Inspection, today: dt.date | None = None) -> dict[str, int]:
    """What the ledger says, for the office to score by: counts of items by state, overdue and with evidence."""
    today = today or timezone.localdate()
    items = RectificationItem.objects.filter(inspection=inspection)
    evidence = Evidence.objects.filter(progress__item=OuterRef("pk"))
    return {
        "items": items.count(),
        "signed_off": items.filter(status=ItemStatus.SIGNED_OFF).count(),
        "long_term": items.filter(Q(status=ItemStatus.LONG_TERM) | Q(long_term=True)).exclude(status=ItemStatus.SIGNED_OFF).count(),
        "overdue": items.filter(overdue_q(today)).count(),
        "with_evidence": items.filter(Exists(evidence)).count(),
    }


def suggested_rating(item: RectificationItem) -> str:
    ratings: dict[str, str] = {ItemStatus.SIGNED_OFF: "done", ItemStatus.DONE: "mostly", ItemStatus.LONG_TERM: "ongoing"}
    return ratings.get(item.status, "not_done")


def indicator_total(lines: Sequence[IndicatorScore]) -> tuple[Decimal, int]:
    return sum((line.score or Decimal(0) for line in lines), Decimal(0)), sum(line.max_score for line in lines)


def item_average(scores: Sequence[ItemScore]) -> Decimal | None:
    if not scores:
        return None
    return (sum((s.score for s in scores), Decimal(0)) / len(scores)).quantize(Decimal("0.1"))


def grade_of(total: Decimal, maximum: int) -> str:
    if not maximum:
        return "—"
    ratio = total / maximum
    return "好" if ratio >= Decimal("0.9") else "较好" if ratio >= Decimal("0.75") else "一般" if ratio >= Decimal("0.6") else "差"


def assessment_get(*, user: Reader, inspection_id: int) -> tuple[Inspection, Assessment | None]:
    inspection = staff_inspection_get(user=user, pk=inspection_id)
    return inspection, Assessment.objects.filter(inspection=inspection).first()


def assessment_items(inspection: Inspection) -> list[RectificationItem]:
    return list(RectificationItem.objects.filter(inspection=inspection).select_related("finding").order_by("number"))


def may_assess(user: Reader, inspection: Inspection) -> bool:
    return can_assess(user, inspection)


# --- 回头看 -------------------------------------------------------------------------------------------


OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.LONG_TERM)


def revisit_get(*, user: Reader, pk: int) -> Inspection:
    """A follow-up inspection whose starting point the user may read (its team, the office)."""
    inspection = Inspection.objects.filter(pk=pk).select_related("team", "target", "round", "revisit_of",
                                                                   "revisit_of__team", "revisit_of__round").first()
    if inspection is None or not revisit_team_reads(user, inspection):
        raise NotFound
    return inspection


def earlier_findings(inspection: Inspection) -> QuerySet[Finding]:
    """The approved findings of the inspection a 回头看 revisits: title, focus and rule (no facts or evidence)."""
    return (Finding.objects.filter(inspection_id=inspection.revisit_of_id or 0, state=Finding.State.APPROVED)
            .only("number", "title", "focus", "rule_broken", "inspection_id").order_by("number"))


def earlier_open_items(inspection: Inspection) -> QuerySet[RectificationItem]:
    """The earlier inspection's ledger items still open or to be kept up long term: the new team's starting point."""
    return (RectificationItem.objects.filter(Q(status__in=OPEN_STATUSES) | Q(long_term=True), inspection_id=inspection.revisit_of_id or 0)
            .select_related("finding").order_by("number"))


def revisit_marks(inspection: Inspection) -> QuerySet[RevisitMark]:
    return (RevisitMark.objects.filter(finding__inspection=inspection).select_related("finding", "earlier", "by")
            .order_by("finding__number", "earlier__number"))


def own_findings(inspection: Inspection) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection=inspection).exclude(state=Finding.State.RETURNED).order_by("number")
