"""Celery tasks of triage: the drain of new reports (drain.py), the proposal of a report read again, and
retraining the classifier.

Tasks call services; services never import this module (the retraining task lives with the
classifier, which the label service schedules on commit)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .classifier import classifier_retrain_if_due
from .drain import triage_drain
from .services import report_triage

__all__ = ["classifier_retrain_if_due", "report_triage_task", "triage_drain_task", "triage_pending"]

# A report younger than this may still be being triaged by its own on-commit hook.
PENDING_GRACE = dt.timedelta(minutes=2)


# Celery ships no type hints: the task is an untyped object with .delay().
@shared_task(name="triage.report_triage", ignore_result=True)
def report_triage_task(report_id: int) -> None:
    report_triage(report_id=report_id)


@shared_task(name="triage.drain", ignore_result=True)
def triage_drain_task(since: int | None = None) -> dict[str, int]:
    """The scaled deployment's drain (one per burst of registrations, drain.report_registered)."""
    return triage_drain(since=since)


def triage_pending(limit: int = 500) -> dict[str, int]:
    """Triage the reports whose triage after registration was lost (a worker killed between the commit
    and the triage, the database dropping meanwhile, the queue down): the scheduler's catch-up job,
    the same as `manage.py triage_reports`."""
    from xuncha.intake.models import Report

    cutoff = timezone.now() - PENDING_GRACE
    ids = list(Report.objects.filter(triage__isnull=True, created_at__lt=cutoff, inspection__filed_at__isnull=True).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    for report_id in ids:
        report_triage(report_id=report_id)
    return {"triaged": len(ids)}
