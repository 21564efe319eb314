"""Sealing audit events into the chain after they commit.

A service writes its audit event in its own transaction, unlinked (no global lock: concurrent writes do
not wait for each other, nor for each other's commit). After the commit the sealer links the committed
events in id order: it locks the chain head (one short transaction, whatever the number of events),
gives each event its place (`seq`), its predecessor's hash and its own HMAC-SM3, and moves the head.

Who seals (settings.AUDIT_SEALING): "thread" — a background thread of the process that wrote the event
(the default in both deployments: no queue, so sealing never waits behind a triage backlog); "celery" — a
task on the queue, at most one per second per burst; "inline" — right after the commit, in the writing thread; "immediate" — in the writing
transaction itself (the tests: their transactions never commit). In
every deployment the scheduler's `audit_seal` job seals what is left (a process killed after its commit),
and verification, anchors and exports seal first, so they always see the whole chain.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction

from xuncha.core.drain import Drain

from .chain import GENESIS
from .keys import audit_key_for_writing, event_hash
from .models import AuditChainHead, AuditEvent

logger = logging.getLogger("xuncha.audit")

BATCH = 2000


def audit_seal(*, limit: int | None = None) -> int:
    """Link every committed, unsealed event into the chain (in batches of BATCH); returns how many.
    Safe to run from several processes at once: the head's row lock orders them and the second finds
    nothing left. Refuses (KeyError_) like writing did when the keyed chain's key file is missing."""
    total = 0
    while limit is None or total < limit:
        batch = BATCH if limit is None else min(BATCH, limit - total)
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            break
    return total


def _seal_batch(size: int) -> int:
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:size])
        if not events:
            return 0
        key = audit_key_for_writing(head)
        prev, seq = head.last_hash, head.count
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = event_hash(event, prev, key)
        AuditEvent.objects.bulk_update(events, ["seq", "prev_hash", "hash"], batch_size=500)
        AuditChainHead.objects.filter(pk=1).update(last_id=events[-1].pk, last_hash=prev, count=seq)
    return len(events)


def unsealed_count() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()


def _seal_in_thread() -> None:
    close_old_connections()
    try:
        audit_seal()
    finally:
        connection.close()  # this thread's own connection


# Woken by a commit, the thread waits SETTLE seconds for the rest of the burst: at 50 registrations a
# second in 4 gunicorn workers, one sealing transaction per worker and second instead of one per request
# (measured: sealing per request cost ~3 ms of CPU per request, more than the lock it replaced).
SETTLE = 1.0
_drain = Drain("xuncha-audit-sealer", _seal_in_thread, interval=60.0, settle=SETTLE)


def request_seal() -> None:
    """After a transaction that wrote audit events commits (transaction.on_commit)."""
    mode = getattr(settings, "AUDIT_SEALING", "inline")
    if mode == "thread":
        _drain.wake()
    elif mode == "celery":
        # One task per second and burst: the first writer of the second enqueues it, the rest find the key.
        if cache.add("xuncha:audit-seal-queued", 1, timeout=1):
            from .tasks import audit_seal_task

            audit_seal_task.apply_async(countdown=0.2)
    else:
        try:
            audit_seal()
        except Exception:  # the event is committed; the scheduler's job seals it later
            logger.exception("sealing audit events after the commit failed; the scheduler's job seals them")


def stop_sealer() -> None:
    _drain.stop()
