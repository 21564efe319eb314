"""Audit events are written without a lock and sealed into the chain after their transaction commits
(xuncha/audit/sealing.py): by a background thread, a queued task, right after the commit, or the
scheduler's catch-up job. The chain stays whole and verifiable in every case."""

from __future__ import annotations

import importlib
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction

from xuncha.audit import sealing
from xuncha.audit.models import AuditChainHead, AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.audit.services import audit_record, write_anchor
from xuncha.scheduler.jobs import jobs
from xuncha.scheduler.runner import run_due


def wait_sealed(pk: int, seconds: float = 10.0) -> AuditEvent:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        event = AuditEvent.objects.get(pk=pk)
        if event.seq is not None:
            return event
        time.sleep(0.05)
    raise AssertionError(f"event #{pk} was not sealed within {seconds} s")


@pytest.fixture(autouse=True)
def _empty_chain(request: Any) -> None:
    """The transactional tests start from an empty chain (the first one of a worker may find the session's
    demo, which is flushed after it)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_an_event_is_sealed_after_its_commit_not_before(settings: Any) -> None:
    settings.AUDIT_SEALING = "inline"
    with transaction.atomic():
        event = audit_record(actor="系统", action="test.event", summary="提交后封链")
        # Written, not linked: the writer took no lock on the chain head.
        assert AuditEvent.objects.filter(pk=event.pk, seq__isnull=True, hash__isnull=True).exists()
    sealed = AuditEvent.objects.get(pk=event.pk)
    head = AuditChainHead.objects.get()
    assert sealed.seq == head.count and sealed.hash == head.last_hash and head.last_id == sealed.pk
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_leaves_no_trace_in_the_chain(settings: Any) -> None:
    settings.AUDIT_SEALING = "inline"
    audit_record(actor="系统", action="test.event", summary="第一条")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor="系统", action="test.event", summary="回滚")
        raise RuntimeError
    audit_record(actor="系统", action="test.event", summary="第三条")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "summary")) == [(1, "第一条"), (2, "第三条")]
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_seals_what_the_request_wrote(settings: Any) -> None:
    settings.AUDIT_SEALING = "thread"
    events = [audit_record(actor="系统", action="test.event", summary=f"后台封链 {i}") for i in range(5)]
    try:
        for event in events:
            wait_sealed(event.pk)
    finally:
        sealing.stop_sealer()
    assert [e.seq for e in AuditEvent.objects.order_by("id")] == [1, 2, 3, 4, 5]
    report = audit_chain_verify()
    assert report.ok and report.checked == 5


@pytest.mark.django_db(transaction=True)
def test_a_burst_queues_one_sealing_task(settings: Any, monkeypatch: Any) -> None:
    settings.AUDIT_SEALING = "celery"
    from xuncha.audit import tasks

    queued: list[Any] = []
    monkeypatch.setattr(tasks.audit_seal_task, "apply_async", lambda **kw: queued.append(kw))
    for i in range(20):
        audit_record(actor="系统", action="test.event", summary=f"突发 {i}")
    assert len(queued) == 1
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 20
    assert tasks.audit_seal_task() == 20  # what the worker runs
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_events_whose_sealing_was_lost_are_sealed_by_the_scheduler_and_noted_until_then(settings: Any) -> None:
    settings.AUDIT_SEALING = "inline"
    audit_record(actor="系统", action="test.event", summary="已封链")
    # A process killed between its commit and the sealing: the event is committed, unlinked.
    lost = AuditEvent.objects.create(at=AuditEvent.objects.get().at, actor_name="系统", action="test.event", summary="封链丢失")
    report = audit_chain_verify()
    assert report.ok and report.checked == 1
    assert any("1 条刚写入的事件尚待封入审计链" in n for n in report.notes)
    job = next(j for j in jobs() if j.name == "audit_seal")
    [outcome] = run_due(only=[job])
    assert outcome.ok
    assert AuditEvent.objects.get(pk=lost.pk).seq == 2
    report = audit_chain_verify()
    assert report.ok and report.checked == 2 and not any("尚待封入" in n for n in report.notes)


@pytest.mark.django_db(transaction=True)
def test_an_anchor_covers_the_events_committed_before_it(settings: Any) -> None:
    settings.AUDIT_SEALING = "thread"
    try:
        event = audit_record(actor="系统", action="test.event", summary="锚点之前")
        anchor = write_anchor()  # seals first, whether or not the thread has run yet
    finally:
        sealing.stop_sealer()
    assert anchor.last_id == event.pk and anchor.count == 1
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_late_commit_is_chained_after_the_events_that_committed_first(settings: Any) -> None:
    """Two writers at once: the one that started first (lower id) commits last. Neither waits for the
    other, and the late event takes the next place in the chain."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions: only one writer at a time")
    settings.AUDIT_SEALING = "inline"
    first_written, second_sealed = threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                ids["slow"] = audit_record(actor="系统", action="test.event", summary="先写后提交").pk
                first_written.set()
                assert second_sealed.wait(10)  # the other writer commits and is sealed meanwhile
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert first_written.wait(10)
    started = time.monotonic()
    ids["fast"] = audit_record(actor="系统", action="test.event", summary="后写先提交").pk
    assert time.monotonic() - started < 5  # did not wait for the open transaction
    assert AuditEvent.objects.get(pk=ids["fast"]).seq == 1
    second_sealed.set()
    thread.join(10)
    assert ids["slow"] < ids["fast"]
    assert AuditEvent.objects.get(pk=ids["slow"]).seq == 2
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_the_migration_numbers_existing_events_by_id(demo: dict) -> None:
    expected = list(AuditEvent.objects.order_by("seq").values_list("id", flat=True))
    AuditEvent.objects.update(seq=None)
    with connection.cursor() as cur:
        editor = SimpleNamespace(quote_name=connection.ops.quote_name, execute=cur.execute)
        importlib.import_module("xuncha.audit.migrations.0003_sealed_after_commit").number_existing(apps, editor)
    assert list(AuditEvent.objects.order_by("seq").values_list("id", flat=True)) == sorted(expected)
    assert AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() == len(expected)
