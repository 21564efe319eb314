"""Celery side of the job table: beat (scaled deployment) runs a job that has no task of its own, such as
the audit anchor, by its name; missing in this version, it is skipped with a log line."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.utils.module_loading import import_string

from .jobs import jobs

logger = logging.getLogger("xuncha.scheduler")


@shared_task(name="scheduler.run_job", ignore_result=True)
def run_job(name: str) -> Any:
    [job] = [j for j in jobs() if j.name == name]
    try:
        func = import_string(job.target)
    except ImportError:
        logger.info("scheduled job %s skipped: %s is not available in this version", job.name, job.target)
        return None
    return func()
