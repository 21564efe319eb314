"""Background exports, through the services: starting (checked, audited, deduplicated, limited), running
(progress, the file sealed at rest), failing with a Chinese message (a builder's error, a right lost before
it ran), the lease that fails jobs of a dead process, and the clean-up of expired files and rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any
from unittest import mock

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotFound
from xuncha.exports import registry, services
from xuncha.exports.models import ExportJob, ExportStatus
from xuncha.exports.registry import Built, Progress
from xuncha.uploads import attachment_storage

pytestmark = pytest.mark.django_db

KIND = "test.rows"
seen: list[tuple[str, int, int | None]] = []


def _check(*, params: dict[str, Any], actor: User) -> str:
    if params.get("deny") or not actor.is_active:
        raise NotFound
    return f"测试行（{params.get('rows', 0)}行）"


def _build(*, params: dict[str, Any], actor: User, progress: Progress, out: IO[bytes]) -> Built:
    _check(params=params, actor=actor)  # the right, again, at run time
    if params.get("boom"):
        raise RuntimeError("disk full")
    if params.get("invalid"):
        raise Invalid("所选期间没有数据。")
    rows = int(params.get("rows", 0))
    for i in range(rows):
        out.write(f"第{i + 1}行\n".encode())
        progress(i + 1, rows)
        job = ExportJob.objects.get(owner=actor, kind=KIND, status=ExportStatus.RUNNING)
        seen.append((job.status, job.done, job.total))
    return Built(filename="测试.txt", content_type="text/plain; charset=utf-8")


@pytest.fixture(autouse=True)
def kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    registry.register(KIND, title="测试行", check=_check, builder=_build)
    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 0.0)
    seen.clear()
    yield
    registry._kinds.pop(KIND, None)


def start(user: User, **params: Any) -> ExportJob:
    return services.export_start(actor=user, kind=KIND, params=params)


def test_a_job_runs_and_its_file_is_sealed_at_rest(demo: dict) -> None:
    office = demo["users"]["office"]
    job = start(office, rows=3)
    assert job.status == ExportStatus.DONE and job.title == "测试行（3行）" and job.error == ""
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.filename == "测试.txt" and job.size == len("第1行\n第2行\n第3行\n".encode())
    assert job.started_at and job.finished_at
    assert abs(job.expires_at - job.created_at - dt.timedelta(hours=24)) < dt.timedelta(seconds=5)
    assert attachment_storage().is_sealed(job.file.name) and "第1行".encode() not in attachment_storage().raw(job.file.name)
    with job.file.open("rb") as f:
        assert f.read().decode() == "第1行\n第2行\n第3行\n"
    event = AuditEvent.objects.get(action="export.start")
    assert event.actor_name == "office" and event.data["kind"] == KIND and "测试行（3行）" in event.summary


def test_progress_is_written_while_it_runs(demo: dict) -> None:
    start(demo["users"]["office"], rows=3)
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]


def test_progress_is_written_at_most_once_a_second(demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 3600.0)
    start(demo["users"]["office"], rows=3)
    assert seen == [("running", 1, 3)] * 3  # the first step only; the file is done all the same


@pytest.mark.parametrize(("params", "message"), [
    ({"boom": True}, services.BROKEN),
    ({"invalid": True}, "所选期间没有数据。"),
])
def test_a_failure_keeps_a_chinese_message_and_no_file(demo: dict, params: dict, message: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    job = start(demo["users"]["office"], **params)
    assert job.status == ExportStatus.FAILED and job.error == message and not job.file and job.finished_at
    if params.get("boom"):
        assert "disk full" in caplog.text  # the cause, for the administrator, in the log only


def test_the_right_is_checked_when_started_and_again_when_it_runs(demo: dict, settings: Any) -> None:
    office = demo["users"]["office"]
    with pytest.raises(NotFound):
        start(office, deny=True)
    assert not ExportJob.objects.exists()
    settings.EXPORT_RUNNER = "thread"  # handed over on commit, which a test never reaches: it stays queued
    job = start(office, rows=2)
    assert job.status == ExportStatus.QUEUED
    User.objects.filter(pk=office.pk).update(is_active=False)  # the right lost before it ran
    assert services.export_run(job_id=job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == services.LOST_RIGHT and not job.file
    assert services.export_run(job_id=job.pk) == ExportStatus.FAILED  # claimed once only


def test_a_second_click_returns_the_running_job_and_too_many_are_refused(demo: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    settings.EXPORT_MAX_ACTIVE = 2
    office = demo["users"]["office"]
    first = start(office, rows=1)
    assert start(office, rows=1).pk == first.pk
    start(office, rows=2)
    with pytest.raises(Conflict, match="已有2个导出正在生成"):
        start(office, rows=3)
    assert start(demo["users"]["leader"], rows=3).status == ExportStatus.QUEUED  # per owner


def test_an_unknown_kind_is_not_found(demo: dict) -> None:
    with pytest.raises(NotFound):
        services.export_start(actor=demo["users"]["office"], kind="no.such", params={})


def test_a_kind_no_longer_registered_fails_its_queued_job(demo: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    job = start(demo["users"]["office"], rows=1)
    registry._kinds.pop(KIND)
    assert services.export_run(job_id=job.pk) == ExportStatus.FAILED
    assert ExportJob.objects.get(pk=job.pk).error == services.GONE_KIND


def test_the_lease_fails_jobs_of_a_dead_process(demo: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    office = demo["users"]["office"]
    now = timezone.now()
    dead = start(office, rows=1)
    alive = start(office, rows=2)
    never = start(office, rows=3)
    ExportJob.objects.filter(pk=dead.pk).update(status=ExportStatus.RUNNING, heartbeat_at=now - dt.timedelta(minutes=16))
    ExportJob.objects.filter(pk=alive.pk).update(status=ExportStatus.RUNNING, heartbeat_at=now - dt.timedelta(minutes=1))
    ExportJob.objects.filter(pk=never.pk).update(created_at=now - dt.timedelta(minutes=16))
    assert services.exports_reap(now=now) == 2
    states = dict(ExportJob.objects.values_list("pk", "error"))
    assert states == {dead.pk: services.INTERRUPTED, alive.pk: "", never.pk: services.NEVER_STARTED}
    assert ExportJob.objects.get(pk=alive.pk).status == ExportStatus.RUNNING


def test_a_job_reaped_while_it_was_still_building_keeps_no_file(demo: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    job = start(demo["users"]["office"], rows=1)

    def slow(**kw: Any) -> Built:
        services.exports_reap(now=timezone.now() + dt.timedelta(hours=1))  # the lease ran out meanwhile
        return Built(filename="x.txt", content_type="text/plain")

    registry.register(KIND, title="测试行", check=_check, builder=slow)
    assert services.export_run(job_id=job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == services.INTERRUPTED and not job.file


def test_expired_jobs_and_their_files_are_deleted(demo: dict) -> None:
    office = demo["users"]["office"]
    old, new = start(office, rows=1), start(office, rows=2)
    name = old.file.name
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.exports_cleanup() == {"reaped": 0, "deleted": 1}
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
    assert not attachment_storage().exists(name) and attachment_storage().exists(new.file.name)


def test_the_runners(demo: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "celery"
    with mock.patch("xuncha.exports.tasks.export_run_task.delay") as delay:
        services.schedule(7)
    delay.assert_called_once_with(7)
    settings.EXPORT_RUNNER = "thread"
    with mock.patch.object(services.threading, "Thread") as thread:
        services.schedule(8)
    assert thread.call_args.kwargs["args"] == (8,) and thread.call_args.kwargs["daemon"] is True
    thread.return_value.start.assert_called_once()
    from xuncha.exports.tasks import export_run_task

    assert export_run_task.name == "exports.run"


def test_the_key_rotation_finds_the_export_files() -> None:
    from xuncha.uploads import sealed_file_fields

    assert (ExportJob, "file") in sealed_file_fields()
