"""The offices' dashboard: an office's figures rolled up over its subtree (巡察办统计), per office, per round
and per year. Aggregates only (the office role's; an office admin sees their offices and those below).

Four GROUP BY queries whatever the size of the tree: inspections by (office, round, year), then reports,
findings and ledger items by inspection, bounded by the subtree's inspections; the rows are folded in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection, Office, Round
from xuncha.inspections.selectors_offices import office_get, office_inspections_q
from xuncha.intake.models import Report
from xuncha.rectification.models import Finding, ItemStatus, RectificationItem

from .selectors import OPEN_ITEM_STATUSES

FIGURES = ("inspections", "reports", "findings", "ledger_items", "signed_off", "overdue")


def _zero() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _name(office: Office | None) -> str:
    return office.name if office is not None else ""


def office_rollup(*, user: User, office_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """The office's subtree figures: {"totals", "by_office", "by_round", "by_year"} (NotFound unless the user
    is an office admin who reads this office)."""
    office = office_get(user=user, pk=office_id)
    day = today or timezone.localdate()
    rows: list[Any] = list(Inspection.objects.filter(office_inspections_q(office)).order_by().values("pk", "office_id", "round_id", "round__year"))
    ids = [r["pk"] for r in rows]
    per: dict[int, dict[str, int]] = {pk: {**_zero(), "inspections": 1} for pk in ids}
    row: Any
    if ids:
        for row in Report.objects.filter(inspection_id__in=ids).order_by().values("inspection_id").annotate(n=Count("pk")):
            per[row["inspection_id"]]["reports"] = row["n"]
        for row in (Finding.objects.filter(inspection_id__in=ids, state=Finding.State.APPROVED).order_by()
                    .values("inspection_id").annotate(n=Count("pk"))):
            per[row["inspection_id"]]["findings"] = row["n"]
        for row in (RectificationItem.objects.filter(inspection_id__in=ids).order_by().values("inspection_id")
                    .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=ItemStatus.SIGNED_OFF)),
                              late=Count("pk", filter=Q(deadline__lt=day, long_term=False, status__in=OPEN_ITEM_STATUSES)))):
            figures = per[row["inspection_id"]]
            figures.update(ledger_items=row["n"], signed_off=row["done"], overdue=row["late"])
    totals = _zero()
    by_office: dict[int | None, dict[str, int]] = {}
    by_round: dict[int, dict[str, int]] = {}
    by_year: dict[int, dict[str, int]] = {}
    for row in rows:
        figures = per[row["pk"]]
        for bucket in (totals, by_office.setdefault(row["office_id"] or office.pk, _zero()),
                       by_round.setdefault(row["round_id"], _zero()), by_year.setdefault(row["round__year"], _zero())):
            for key in FIGURES:
                bucket[key] += figures[key]
    names = dict(Office.objects.filter(pk__in=[k for k in by_office if k]).values_list("pk", "name"))
    rounds = {r.pk: r for r in Round.objects.filter(pk__in=list(by_round)).select_related("office")}
    return {
        "office": office,
        "today": day,
        "totals": totals,
        "by_office": sorted(({"pk": pk, "name": names.get(pk or 0, ""), **f} for pk, f in by_office.items()), key=lambda r: r["pk"] or 0),
        "by_round": [{"pk": pk, "name": rounds[pk].name, "year": rounds[pk].year,
                      "office": _name(rounds[pk].office), **f}
                     for pk, f in sorted(by_round.items(), key=lambda kv: (-rounds[kv[0]].year, rounds[kv[0]].name))],
        "by_year": [{"year": year, **f} for year, f in sorted(by_year.items(), reverse=True)],
    }


def office_summary(*, user: User, office_id: int, today: dt.date | None = None) -> dict[str, int]:
    """GET /api/v1/offices/{id}/summary: the subtree totals."""
    return dict(office_rollup(user=user, office_id=office_id, today=today)["totals"])
