"""The evidence kinds of this part of fieldwork, registered in FieldworkConfig.ready(): "document" (a
delivered item of a document request) and "report" (a report from the public, read through intake's
selectors; labelled by its number only, never its content or reporter)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from xuncha.intake.models import Report
from xuncha.intake.selectors import intake_inspections

from . import evidence
from .models.documents import DocumentItem
from .selectors_documents import is_team


def resolve_document(actor: Any, inspection_id: int, object_id: int) -> evidence.EvidenceRef | None:
    item = (DocumentItem.objects.filter(pk=object_id, request__inspection_id=inspection_id)
            .select_related("request__inspection").first())
    if item is None or not is_team(actor, item.request.inspection):
        return None
    return evidence.EvidenceRef("document", item.pk, f"调阅资料 {item.request.number}-{item.number}《{item.name[:60]}》",
                                reverse("fieldwork:request", args=[item.request_id]) + f"#item-{item.pk}")


def resolve_report(actor: Any, inspection_id: int, object_id: int) -> evidence.EvidenceRef | None:
    report = (Report.objects.filter(pk=object_id, inspection_id=inspection_id, inspection__in=intake_inspections(user=actor))
              .only("pk", "inspection_id", "number").first())
    if report is None:
        return None
    return evidence.EvidenceRef("report", report.pk, f"信访件 {report.reference}", reverse("intake:report", args=[report.pk]))


def register() -> None:
    evidence.register("document", "调阅资料", resolve_document)
    evidence.register("report", "信访件", resolve_report)
