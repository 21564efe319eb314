"""Celery tasks of intake (beat runs the fetch in the scaled deployment; the embedded scheduler calls the
same function, xuncha/scheduler/jobs.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="intake.fetch_all_mailboxes", ignore_result=True)
def fetch_all_mailboxes() -> list[dict[str, Any]]:
    """Fetch every enabled mailbox (scheduled by Celery beat, see xuncha/celery.py)."""
    from .mail import fetch_all_mailboxes as fetch_all

    return [{"mailbox": mailbox.pk, "new": r.new, "skipped": r.skipped, "flagged": r.flagged, "errors": r.errors, "busy": r.busy}
            for mailbox, r in fetch_all()]


@shared_task(name="intake.attachments_read", ignore_result=True)
def attachments_read_task(attachment_id: int) -> str:
    """Read one attachment's text (OCR or text layer) after its registration committed (scaled deployment)."""
    from .reading import attachment_read

    return attachment_read(attachment_id=attachment_id)
