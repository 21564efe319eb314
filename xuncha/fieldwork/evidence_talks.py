"""Evidence resolvers of talks, visits and meetings (registered in FieldworkConfig.ready()): a finding
cites a talk's record by number ("谈话记录 第3号"), never by the interviewee's name."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .evidence import EvidenceRef, register
from .models.visits import VisitKind
from .selectors_fieldwork import field_record_queryset
from .selectors_talks import interview_queryset


def interview_ref(actor: Any, inspection_id: int, object_id: int) -> EvidenceRef | None:
    it = interview_queryset(actor).filter(pk=object_id, inspection_id=inspection_id, record__isnull=False).first()
    if it is None:
        return None
    return EvidenceRef("interview", it.pk, it.label, reverse("fieldwork:interview", args=[it.pk]))


def _record_ref(kind: str, meeting: bool) -> Any:
    def resolve(actor: Any, inspection_id: int, object_id: int) -> EvidenceRef | None:
        qs = field_record_queryset(actor).filter(pk=object_id, inspection_id=inspection_id)
        qs = qs.filter(kind=VisitKind.TEAM_MEETING) if meeting else qs.exclude(kind=VisitKind.TEAM_MEETING)
        r = qs.first()
        if r is None:
            return None
        return EvidenceRef(kind, r.pk, r.label, reverse("fieldwork:field_record", args=[r.pk]))
    return resolve


def register_all() -> None:
    register("interview", "谈话记录", interview_ref)
    register("visit", "走访、座谈等记录", _record_ref("visit", meeting=False))
    register("meeting", "组务会记录", _record_ref("meeting", meeting=True))
