"""Reads across the fieldwork of an inspection: the one list by date, visits and meetings, leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from xuncha.access import Kind, Purpose, scope
from xuncha.accounts.selectors import Someone
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection

from .models import Lead
from .models.talks import Interview, InterviewState
from .models.visits import FieldAttachment, FieldRecord


@dataclass
class Entry:
    day: dt.date
    kind: str
    label: str
    url: str
    state: str


def field_record_queryset(user: Someone) -> QuerySet[FieldRecord]:
    return FieldRecord.objects.filter(scope(user, Kind.FIELDWORK, Purpose.READ)).select_related("inspection")


def field_record_get(*, user: Someone, pk: int) -> FieldRecord:
    record = field_record_queryset(user).filter(pk=pk).first()
    if record is None:
        raise NotFound
    return record


def field_attachment_get(*, user: Someone, pk: int) -> FieldAttachment:
    """An attachment of a visit or meeting record the user's team may read (else 404)."""
    found = FieldAttachment.objects.filter(pk=pk, record__in=field_record_queryset(user)).select_related("record").first()
    if found is None:
        raise NotFound
    return found


def timeline(inspection: Inspection) -> list[Entry]:
    """Every talk (held or scheduled) and every visit or meeting record, newest first; names never shown."""
    out: list[Entry] = []
    talks = Interview.objects.filter(inspection=inspection, scheduled_at__isnull=False).exclude(state=InterviewState.PENDING)
    for it in talks:
        assert it.scheduled_at is not None
        out.append(Entry(timezone.localtime(it.scheduled_at).date(), "个别谈话", it.label,
                         reverse("fieldwork:interview", args=[it.pk]), it.get_state_display()))
    for r in FieldRecord.objects.filter(inspection=inspection):
        out.append(Entry(r.held_on, r.get_kind_display(), f"{r.label}：{r.title}", reverse("fieldwork:field_record", args=[r.pk]), ""))
    out.sort(key=lambda e: (e.day, e.label), reverse=True)
    return out


def lead_list(*, user: Someone, inspection: Inspection) -> QuerySet[Lead]:
    """The inspection's leads, open ones first."""
    return (Lead.objects.filter(scope(user, Kind.FIELDWORK, Purpose.READ), inspection=inspection)
            .annotate(open_first=Case(When(state=Lead.State.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()))
            .order_by("open_first", "number"))


def lead_get(*, user: Someone, pk: int) -> Lead:
    lead = Lead.objects.filter(scope(user, Kind.FIELDWORK, Purpose.READ), pk=pk).select_related("inspection").first()
    if lead is None:
        raise NotFound
    return lead
