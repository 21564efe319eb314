"""Reads of the briefing before entry (巡前情况通报): the team's only (Kind.FIELDWORK); anyone else 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from xuncha.access import Kind, Purpose, scope
from xuncha.accounts.selectors import Someone
from xuncha.errors import NotFound

from .evidence import EvidenceRef
from .models import Lead
from .models.briefing import BriefingAttachment, BriefingRequest, BriefingSummary


def briefing_queryset(user: Someone) -> QuerySet[BriefingRequest]:
    return (BriefingRequest.objects.filter(scope(user, Kind.FIELDWORK, Purpose.READ))
            .select_related("inspection__team", "inspection__target").prefetch_related("attachments"))


def briefing_get(*, user: Someone, pk: int) -> BriefingRequest:
    found = briefing_queryset(user).filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def briefing_attachment_get(*, user: Someone, pk: int) -> BriefingAttachment:
    found = (BriefingAttachment.objects.filter(pk=pk, briefing__in=briefing_queryset(user))
             .select_related("briefing__inspection").first())
    if found is None:
        raise NotFound
    return found


def summary_of(inspection_id: int) -> BriefingSummary | None:
    return BriefingSummary.objects.filter(inspection_id=inspection_id).first()


def briefing_leads(inspection_id: int) -> QuerySet[Lead]:
    """The problems to look at from the briefings, with the findings that took them in."""
    return Lead.objects.filter(inspection_id=inspection_id, source=Lead.Source.BRIEFING).prefetch_related("findings")


def briefing_ref(actor: Someone, inspection_id: int, object_id: int) -> EvidenceRef | None:
    """Evidence resolver (xuncha.fieldwork.evidence): a finding cites a body's answered briefing."""
    found = briefing_queryset(actor).filter(pk=object_id, inspection_id=inspection_id, answered_on__isnull=False).first()
    if found is None:
        return None
    return EvidenceRef("briefing", found.pk, found.label, reverse("fieldwork:briefing", args=[found.pk]))
