"""Triage of new reports after the response: the drain, in micro-batches (issue 17).

A report's registration commits and intake announces it (signals.report_registered); the hook below does
not triage it there, it only asks for a drain (settings.TRIAGE_MODE = "background", the default):

- embedded deployment (no Redis, Celery eager): a daemon thread of the process (xuncha.core.drain.Drain,
  started by xuncha.scheduler.runner.start in every gunicorn worker, or by the first hook of a process
  that has none) is woken by the hook, waits DRAIN_DELAY for the rest of a burst and triages the
  untriaged reports in batches of DRAIN_BATCH (`report_triage_many`). The request spends nothing on triage.
- scaled deployment (Celery): the hook enqueues one drain task per burst (a cache key added for
  DRAIN_DELAY debounces it), which drains batches until nothing is left.

settings.TRIAGE_MODE = "inline" (the tests) triages in the hook itself. The scheduler's catch-up job
(tasks.triage_pending, every 10 minutes) still triages whatever a drain missed (a process killed meanwhile).
Pages that need a report's triage before the drain ran compute it (services.triage_for).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection

from xuncha.core.drain import Drain

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


# The embedded deployment's drain thread (xuncha.core.drain: woken, it settles for DRAIN_DELAY, then runs;
# wakes meanwhile coalesce). The hooks of this process leave the smallest report id they announced.
_hint_lock = threading.Lock()
_since: int | None = None


def _hint(report_id: int) -> None:
    global _since
    with _hint_lock:
        _since = report_id if _since is None else min(_since, report_id)


def _take_hint() -> int | None:
    global _since
    with _hint_lock:
        since, _since = _since, None
    return since


def _drain_in_thread() -> None:
    """The thread's work: drain from the smallest id announced here since the last run (nothing when no
    registration was announced: the periodic run then costs nothing). On an error the id is kept, so the
    next wake or the periodic run retries; the thread logs it and lives on."""
    since = _take_hint()
    if since is None:
        return
    close_old_connections()
    try:
        triage_drain(since=since)
    except Exception:
        _hint(since)
        raise
    finally:
        connection.close()  # this thread's own connection


_drain = Drain("xuncha-triage-drain", _drain_in_thread, interval=60.0, settle=DRAIN_DELAY)


def _threaded() -> bool:
    return bool(settings.TRIAGE_MODE == "background" and settings.CELERY_TASK_ALWAYS_EAGER)


def start() -> None:
    """Start this process's drain thread (xuncha.scheduler.runner.start, in every gunicorn worker); nothing
    where the drain is not a thread (Celery, or triage inline). A process without it starts it on its
    first registration."""
    if _threaded():
        _drain.wake()


def stop() -> None:
    """Stop this process's drain thread (tests)."""
    _drain.stop()


def report_registered(sender: Any, report_id: int, **kwargs: Any) -> None:
    """A new report committed (intake's signal): ask for its triage, per settings.TRIAGE_MODE."""
    if settings.TRIAGE_MODE == "inline":
        report_triage(report_id=report_id)
        return
    if _threaded():
        _hint(report_id)
        _drain.wake()
        return
    if cache.add(DEBOUNCE_KEY, report_id, timeout=max(1, round(DRAIN_DELAY))):
        from .tasks import triage_drain_task

        triage_drain_task.apply_async(kwargs={"since": max(0, report_id - DRAIN_SLACK)}, countdown=DRAIN_DELAY)
