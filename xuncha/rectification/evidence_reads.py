"""Reads of a finding's evidence list, approval trail and the leads around it, for the team's pages and
the API (the finding itself is read through selectors.finding_get, which narrows to the team)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.fieldwork import evidence as registry
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.documents import DocumentItem
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
