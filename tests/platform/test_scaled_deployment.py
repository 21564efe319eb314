"""The scaled deployment as operators run it (docs/deploy.md): gunicorn with several worker processes,
a Celery worker and Celery beat, Redis as broker and cache, PostgreSQL. Real processes on loopback
ports; a fresh database and a redis-server of the test's own. Skipped when PostgreSQL or redis-server
is not available (CI has both).

- a public submission over HTTP is triaged by the Celery worker, not in the request;
- beat has the worker fetch a mail from the test's IMAP server (dovecot);
- the public rate limit holds across gunicorn workers: the 11th submission within the hour is a 429,
  whichever worker served the first ten;
- the embedded scheduler stays off (beat runs the jobs).
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests import imapserver
from tests.live import Deployment, fresh_postgres, postgres_url, public_submit, redis_server

imap_server = imapserver.imap_server

PG = postgres_url()
pytestmark = [
    pytest.mark.skipif(PG is None, reason="no PostgreSQL server answers (DATABASE_URL / 127.0.0.1:5432)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


def wait_for(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory, imap_server: imapserver.ImapServer) -> Iterator[Deployment]:
    assert PG is not None
    with fresh_postgres(PG) as database_url, redis_server() as redis_url:
        dep = Deployment(tmp_path_factory.mktemp("scaled"), database_url=database_url, redis_url=redis_url,
                         env={"MAIL_FETCH_INTERVAL": "1", "RATE_LIMIT_SUBMIT": "10/3600", "SCHEDULER_TICK_SECONDS": "1"})
        try:
            dep.setup()
            user = imap_server.add_user()
            dep.manage("mailbox_set", "--actor", "office", "--address", "xuncha-demo@example.org", "--host", imap_server.host,
                       "--port", str(imap_server.port), "--no-ssl", "--username", user,
                       env={"XUNCHA_MAILBOX_PASSWORD": imapserver.PASSWORD})
            dep.imap_user = user  # type: ignore[attr-defined]
            dep.celery("worker", "--concurrency", "2", "--pool", "prefork", "-n", f"live{os.getpid()}@%h")
            dep.celery("beat")
            dep.gunicorn(workers=3, threads=1)
            yield dep
        finally:
            dep.stop()


def _submit(dep: Deployment, public_id: str, text: str, source: str) -> tuple[int, dict[str, str], bytes]:
    return public_submit(dep.url, public_id, {"anonymous": True, "content": text}, source=source)


def test_a_public_submission_is_triaged_by_the_worker(scaled: Deployment) -> None:
    status, _, body = _submit(scaled, scaled.practice_public_id(), "学校食堂承包给校长亲属，饭菜价格高、质量差，师生意见很大。", "127.0.0.3")
    assert status == 201, body
    [(report_id,)] = scaled.sql("SELECT id FROM intake_report WHERE content LIKE ?", ["学校食堂承包给校长亲属%"])

    def triaged() -> bool:
        return bool(scaled.sql("SELECT 1 FROM triage_triage WHERE report_id = ?", [report_id]))

    wait_for(triaged, 30, f"triage of report {report_id}\n{scaled.log('celery-worker')}")


def test_beat_has_the_worker_fetch_a_mail(scaled: Deployment, imap_server: imapserver.ImapServer) -> None:
    mail = EmailMessage()
    mail["From"] = "reporter@example.org"
    mail["To"] = "xuncha-demo@example.org"
    mail["Subject"] = "反映后勤处违规采购"
    mail["Message-ID"] = f"<live-{os.getpid()}@example.org>"
    mail.set_content("后勤处在食堂设备采购中指定供应商。")
    imap_server.deliver(scaled.imap_user, mail.as_bytes())  # type: ignore[attr-defined]

    def fetched() -> bool:
        return bool(scaled.sql("SELECT 1 FROM intake_report WHERE channel_kind = 'email' AND content LIKE ?", ["%指定供应商%"]))

    wait_for(fetched, 30, f"the mail fetched by beat\n{scaled.log('celery-beat')}\n{scaled.log('celery-worker')}")


def test_the_rate_limit_holds_across_gunicorn_workers(scaled: Deployment) -> None:
    public_id = scaled.practice_public_id()
    with concurrent.futures.ThreadPoolExecutor(max_workers=11) as pool:
        answers = list(pool.map(lambda i: _submit(scaled, public_id, f"第{i}次反映：食堂账目不公开。", "127.0.0.2"), range(11)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] * 10 + [429], statuses
    [refused] = [headers for status, headers, _ in answers if status == 429]
    assert int(refused["Retry-After"]) > 0
    served_by = {line.split()[0] for line in (Path(scaled.root) / "access.log").read_text().splitlines()
                 if " POST /api/v1/public/" in line}
    assert len(served_by) >= 2, f"all submissions went to one worker: {served_by}"
    # One more, later and alone: still refused (the count lives in Redis, not in a worker).
    assert _submit(scaled, public_id, "再次反映。", "127.0.0.2")[0] == 429


def test_the_embedded_scheduler_stays_off(scaled: Deployment) -> None:
    # Long enough for a worker's scheduler to have ticked if it had started (5 s delay, 1 s ticks).
    time.sleep(max(0.0, scaled.started_at + 7 - time.monotonic()))
    assert scaled.sql("SELECT count(*) FROM scheduler_jobrun") == [(0,)]
