"""Celery tasks of rectification: the daily reminders of ledger items due soon or overdue."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="rectification.reminders_send", ignore_result=True)
def reminders_send_task() -> dict[str, int]:
    """Run once a day (beat); a second run on the same day creates and sends nothing new."""
    from .services import reminders_send

    run = reminders_send()
    return {"created": run.created, "emailed": run.emailed, "failed": run.failed}
