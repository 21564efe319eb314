"""Writes of background exports: starting one (checked, audited, handed to the runner after commit),
running it (claimed once, progress written as it goes, the file sealed at rest), downloading it (the
owner only, re-checked, audited), and the scheduler's clean-up (expired files and rows; jobs left running
by a process that died are failed after the lease).

How a job runs is settings.EXPORT_RUNNER: "celery" (a task on the queue, the scaled deployment), "thread"
(a background thread of the process that started it, the embedded one: not inside the request), "inline"
(at once, in the caller: the tests)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
import time
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, DomainError, NotFound
from xuncha.uploads import removed_on_failure

from . import registry
from .models import ExportJob, ExportStatus
from .selectors import job_get

logger = logging.getLogger("xuncha.exports")

ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
PROGRESS_EVERY_SECONDS = 1.0
MAX_ERROR = 300
LOST_RIGHT = "您已无权导出该内容（权限在生成前发生了变化）。"
BROKEN = "生成导出时出错，请稍后重新生成；如仍失败，请联系系统管理员。"
INTERRUPTED = "导出在生成过程中中断（服务进程已停止），请重新生成。"
NEVER_STARTED = "导出未能开始（后台任务没有运行），请重新生成。"
GONE_KIND = "此类导出已不再提供。"


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


def export_start(*, actor: User, kind: str, params: dict[str, Any], request: HttpRequest | None = None) -> ExportJob:
    """Start one export for the actor: NotFound when the kind is unknown or the actor may not have it.
    The same export (kind and parameters) still queued or running for the same owner is returned rather
    than started twice (a second click); more than EXPORT_MAX_ACTIVE at once is a Conflict."""
    spec = registry.kind_get(kind)
    title = spec.check(params=params, actor=actor)
    now = timezone.now()
    with transaction.atomic():
        active = list(ExportJob.objects.select_for_update().filter(owner=actor, status__in=ACTIVE))
        for job in active:
            if job.kind == kind and job.params == params:
                return job
        if len(active) >= settings.EXPORT_MAX_ACTIVE:
            raise Conflict(f"您已有{len(active)}个导出正在生成，请等其完成后再开始新的导出。")
        job = ExportJob.objects.create(owner=actor, kind=kind, title=title[:200], params=params,
                                       expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS))
        audit_record(actor=actor, action="export.start", obj=job, request=request,
                     summary=f"开始生成导出：{job.title}", data={"kind": kind, "job": job.pk})
        if settings.EXPORT_RUNNER != "inline":
            pk = job.pk
            transaction.on_commit(lambda: schedule(pk))
    if settings.EXPORT_RUNNER == "inline":
        export_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def schedule(job_id: int) -> None:
    """Hand a committed job to the runner of this deployment (settings.EXPORT_RUNNER)."""
    mode = settings.EXPORT_RUNNER
    if mode == "celery":
        from .tasks import export_run_task

        export_run_task.delay(job_id)
    elif mode == "thread":
        threading.Thread(target=_run_in_thread, args=(job_id,), name=f"xuncha-export-{job_id}", daemon=True).start()
    else:
        export_run(job_id=job_id)


def _run_in_thread(job_id: int) -> None:
    try:
        export_run(job_id=job_id)
    except Exception:
        logger.exception("export job %s failed outside its builder", job_id)
    finally:
        connection.close()  # this thread's own connection


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=ExportStatus.FAILED, error=message[:MAX_ERROR], finished_at=timezone.now())


def export_run(*, job_id: int) -> str:
    """Build one queued job (whichever runner calls it; a job already claimed is left alone).
    Returns the job's status afterwards."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now):
        job = ExportJob.objects.filter(pk=job_id).only("status").first()
        return job.status if job else ""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    try:
        spec = registry.kind_get(job.kind)
    except NotFound:
        _fail(job_id, GONE_KIND)
        return ExportStatus.FAILED
    last = [float("-inf")]  # the first step is always written

    def progress(done: int, total: int | None = None) -> None:
        moment = time.monotonic()
        if moment - last[0] < PROGRESS_EVERY_SECONDS:
            return
        last[0] = moment
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
            done=max(0, done), total=total, heartbeat_at=timezone.now())

    try:
        with tempfile.TemporaryFile() as out:
            built = spec.builder(params=job.params, actor=job.owner, progress=progress, out=out)
            return _finish(job_id, built, out)
    except NotFound:
        _fail(job_id, LOST_RIGHT)
    except DomainError as e:
        _fail(job_id, e.detail or BROKEN)
    except Exception:
        logger.exception("export job %s (%s) failed", job_id, job.kind)
        _fail(job_id, BROKEN)
    return ExportStatus.FAILED


def _finish(job_id: int, built: registry.Built, out: IO[bytes]) -> str:
    out.flush()
    size = os.fstat(out.fileno()).st_size
    out.seek(0)
    ext = os.path.splitext(built.filename)[1][:10]
    with removed_on_failure() as saved, transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ExportStatus.RUNNING:  # failed by the lease meanwhile: its file is not kept
            return str(job.status)
        job.file.save(f"{job_id}-{uuid.uuid4().hex}{ext}", File(out), save=False)
        saved.append(str(job.file.name))
        job.filename = built.filename[:200]
        job.content_type = built.content_type[:120]
        job.size = size
        job.status = ExportStatus.DONE
        job.finished_at = job.heartbeat_at = timezone.now()
        if job.total is not None:
            job.done = job.total
        job.save()
    return ExportStatus.DONE


def export_download(*, actor: User, pk: int, request: HttpRequest | None = None) -> ExportJob:
    """The owner's finished job, ready to stream (`job.file.open("rb")`); audited with its kind.
    Another user's job, or one expired, is not found; the right to the content is checked again."""
    job = job_get(user=actor, pk=pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Conflict("该导出尚未完成，完成后才能下载。" if job.status in ACTIVE else "该导出没有生成文件，请重新生成。")
    registry.kind_get(job.kind).check(params=job.params, actor=actor)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk, downloaded_at__isnull=True).update(downloaded_at=timezone.now())
        audit_record(actor=actor, action="export.download", obj=job, request=request,
                     summary=f"下载导出：{job.title}", data={"kind": job.kind, "job": job.pk, "size": job.size})
    return job


def exports_reap(*, now: dt.datetime | None = None) -> int:
    """Fail the jobs a dead process left behind: running without a heartbeat for the lease, or queued
    for longer than the lease without starting. Returns how many."""
    now = now or timezone.now()
    cutoff = now - _lease()
    n = ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=ExportStatus.FAILED, error=INTERRUPTED, finished_at=now)
    n += ExportJob.objects.filter(status=ExportStatus.QUEUED, created_at__lt=cutoff).update(
        status=ExportStatus.FAILED, error=NEVER_STARTED, finished_at=now)
    return n


def exports_cleanup(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduler's job (xuncha/scheduler/jobs.py, Celery beat): reap dead jobs, then delete every
    expired job with its file."""
    now = now or timezone.now()
    reaped = exports_reap(now=now)
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(status=ExportStatus.RUNNING).iterator():
        name = job.file.name
        job.delete()
        if name:
            job.file.storage.delete(name)
        deleted += 1
    return {"reaped": reaped, "deleted": deleted}
