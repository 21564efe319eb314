"""What the public side reads and writes beyond the intake services: receipt look-ups (audited) and the
status a reporter may see. Nothing here exposes staff names, the reporter's identity or internal notes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from xuncha.audit.services import audit_record
from xuncha.intake.models import Addition, Reply, Report
from xuncha.intake.services import receipt_find
from xuncha.intake.services_replies import lookup_changes


def receipt_lookup(*, code: str, via: str) -> Report | None:
    """The report behind a receipt code, or None. A successful look-up is audited (without the client's
    address, so that an anonymous reporter is not traced through the log)."""
    report = receipt_find(code)
    if report is not None:
        # Replies (DESIGN §3 rule 7): the time of the look-up, and a recorded "anonymous, never looked up"
        # is withdrawn (xuncha.intake.services_replies.lookup_changes).
        Report.objects.filter(pk=report.pk).update(**lookup_changes())
        audit_record(actor=None, action="report.receipt_lookup", obj=report,
                     summary=f"反映人凭查询码查看信访件 {report.reference}（{via}）")
    return report


def inspection_title(report: Report) -> str:
    inspection = report.inspection
    return f"{inspection.team.name}巡察{inspection.target.name}"


def public_replies(report: Report) -> list[Reply]:
    return list(Reply.objects.filter(report=report).only("kind", "content", "created_at").order_by("created_at", "id"))


def reporter_additions(report: Report) -> list[Addition]:
    return list(Addition.objects.filter(report=report, by_reporter=True).annotate(files=Count("attachments"))
                .only("content", "created_at").order_by("created_at", "id"))


def receipt_status(report: Report) -> dict[str, Any]:
    """The JSON-able status a reporter sees."""
    return {
        "status": report.status,
        "status_label": report.get_status_display(),
        "received_at": report.received_at,
        "inspection": inspection_title(report),
        "replies": [{"kind": r.kind, "kind_label": r.get_kind_display(), "content": r.content, "created_at": r.created_at}
                    for r in public_replies(report)],
    }
