"""The embedded scheduler: a due job runs once per period whoever ticks, a failure is recorded and the
next period retries, a missing job is skipped, and the office can read each job's heartbeat."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from tests.threads import run_in_threads
from xuncha.scheduler import runner
from xuncha.scheduler.jobs import DailyAt, Every, Job
from xuncha.scheduler.models import JobRun

CALLS: list[str] = []
FAIL = {"on": False}
_calls_lock = threading.Lock()


def counted_job() -> dict[str, int]:
    with _calls_lock:
        CALLS.append("run")
    return {"done": 1}


def flaky_job() -> None:
    CALLS.append("flaky")
    if FAIL["on"]:
        raise RuntimeError("邮件服务器无响应")


def mailbox_errors_job() -> list[dict[str, Any]]:
    return [{"mailbox": 1, "new": 0, "errors": ["login failed"]}]


NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
HERE = "xuncha.scheduler.tests.test_scheduler"


@pytest.fixture(autouse=True)
def _reset() -> Any:
    CALLS.clear()
    FAIL["on"] = False
    yield


FIVE_MINUTES = Every(300)


def job(name: str = "counted", func: str = "counted_job", schedule: Every | DailyAt = FIVE_MINUTES) -> Job:
    return Job(name, name, f"{HERE}.{func}", schedule)


@pytest.mark.django_db
def test_a_due_job_runs_and_records_its_heartbeat() -> None:
    [outcome] = runner.run_due(now=NOW, only=[job()])
    assert outcome.ok and CALLS == ["run"]
    run = JobRun.objects.get(job="counted")
    assert run.ok is True and run.finished_at is not None and '"done": 1' in run.result
    assert runner.run_due(now=NOW + dt.timedelta(seconds=10), only=[job()]) == []  # same period: done already
    assert CALLS == ["run"]
    assert len(runner.run_due(now=NOW + dt.timedelta(seconds=300), only=[job()])) == 1  # next period
    assert CALLS == ["run", "run"]


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_hour_and_then_runs_once_that_day() -> None:
    daily = job(schedule=DailyAt(8, 0))
    assert runner.run_due(now=dt.datetime(2026, 11, 22, 23, 59, tzinfo=dt.UTC), only=[daily]) == []  # 7:59 Beijing
    assert len(runner.run_due(now=dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC), only=[daily])) == 1  # 8:00
    assert runner.run_due(now=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), only=[daily]) == []  # 17:00, same day
    assert len(runner.run_due(now=dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC), only=[daily])) == 1  # next day
    assert CALLS == ["run", "run"]


@pytest.mark.django_db
def test_two_schedulers_in_the_same_period_run_the_job_once() -> None:
    """The second process lost the race: its read saw no claim yet, its insert meets the first one's row."""
    assert len(runner.run_due(now=NOW, only=[job()])) == 1
    with mock.patch("django.db.models.query.QuerySet.first", return_value=None):
        assert runner.run_due(now=NOW, only=[job()]) == []
    assert CALLS == ["run"] and JobRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_run_the_job_once() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot host threads (the live test runs two gunicorn workers)")
    errors = run_in_threads(lambda: runner.run_due(now=NOW, only=[job()]), count=4)
    assert errors == [] and CALLS == ["run"] and JobRun.objects.filter(job="counted").count() == 1


@pytest.mark.django_db
def test_a_failing_job_is_logged_recorded_and_retried_next_period(caplog: pytest.LogCaptureFixture) -> None:
    FAIL["on"] = True
    flaky = job("flaky", "flaky_job")
    [outcome] = runner.run_due(now=NOW, only=[flaky])
    assert not outcome.ok and "邮件服务器无响应" in outcome.result
    assert "scheduled job flaky" in caplog.text and "RuntimeError" in caplog.text
    assert runner.run_due(now=NOW + dt.timedelta(seconds=60), only=[flaky]) == []  # not again within the period
    FAIL["on"] = False
    [retry] = runner.run_due(now=NOW + dt.timedelta(seconds=300), only=[flaky])
    assert retry.ok and CALLS == ["flaky", "flaky"]
    assert list(JobRun.objects.order_by("started_at").values_list("ok", flat=True)) == [False, True]


