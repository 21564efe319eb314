"""Celery side of background exports (the scaled deployment, settings.EXPORT_RUNNER = "celery")."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="exports.run", ignore_result=True)
def export_run_task(job_id: int) -> str:
    from .services import export_run

    return export_run(job_id=job_id)
