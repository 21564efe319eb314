"""What the public side reads: the status a reporter may see of the report behind their receipt code.
Nothing here exposes staff names, the reporter's identity or internal notes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from xuncha.aftercare.selectors import published_for_reporter
from xuncha.intake.models import Addition, Attachment, Report
from xuncha.replies.models import Reply


def inspection_title(report: Report) -> str:
    inspection = report.inspection
    return f"{inspection.team.name}巡察{inspection.target.name}"


def public_replies(report: Report) -> list[Reply]:
    return list(Reply.objects.filter(report=report).only("kind", "content", "created_at").order_by("created_at", "id"))


def reporter_additions(report: Report) -> list[Addition]:
    return list(Addition.objects.filter(report=report, by_reporter=True).annotate(files=Count("attachments"))
                .only("content", "created_at").order_by("created_at", "id"))


def reporter_files(report: Report) -> list[dict[str, Any]]:
    """The files the reporter gave (with the online report, or added later through the receipt code): name
    and size only. They are never served back: a lost receipt code must not leak what was sent."""
    mine = Q(addition__by_reporter=True)
    if report.created_by_id is None and not report.email_message_id:  # the reporter's own online submission
        mine |= Q(addition__isnull=True)
    return [{"name": name, "size": size} for name, size in
            Attachment.objects.filter(mine, report=report).order_by("id").values_list("original_name", "size")]


def receipt_status(report: Report) -> dict[str, Any]:
    """The JSON-able status a reporter sees."""
    return {
        "status": report.status,
        "status_label": report.get_status_display(),
        "received_at": report.received_at,
        "inspection": inspection_title(report),
        "files": reporter_files(report),
        "replies": [{"kind": r.kind, "kind_label": r.get_kind_display(), "content": r.content, "created_at": r.created_at}
                    for r in public_replies(report)],
        # 整改公开: once the office has published the inspection's rectification, the reporter is told so.
        "rectification_published": rectification_published(report),
    }


def rectification_published(report: Report) -> dict[str, Any] | None:
    """{"published_on", "url"} once the rectification of the report's inspection is published, else None."""
    return published_for_reporter(report.inspection)