@pytest.mark.django_db
def test_a_run_whose_process_died_is_taken_over_after_the_lease_once() -> None:
    daily = job(schedule=DailyAt(8, 0))
    JobRun.objects.create(job="counted", period="d2026-11-23", started_at=NOW - dt.timedelta(minutes=10))
    assert runner.run_due(now=NOW, only=[daily]) == []  # still within the lease: maybe running elsewhere
    later = NOW + runner.LEASE
    [outcome] = runner.run_due(now=later, only=[daily])
    assert outcome.ok and CALLS == ["run"]
    assert runner.run_due(now=later, only=[daily]) == []  # finished now: nobody runs it again
    assert CALLS == ["run"] and JobRun.objects.get().finished_at is not None


@pytest.mark.django_db
def test_errors_a_job_reports_without_raising_count_as_a_failure() -> None:
    [outcome] = runner.run_due(now=NOW, only=[job("mail", "mailbox_errors_job")])
    assert not outcome.ok and "login failed" in outcome.result


@pytest.mark.django_db
def test_a_job_missing_from_this_version_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="xuncha.scheduler")
    missing = Job("anchor", "anchor", "xuncha.audit.services.no_such_function", Every(300))
    [outcome] = runner.run_due(now=NOW, only=[missing])
    assert outcome.ok and "跳过" in outcome.result and "not available" in caplog.text


@pytest.mark.django_db
def test_the_product_jobs_run_on_the_demo(demo: dict[str, Any]) -> None:
    """The real table: mail (no mailbox configured), reminders, retraining, the anchor, pruning."""
    outcomes = {o.job: o for o in runner.run_due(now=NOW)}
    assert set(outcomes) == {"fetch_mail", "send_reminders", "triage_catch_up", "attachments_read", "classifier_retrain",
                             "audit_seal", "audit_anchor",
                             "prune_runs", "tallies_compact"}
    assert all(o.ok for o in outcomes.values()), outcomes
    out = StringIO()
    call_command("scheduler", "status", stdout=out)
    text = out.getvalue()
    assert "收取邮箱（fetch_mail，每 5 分钟）：成功" in text and "整改提醒（send_reminders，每天 8:00）：成功" in text


@pytest.mark.django_db
def test_status_shows_a_run_that_never_finished() -> None:
    JobRun.objects.create(job="fetch_mail", period="e1", started_at=NOW)
    out = StringIO()
    call_command("scheduler", "status", stdout=out)
    assert "运行中或已中断" in out.getvalue() and "重训分类模型（classifier_retrain，每 1 小时）：尚未运行" in out.getvalue()


@pytest.mark.django_db
def test_old_runs_are_pruned() -> None:
    JobRun.objects.create(job="x", period="old", started_at=NOW - dt.timedelta(days=30))
    JobRun.objects.create(job="x", period="new", started_at=NOW)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert runner.prune_runs() == {"deleted": 1}
    assert list(JobRun.objects.values_list("period", flat=True)) == ["new"]


def test_the_scheduler_stays_off_where_celery_beat_runs_the_jobs(settings: Any) -> None:
    settings.SCHEDULER_EMBEDDED = False
    assert runner.start() is None


@pytest.mark.django_db
def test_a_tick_without_a_database_logs_and_keeps_going(caplog: pytest.LogCaptureFixture) -> None:
    from django.db import OperationalError

    scheduler = runner.Scheduler(tick_seconds=30)
    with mock.patch.object(runner, "run_due", side_effect=OperationalError("connection refused")), \
         mock.patch.object(runner.connection, "close"):
        scheduler.tick()
    assert "database unavailable" in caplog.text


def test_beat_runs_the_audit_anchor_by_name_and_skips_it_where_absent(caplog: pytest.LogCaptureFixture) -> None:
    from xuncha.celery import app
    from xuncha.scheduler.tasks import run_job

    assert app.conf.beat_schedule["audit-anchor"]["args"] == ["audit_anchor"]
    caplog.set_level("INFO", logger="xuncha.scheduler")
    with mock.patch("xuncha.scheduler.tasks.import_string", side_effect=ImportError("no write_anchor")):
        assert run_job("audit_anchor") is None
    assert "audit_anchor skipped" in caplog.text
    with mock.patch("xuncha.scheduler.tasks.import_string", return_value=lambda: "anchored"):
        assert run_job("audit_anchor") == "anchored"
