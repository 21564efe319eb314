"""Triage of new reports after the response: the drain, in micro-batches (issue 17).

A report's registration commits and intake announces it (signals.report_registered); the hook below does
not triage it there, it only asks for a drain (settings.TRIAGE_MODE = "background", the default):

- embedded deployment (no Redis, Celery eager): a daemon thread of the process (`Drainer`, started by
  xuncha.scheduler.runner.start in every gunicorn worker, or by the first hook of a process that has
  none) is woken by an Event, waits DRAIN_DELAY for the rest of a burst and triages the untriaged reports
  in batches of DRAIN_BATCH (`report_triage_many`). The request spends nothing on triage.
- scaled deployment (Celery): the hook enqueues one drain task per burst (a cache key added for
  DRAIN_DELAY debounces it), which drains batches until nothing is left.

settings.TRIAGE_MODE = "inline" (the tests) triages in the hook itself. The scheduler's catch-up job
(tasks.triage_pending, every 10 minutes) still triages whatever a drain missed (a process killed meanwhile).
Pages that need a report's triage before the drain ran compute it (services.triage_for).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection

from .services import report_triage, report_triage_many

logger = logging.getLogger("xuncha.triage.drain")

DRAIN_BATCH = 50
DRAIN_DELAY = 1.0  # seconds a woken drain waits for the rest of a burst
# A drain hinted with a report id looks at ids from this much below it (registrations committing out of
# id order in other processes); the range keeps the untriaged-reports query an index range scan.
DRAIN_SLACK = 1000
DEBOUNCE_KEY = "triage:drain:queued"


def _untriaged(since: int | None, exclude: set[int], limit: int) -> list[int]:
    from xuncha.intake.models import Report

    qs = Report.objects.filter(triage__isnull=True, inspection__filed_at__isnull=True)
    if since is not None:
        qs = qs.filter(pk__gte=since)
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


def triage_drain(limit: int | None = None, *, since: int | None = None, batch: int = DRAIN_BATCH) -> dict[str, int]:
    """Triage the untriaged reports (no grace period; oldest first; not those of a filed inspection), in
    batches of `batch`, until none is left or `limit` were taken; `since`: only report ids from it on.
    A batch that fails is retried one report at a time; a report that still fails is logged and left to
    the catch-up job, so that it cannot stop the drain."""
    triaged = failed = 0
    skipped: set[int] = set()
    while limit is None or triaged + failed < limit:
        size = batch if limit is None else min(batch, limit - triaged - failed)
        ids = _untriaged(since, skipped, size)
        if not ids:
            break
        try:
            triaged += len(report_triage_many(report_ids=ids))
            continue
        except Exception:  # noqa: BLE001 - one bad report must not stop the others
            logger.exception("triage of reports %s..%s failed as a batch; one at a time", ids[0], ids[-1])
        for pk in ids:
            try:
                report_triage(report_id=pk)
                triaged += 1
            except Exception:  # noqa: BLE001
                logger.exception("triage of report %s failed; the catch-up job retries it", pk)
                skipped.add(pk)
                failed += 1
    return {"triaged": triaged, "failed": failed}


class Drainer(threading.Thread):
    """The embedded deployment's drain: a daemon thread woken by `wake(report_id)`. An error is logged and
    the thread waits for the next wake; it closes its database connection after each drain."""

    def __init__(self, delay: float | None = None) -> None:
        super().__init__(name="xuncha-triage-drain", daemon=True)
        self.delay = DRAIN_DELAY if delay is None else delay
        self.woken = threading.Event()
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._since: int | None = None
        self.pid = os.getpid()

    def wake(self, report_id: int) -> None:
        with self._lock:
            self._since = report_id if self._since is None else min(self._since, report_id)
        self.woken.set()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.woken.wait()
            if self.stopped.wait(self.delay):  # meanwhile the rest of a burst joins this drain
                return
            self.woken.clear()
            with self._lock:
                since, self._since = self._since, None
            self.drain(since)

    def drain(self, since: int | None) -> None:
        try:
            close_old_connections()
            triage_drain(since=since)
        except Exception:  # noqa: BLE001 - the thread outlives any failure; the next wake retries
            logger.exception("triage drain failed; the next registration or the catch-up job retries")
            with self._lock:  # retry these reports on the next wake
                self._since = since if self._since is None or since is None else min(self._since, since)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopped.set()
        self.woken.set()


_lock = threading.Lock()
_drainer: Drainer | None = None


def start() -> Drainer | None:
    """This process's drain thread, started once (again in a forked child); None where the drain is not a
    thread (Celery, or triage inline)."""
    global _drainer
    if settings.TRIAGE_MODE != "background" or not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    with _lock:
        if _drainer is None or _drainer.pid != os.getpid() or not _drainer.is_alive():
            _drainer = Drainer()
            _drainer.start()
            logger.info("triage drain thread started in process %s", os.getpid())
        return _drainer


def stop() -> None:
    """Stop this process's drain thread (tests)."""
    global _drainer
    with _lock:
        if _drainer is not None:
            _drainer.stop()
            _drainer.join(timeout=10)
            _drainer = None


def report_registered(sender: Any, report_id: int, **kwargs: Any) -> None:
    """A new report committed (intake's signal): ask for its triage, per settings.TRIAGE_MODE."""
    if settings.TRIAGE_MODE == "inline":
        report_triage(report_id=report_id)
        return
    drainer = start()
    if drainer is not None:
        drainer.wake(report_id)
        return
    if cache.add(DEBOUNCE_KEY, report_id, timeout=max(1, round(DRAIN_DELAY))):
        from .tasks import triage_drain_task

        triage_drain_task.apply_async(kwargs={"since": max(0, report_id - DRAIN_SLACK)}, countdown=DRAIN_DELAY)
