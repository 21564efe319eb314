"""Reads of triage, each taking the acting user: the team's work queue with its filters, duplicate
groups, dispositions awaiting approval, and — for receiving bodies — only what was handed to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from xuncha.access import Kind, Purpose, scope
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.intake.models import Report, ReportStatus, Subject, SubjectCategory
from xuncha.intake.search import search_filter
from xuncha.intake.selectors import intake_inspections

from .models import DISCIPLINE_BITS, FOCUS_BITS, Clue, Disposition, DuplicateGroup, Referral, Scope, TransferBatch

SORTS = {
    "new": ("-received_at", "-id"),
    "old": ("received_at", "id"),
    "number": ("number",),
    "-number": ("-number",),
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
    sort: str = "new"

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        values = {f: str(params.get(f, "")).strip()[:100] for f in cls.__dataclass_fields__}
        return cls(**values)

    def is_valid_value(self, name: str) -> bool:
        value = getattr(self, name)
        allowed: dict[str, Any] = {
            "status": ReportStatus.values, "channel": ChannelKind.values, "discipline": DISCIPLINE_BITS,
            "focus": FOCUS_BITS, "category": SubjectCategory.values, "scope": Scope.values, "window": ("in", "out"),
            "real_name": ("yes", "no"), "pending": ("yes",), "sort": SORTS,
        }
        return not value or name not in allowed or value in allowed[name]


def queue(*, user: Any, inspection: Inspection, filters: QueueFilters) -> QuerySet[Report]:
    """The team's reports of one inspection, filtered and sorted (404 unless the user's team holds it).

    Every filter is a column of Report or of its Triage row, or an indexed semi-join (subjects,
    pending dispositions, full text), so a page is a bounded index scan at any number of reports.
    """
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
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
    if f.q:
        qs = search_filter(qs, f.q)
    return qs.order_by(*SORTS.get(f.sort, SORTS["new"]))


def queue_rows(qs: QuerySet[Report]) -> QuerySet[Report]:
    """What a queue page shows of each report (subjects, triage, channel) in a fixed number of queries."""
    return qs.select_related("triage", "channel").prefetch_related("subjects")


def groups_for(reports: list[Report]) -> dict[int, DuplicateGroup]:
    keys = {r.triage.group_key for r in reports if hasattr(r, "triage") and r.triage.group_key is not None}
    return {g.key: g for g in DuplicateGroup.objects.filter(key__in=keys)}


def group_list(*, user: Any, inspection: Inspection) -> QuerySet[DuplicateGroup]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return DuplicateGroup.objects.filter(inspection=inspection).select_related("first_report", "answered_report")


def group_get(*, user: Any, key: int) -> DuplicateGroup:
    group = DuplicateGroup.objects.filter(key=key, inspection__in=intake_inspections(user=user)).select_related(
        "inspection", "first_report", "answered_report").first()
    if group is None:
        raise Http404
    return group


def dispositions_pending(*, user: Any, inspection: Inspection) -> QuerySet[Disposition]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return (Disposition.objects.filter(report__inspection=inspection, state=Disposition.State.PROPOSED)
            .select_related("report", "body", "proposed_by").order_by("proposed_at", "id"))


def team_referrals(*, user: Any, inspection: Inspection) -> QuerySet[Referral]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return Referral.objects.filter(report__inspection=inspection).select_related("report", "body")


def team_clues(*, user: Any, inspection: Inspection) -> QuerySet[Clue]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return Clue.objects.filter(report__inspection=inspection).select_related("report", "body", "batch")


def team_referral_get(*, user: Any, pk: int) -> Referral:
    item = Referral.objects.filter(pk=pk, report__inspection__in=intake_inspections(user=user)).select_related(
        "report__inspection__team", "report__inspection__target", "body", "disposition__decided_by").first()
    if item is None:
        raise Http404
    return item


def team_batch_get(*, user: Any, pk: int) -> TransferBatch:
    batch = TransferBatch.objects.filter(pk=pk, inspection__in=intake_inspections(user=user)).select_related(
        "inspection__team", "inspection__target", "body").first()
    if batch is None:
        raise Http404
    return batch


# Receiving bodies: only what was handed to their body (a clue only once it is in a transfer list).

def recipient_referrals(*, user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK)).select_related("report__inspection__target", "body")


def recipient_clues(*, user: Any) -> QuerySet[Clue]:
    return Clue.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK), batch__isnull=False).select_related(
        "report__inspection__target", "body", "batch")


def recipient_batches(*, user: Any) -> QuerySet[TransferBatch]:
    return TransferBatch.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK, via="inspection")).select_related("inspection__target", "body")


def recipient_referral_get(*, user: Any, pk: int) -> Referral:
    item = recipient_referrals(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def recipient_clue_get(*, user: Any, pk: int) -> Clue:
    item = recipient_clues(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def recipient_batch_get(*, user: Any, pk: int) -> TransferBatch:
    batch = recipient_batches(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def overdue_q(cutoff: Any) -> Q:
    return Q(result_at__isnull=True, acknowledged_at__lt=cutoff)


def team_batches(*, user: Any, inspection: Inspection) -> QuerySet[TransferBatch]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return TransferBatch.objects.filter(inspection=inspection).select_related("body", "created_by", "signed_by")
