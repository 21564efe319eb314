"""Reads of a finding's evidence list, approval trail and the leads around it, for the team's pages and
the API (the finding itself is read through selectors.finding_get, which narrows to the team)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.fieldwork import evidence as registry
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.documents import DocumentItem
from xuncha.fieldwork.models.talks import Interview
from xuncha.fieldwork.models.visits import FieldRecord, VisitKind
from xuncha.inspections.models import Inspection

from .models import Finding, FindingEvidence, FindingReview


@dataclass(frozen=True)
class EvidenceRow:
    row: FindingEvidence
    kind_label: str
    label: str
    url: str

    @property
    def visible(self) -> bool:
        return bool(self.url)


def evidence_rows(*, user: User, finding: Finding) -> list[EvidenceRow]:
    """The finding's cited evidence, each resolved for the reader (a kind no longer registered, or an
    object the reader may not see, is listed by kind and number without a link)."""
    labels = registry.kind_labels()
    out = []
    for e in finding.evidence.all():
        ref = registry.resolve(e.kind, actor=user, inspection_id=finding.inspection_id, object_id=e.object_id)
        label = ref.label if ref else f"{labels.get(e.kind, e.kind)} {e.object_id}（不可查看）"
        if e.page:
            label += f" 第{e.page}页"
        out.append(EvidenceRow(e, labels.get(e.kind, e.kind), label, ref.url if ref else ""))
    return out


def review_trail(finding: Finding) -> list[FindingReview]:
    return list(finding.reviews.select_related("by"))


def open_leads(inspection: Inspection) -> QuerySet[Lead]:
    """The inspection's leads still to verify (the caller has checked the reader is its team)."""
    return Lead.objects.filter(inspection=inspection, state=Lead.State.OPEN).order_by("number")


def citable_documents(inspection: Inspection) -> QuerySet[DocumentItem]:
    """Delivered items of the inspection's document requests (the team cites them as evidence)."""
    return (DocumentItem.objects.filter(request__inspection=inspection,
                                        state__in=[DocumentItem.State.UPLOADED, DocumentItem.State.PAPER])
            .select_related("request").order_by("request__number", "number"))


def citable_records(inspection: Inspection) -> list[tuple[str, str]]:
    """Recorded talks and the visit and meeting records of the inspection, as ("kind:id", label) for the
    finding page's picker; labels carry numbers only, never an interviewee's name."""
    out = [(f"interview:{it.pk}", f"谈话记录 第{it.number}号")
           for it in Interview.objects.filter(inspection=inspection, record__isnull=False).order_by("number")]
    for rec in FieldRecord.objects.filter(inspection=inspection).order_by("held_on", "number"):
        kind = "meeting" if rec.kind == VisitKind.TEAM_MEETING else "visit"
        out.append((f"{kind}:{rec.pk}", f"{rec.label}：{rec.title}"))
    return out
