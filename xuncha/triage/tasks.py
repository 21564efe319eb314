"""Celery tasks of triage: the proposal of each new report, and retraining the classifier."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="triage.report_triage", ignore_result=True)
def report_triage_task(report_id: int) -> None:
    from .services import report_triage

    report_triage(report_id=report_id)


@shared_task(name="triage.classifier_retrain_if_due", ignore_result=True)
def classifier_retrain_if_due() -> str | None:
    from .classifier import classifier_retrain, retrain_due

    if not retrain_due():
        return None
    row = classifier_retrain()
    return row.model_id if row else None
