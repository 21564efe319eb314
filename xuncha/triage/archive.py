"""Archive source (docs/architecture.md, "立卷归档"): the referral letters (转办函) and the transfer lists
(移交清单) of the inspection, as generated for the receiving bodies (never the reporter's identity)."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.inspections.models import Inspection

from .documents import referral_letter_docx, transfer_list_docx
from .models import Referral, TransferBatch


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    referrals = Referral.objects.filter(report__inspection=inspection).select_related("report", "body").order_by("number")
    for referral in referrals:
        yield "transfer", "referral_letter", f"转办函-第{referral.number}号-{referral.body.name}.docx", referral_letter_docx(referral)
    for batch in TransferBatch.objects.filter(inspection=inspection).select_related("body").order_by("number"):
        yield "transfer", "transfer_list", f"移交清单-第{batch.number}号-{batch.body.name}.docx", transfer_list_docx(batch)
