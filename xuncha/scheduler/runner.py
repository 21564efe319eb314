"""The embedded scheduler: a thread in every gunicorn worker (gunicorn.conf.py) that, every
SCHEDULER_TICK_SECONDS, runs the jobs that are due. Several workers (or several servers on one
database) may tick at once: each job and period is claimed by inserting a JobRun row, and the unique
(job, period) pair lets exactly one of them run it. A job that fails is logged and recorded; the next
period runs it again. The scaled deployment (Redis + Celery beat) does not start it (SCHEDULER_EMBEDDED).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from xuncha.triage.drain import start as start_triage_drain

from .jobs import Job, jobs
from .models import JobRun

logger = logging.getLogger("xuncha.scheduler")

KEEP_DAYS = 14
# A run unfinished after this long is taken to be dead (its worker was killed or restarted).
LEASE = dt.timedelta(minutes=30)
RESULT_CHARS = 1000


@dataclass(frozen=True)
class Outcome:
    job: str
    period: str
    ok: bool
    result: str


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(job: Job, period: str, now: dt.datetime) -> JobRun | None:
    """The run of this job in this period, or None when another process has it. A cheap read first: on
    SQLite an insert takes the write lock, and most ticks find the period already claimed. A claim that
    never finished and is older than LEASE (its process was killed mid-job) is taken over, by one process:
    the conditional update matches for the first taker only."""
    existing = JobRun.objects.filter(job=job.name, period=period).values_list("finished_at", "started_at").first()
    if existing is not None:
        finished, started = existing
        if finished is None and started < now - LEASE:
            taken = JobRun.objects.filter(job=job.name, period=period, finished_at__isnull=True, started_at=started
                                          ).update(started_at=now, runner=runner_name())
            if taken:
                logger.warning("scheduled job %s (period %s): the run started at %s never finished; running it again",
                               job.name, period, started)
                return JobRun.objects.get(job=job.name, period=period)
        return None
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, period=period, started_at=now, runner=runner_name())
    except IntegrityError:  # another process inserted it between our read and our insert
        return None


def _failed(result: Any) -> bool:
    """Whether a job's return value reports a failure it did not raise (a mailbox that could not be read,
    reminder mails that could not be sent)."""
    items = result if isinstance(result, list) else [result]
    return any(isinstance(r, dict) and (r.get("errors") or r.get("failed")) for r in items)


def _summary(result: Any) -> str:
    if result is None:
        return "无需处理"
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)  # e.g. the audit anchor: its fields, not its repr
    try:
        text = json.dumps(result, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = str(result)
    return text[:RESULT_CHARS]


def _execute(job: Job, run: JobRun) -> Outcome:
    try:
        func = import_string(job.target)
    except ImportError:
        logger.info("scheduled job %s skipped: %s is not available in this version", job.name, job.target)
        ok, text = True, f"跳过：本版本没有 {job.target}"
    else:
        try:
            result = func()
        except Exception as exc:  # noqa: BLE001 - any failure of a job is recorded; the next period retries
            logger.exception("scheduled job %s (period %s) failed", job.name, run.period)
            ok, text = False, f"出错：{type(exc).__name__}: {exc}"[:RESULT_CHARS]
        else:
            ok, text = not _failed(result), _summary(result)
            if not ok:
                logger.warning("scheduled job %s (period %s) reported errors: %s", job.name, run.period, text)
    JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), ok=ok, result=text)
    return Outcome(job.name, run.period, ok, text)


def run_due(*, now: dt.datetime | None = None, only: Sequence[Job] | None = None) -> list[Outcome]:
    """Run every job that is due now and that no other process has claimed for this period."""
    now = now or timezone.now()
    outcomes: list[Outcome] = []
    for job in only if only is not None else jobs():
        period = job.schedule.period(now)
        if period is None:
            continue
        run = _claim(job, period, now)
        if run is not None:
            outcomes.append(_execute(job, run))
    return outcomes


def prune_runs() -> dict[str, int]:
    """Keep two weeks of run records (the fetch job alone writes 288 a day)."""
    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = JobRun.objects.filter(started_at__lt=cutoff).delete()
    return {"deleted": deleted}


class Scheduler(threading.Thread):
    """The loop: tick, sleep, until stopped. A tick that cannot reach the database logs and waits for the
    next one; it never ends the thread."""

    def __init__(self, tick_seconds: float, first_delay: float = 5.0) -> None:
        super().__init__(name="xuncha-scheduler", daemon=True)
        self.tick_seconds = tick_seconds
        self.first_delay = first_delay
        self.stopped = threading.Event()

    def run(self) -> None:
        delay = self.first_delay
        while not self.stopped.wait(delay):
            self.tick()
            delay = self.tick_seconds

    def tick(self) -> None:
        try:
            close_old_connections()
            run_due()
        except DatabaseError as exc:
            logger.warning("scheduler tick skipped, database unavailable: %s", exc)
        except Exception:  # noqa: BLE001 - the loop outlives any bug of one tick
            logger.exception("scheduler tick failed")
        finally:
            connection.close()  # this thread's own connection; a new one next tick

    def stop(self) -> None:
        self.stopped.set()


_lock = threading.Lock()
_scheduler: Scheduler | None = None


def start() -> Scheduler | None:
    """Start this process's scheduler thread once (gunicorn.conf.py calls it in every worker); nothing when
    the deployment runs Celery beat instead (SCHEDULER_EMBEDDED off). The triage drain thread of the
    embedded deployment starts here too (xuncha.triage.drain; nothing with Celery)."""
    global _scheduler
    start_triage_drain()
    if not settings.SCHEDULER_EMBEDDED:
        return None
    with _lock:
        if _scheduler is None or not _scheduler.is_alive():
            _scheduler = Scheduler(settings.SCHEDULER_TICK_SECONDS)
            _scheduler.start()
            logger.info("embedded scheduler started in %s", runner_name())
        return _scheduler
