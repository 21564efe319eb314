"""Triage after the response (issue 17): report_triage_many equals one-at-a-time triage, the drain takes the
untriaged reports in micro-batches, and a public submission returns before its triage (the drain thread
does it)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.portal.tests.conftest import form_data, page_url
from xuncha.triage import drain, services
from xuncha.triage.models import DuplicateGroup, Triage

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
GIFT_AGAIN = "职称评审期间，学院副院长赵某收受申报教师的购物卡和礼金，还在评审会上为其打招呼，请巡察组核查。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"
CANTEEN_REWORDED = "食堂饭菜价格连续上涨，可是质量却越来越差，学生们意见很大，希望巡察组关注。"
TRAVEL = "后勤处处长用公款报销家属旅游费用，金额较大。"


def _snapshot(ids: list[int]) -> dict[str, Any]:
    """Everything triage decided about these reports and their groups."""
    fields = ("proposal", "model_id", "disciplines", "focuses", "scope", "scope_reason", "reporter_key", "group_key",
              "fingerprint", "duplicate_of_id", "similarity", "exact_repeat", "repeat_of_answered_id")
    rows = {t.pk: tuple(getattr(t, f) for f in fields) + (bytes(t.signature) if t.signature else None,)
            for t in Triage.objects.filter(pk__in=ids)}
    keys = {row[7] for row in rows.values()}
    groups = sorted(DuplicateGroup.objects.filter(key__in=keys).values_list(
        "key", "first_report_id", "size", "reporters", "channels", "answered_report_id"))
    return {"triage": rows, "groups": groups}


@pytest.mark.django_db
def test_a_batch_is_triaged_as_one_at_a_time(register: Any, seed000: Inspection, seed001: Inspection) -> None:
    # Earlier reports, triaged: the batch's near-duplicates match them and each other.
    register(GIFT, [("赵某", "副院长", "leadership")], kind="email")
    register(TRAVEL)
    texts = [GIFT_REWORDED, CANTEEN, GIFT, CANTEEN_REWORDED, GIFT_AGAIN, CANTEEN, TRAVEL, "", GIFT_REWORDED]
    ids = [register(text or "（见附件）", [("钱某", "", "unsure")] if i % 3 == 0 else [], kind="phone" if i % 2 else "email",
                    triage=False).pk for i, text in enumerate(texts)]
    ids += [register(text, triage=False, inspection=seed001).pk for text in (CANTEEN, CANTEEN_REWORDED, GIFT)]

    with transaction.atomic():  # one at a time, then rolled back
        for pk in ids:
            services.report_triage(report_id=pk)
        one_at_a_time = _snapshot(ids)
        transaction.set_rollback(True)
    assert not Triage.objects.filter(pk__in=ids).exists()

    assert services.report_triage_many(report_ids=list(reversed(ids))) == sorted(ids)
    batched = _snapshot(ids)
    assert batched == one_at_a_time
    assert len(batched["groups"]) >= 3  # the gifts, the canteens of seed000, the canteens of seed001
    assert sum(1 for row in batched["triage"].values() if row[11]) >= 2  # exact repeats among them


@pytest.mark.django_db
def test_a_report_already_triaged_is_skipped(register: Any) -> None:
    first = register(GIFT)
    second = register(GIFT_REWORDED, triage=False)
    before = Triage.objects.get(pk=first.pk)
    assert services.report_triage_many(report_ids=[first.pk, second.pk]) == [second.pk]
    assert services.report_triage_many(report_ids=[first.pk, second.pk]) == []
    after = Triage.objects.get(pk=first.pk)
    assert (after.group_key, after.signature) == (before.group_key, before.signature)
    assert DuplicateGroup.objects.get(key=first.pk).size == 2


@pytest.mark.django_db
def test_the_drain_takes_untriaged_reports_oldest_first_in_batches(register: Any, seed001: Inspection,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    done = register(TRAVEL)
    waiting = [register(f"{CANTEEN}第{i}次反映。", triage=False).pk for i in range(7)]
    filed = register(GIFT, triage=False, inspection=seed001)
    Inspection.objects.filter(pk=seed001.pk).update(filed_at=timezone.now())
    batches: list[list[int]] = []
    original = drain.report_triage_many

    def spy(*, report_ids: list[int]) -> list[int]:
        batches.append(list(report_ids))
        return original(report_ids=report_ids)

    monkeypatch.setattr(drain, "report_triage_many", spy)
    assert drain.triage_drain(limit=5, batch=3) == {"triaged": 5, "failed": 0}
    assert batches == [waiting[:3], waiting[3:5]]
    assert drain.triage_drain(batch=3) == {"triaged": 2, "failed": 0}
    assert batches[2:] == [waiting[5:]]
    assert Triage.objects.filter(pk__in=waiting).count() == 7
    assert not Triage.objects.filter(pk=filed.pk).exists()  # a filed inspection is read-only
    assert done.pk not in {pk for batch in batches for pk in batch}
    assert drain.triage_drain() == {"triaged": 0, "failed": 0}


@pytest.mark.django_db
def test_a_report_that_fails_does_not_stop_the_drain(register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    bad, good = register(GIFT, triage=False), register(CANTEEN, triage=False)

    def broken_batch(*, report_ids: list[int]) -> list[int]:
        raise RuntimeError("batch")

    def one(*, report_id: int) -> Triage:
        if report_id == bad.pk:
            raise RuntimeError("this report")
        return services.report_triage(report_id=report_id)

    monkeypatch.setattr(drain, "report_triage_many", broken_batch)
    monkeypatch.setattr(drain, "report_triage", one)
    assert drain.triage_drain() == {"triaged": 1, "failed": 1}
    assert Triage.objects.filter(pk=good.pk).exists() and not Triage.objects.filter(pk=bad.pk).exists()


@pytest.mark.django_db
def test_the_drain_thread_keeps_the_reports_of_a_failed_drain(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> dict[str, int]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(drain, "triage_drain", broken)
    drain._hint(41)
    with pytest.raises(RuntimeError):  # the core Drain logs it and lives on
        drain._drain_in_thread()
    assert drain._take_hint() == 41  # retried on the next wake or the periodic run
    drain._drain_in_thread()  # nothing announced: nothing to do


@pytest.mark.django_db
def test_with_celery_a_burst_enqueues_one_drain(register: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
                                                django_capture_on_commit_callbacks: Any) -> None:
    from xuncha.triage import tasks

    settings.TRIAGE_MODE, settings.CELERY_TASK_ALWAYS_EAGER = "background", False
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.triage_drain_task, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        reports = [register(text, triage=False) for text in (GIFT, GIFT_REWORDED, CANTEEN)]
    assert not Triage.objects.filter(pk__in=[r.pk for r in reports]).exists()  # nothing in the request
    [call] = queued
    assert call["kwargs"]["since"] <= reports[0].pk
    assert tasks.triage_drain_task(**call["kwargs"]) == {"triaged": 3, "failed": 0}
    assert DuplicateGroup.objects.get(key=reports[0].pk).size == 2


@pytest.mark.django_db
def test_pages_show_a_report_not_yet_triaged(register: Any, clients: dict[str, Client], seed000: Inspection) -> None:
    report = register(f"{TRAVEL}尚未研判。", triage=False)
    queue = clients["member"].get(reverse("triage:queue", args=[seed000.pk]))
    assert queue.status_code == 200 and "研判中" in queue.content.decode()
    assert clients["member"].get(reverse("triage:report", args=[report.pk])).status_code == 200
    assert Triage.objects.filter(pk=report.pk).exists()  # the report page computed it


@pytest.mark.django_db(transaction=True)
def test_a_public_submission_returns_before_its_triage(demo: dict[str, Any], settings: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TRIAGE_MODE, settings.PORTAL_FORM_MIN_SECONDS = "background", 0
    monkeypatch.setattr(drain._drain, "settle", 0.5)
    ran: list[str] = []
    finished = threading.Event()
    original_many, original_one = drain.report_triage_many, services.report_triage

    def many(*, report_ids: list[int]) -> list[int]:
        ran.append(threading.current_thread().name)
        try:
            return original_many(report_ids=report_ids)
        finally:
            finished.set()

    def one(*, report_id: int) -> Triage:
        ran.append(threading.current_thread().name)
        return original_one(report_id=report_id)

    monkeypatch.setattr(drain, "report_triage_many", many)
    monkeypatch.setattr(drain, "report_triage", one)
    monkeypatch.setattr(services, "report_triage", one)
    practice = demo["practice"]
    client = Client()
    text = "学校食堂承包给校长亲属，饭菜价格高、质量差，师生意见很大。"
    try:
        response = client.post(page_url(practice), form_data(client, practice, content=text))
        assert response.status_code == 302, response.content.decode()[:500]
        report = Report.objects.get(inspection=practice, content=text)
        assert finished.wait(20), "the drain thread did not run"
        assert ran == ["xuncha-triage-drain"]  # nothing of triage ran in the request's thread
        assert Triage.objects.filter(pk=report.pk).exists()
    finally:
        drain.stop()
