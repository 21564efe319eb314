"""Reads of background exports: a user sees only their own jobs (anyone else's is not found), and only
until they expire."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.errors import NotFound

from .models import ExportJob, ExportStatus


def jobs_for(*, user: User) -> QuerySet[ExportJob]:
    """The user's jobs not yet expired, newest first."""
    return ExportJob.objects.filter(owner=user, expires_at__gt=timezone.now()).order_by("-created_at", "-id")


def job_get(*, user: User, pk: int) -> ExportJob:
    job = jobs_for(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound
    return job


def ready_not_downloaded(*, user: User) -> QuerySet[ExportJob]:
    """Finished jobs whose file the owner has not downloaded yet (我的待办 “导出已完成”)."""
    return jobs_for(user=user).filter(status=ExportStatus.DONE, downloaded_at__isnull=True)


def any_active(jobs: list[ExportJob]) -> bool:
    return any(j.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for j in jobs)
