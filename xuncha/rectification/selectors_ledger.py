"""Reads of the feedback and the rectification ledger. Access goes through xuncha.rectification.access:
the office reads every ledger, the team its inspections', the liaison their organisation's items only
(never a finding's facts or evidence, a report or a reporter). What a user may not see is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from xuncha.accounts.selectors import org_ids
from xuncha.core.workdays import WorkdayCalendar
from xuncha.inspections.models import Inspection

from .access import is_office, ledger_inspections, team_inspections
from .models import Evidence, Feedback, ItemStatus, Notification, ProgressReport, RectificationItem
from .services_ledger import is_overdue, overdue_q, overdue_working_days


@dataclass(frozen=True)
class LedgerFilters:
    status: str = ""
    overdue: bool = False
    dept: str = ""

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> LedgerFilters:
        overdue = str(data.get("overdue") or "").strip().lower() in {"1", "yes", "true", "on"}
        return cls(status=str(data.get("status") or "").strip(), overdue=overdue, dept=str(data.get("dept") or "").strip()[:120])

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
        return qs


def staff_inspections(*, user: Any) -> QuerySet[Inspection]:
    """Inspections whose ledger the user works on as staff: the office all, the team its own (no liaison)."""
    return Inspection.objects.all() if is_office(user) else team_inspections(user=user)


def staff_inspection_get(*, user: Any, pk: int) -> Inspection:
    inspection = staff_inspections(user=user).filter(pk=pk).prefetch_related(None).select_related("team", "target", "round").first()
    if inspection is None:
        raise Http404
    return inspection


def _items() -> QuerySet[RectificationItem]:
    has_evidence = Exists(Evidence.objects.filter(progress__item=OuterRef("pk")))
    return RectificationItem.objects.select_related("finding").annotate(has_evidence=has_evidence).order_by("number")


def ledger_items(*, user: Any, inspection: Inspection, filters: LedgerFilters | None = None,
                 today: dt.date | None = None) -> QuerySet[RectificationItem]:
    """The ledger of one inspection for anyone who may read it (office, team, the target's liaison)."""
    if not ledger_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    qs = _items().filter(inspection=inspection)
    return (filters or LedgerFilters()).apply(qs, today or timezone.localdate())


def ledger_export_allowed(*, user: Any, inspection_id: int) -> Inspection:
    """The inspection whose ledger the user may export (same rule as reading it)."""
    inspection = ledger_inspections(user=user).filter(pk=inspection_id).prefetch_related(None).select_related("team", "target").first()
    if inspection is None:
        raise Http404
    return inspection


def item_get(*, user: Any, pk: int) -> RectificationItem:
    """One item for anyone who may read its ledger."""
    item = _items().select_related("inspection__team", "inspection__target", "signed_off_by").filter(
        pk=pk, inspection__in=ledger_inspections(user=user)).first()
    if item is None:
        raise Http404
    return item


def staff_item_get(*, user: Any, pk: int) -> RectificationItem:
    item = _items().select_related("inspection__team", "inspection__target", "signed_off_by").filter(
        pk=pk, inspection__in=staff_inspections(user=user)).first()
    if item is None:
        raise Http404
    return item


def liaison_items(*, user: Any, filters: LedgerFilters | None = None, today: dt.date | None = None) -> QuerySet[RectificationItem]:
    """The items of the liaison's organisation(s), across inspections."""
    qs = _items().select_related("inspection__team", "inspection__target").filter(inspection__target_id__in=org_ids(user))
    return (filters or LedgerFilters()).apply(qs, today or timezone.localdate()).order_by("inspection_id", "number")


def liaison_item_get(*, user: Any, pk: int) -> RectificationItem:
    item = liaison_items(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def item_history(item: RectificationItem) -> list[ProgressReport]:
    return list(item.reports.select_related("by").prefetch_related("files").order_by("at", "id"))


def evidence_get(*, user: Any, pk: int, liaison: bool = False) -> Evidence:
    """A progress report's evidence file: for staff of the inspection, or (liaison=True) for the target's liaison.
    Evidence of notice answers is not reachable here."""
    qs = Evidence.objects.filter(pk=pk, progress__isnull=False).select_related("progress__item")
    if liaison:
        qs = qs.filter(progress__item__inspection__target_id__in=org_ids(user))
    else:
        qs = qs.filter(progress__item__inspection__in=staff_inspections(user=user))
    evidence = qs.first()
    if evidence is None:
        raise Http404
    return evidence


def overdue_items(*, user: Any, today: dt.date) -> QuerySet[RectificationItem]:
    """Overdue items across every inspection whose ledger the user works on as staff."""
    return (_items().select_related("inspection__team", "inspection__target")
            .filter(overdue_q(today), inspection__in=staff_inspections(user=user)).order_by("deadline", "inspection_id", "number"))


def flag_items(items: Iterable[RectificationItem], today: dt.date, calendar: WorkdayCalendar) -> list[Any]:
    """Set `overdue` and `overdue_days` (working days past the deadline) on each item, for the pages."""
    out = []
    for item in items:
        row: Any = item
        row.overdue = is_overdue(item, today)
        row.overdue_days = overdue_working_days(item.deadline, today, calendar) if row.overdue and item.deadline else 0
        out.append(row)
    return out


def feedback_get(*, inspection: Inspection) -> Feedback | None:
    return Feedback.objects.filter(inspection=inspection).select_related("created_by").first()


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()
