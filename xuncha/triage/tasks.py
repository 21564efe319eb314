"""Celery tasks of triage: the proposal of each new report, and retraining the classifier.

Tasks call services; services never import this module (the retraining task lives with the
classifier, which the label service schedules on commit)."""

from __future__ import annotations

from celery import shared_task

from .classifier import classifier_retrain_if_due
from .services import report_triage

__all__ = ["classifier_retrain_if_due", "report_triage_task"]


# Celery ships no type hints: the task is an untyped object with .delay().
@shared_task(name="triage.report_triage", ignore_result=True)
def report_triage_task(report_id: int) -> None:
    report_triage(report_id=report_id)
