"""The embedded deployment as `make run` serves it (gunicorn.conf.py, two workers, SQLite, no Redis):
the scheduler threads of both workers fetch a mail from the test's IMAP server, every job runs once
per period however many workers tick, and `manage.py scheduler status` shows the heartbeat; a public
submission is triaged by a worker's drain thread after the response."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests import imapserver
from tests.live import Deployment, public_submit

imap_server = imapserver.imap_server


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    dep = Deployment(tmp_path_factory.mktemp("embedded"),
                     env={"MAIL_FETCH_INTERVAL": "2", "SCHEDULER_TICK_SECONDS": "0.5"})
    try:
        dep.setup()
        yield dep
    finally:
        dep.stop()


def test_the_workers_schedulers_fetch_mail_once_per_period(embedded: Deployment, imap_server: imapserver.ImapServer) -> None:
    user = imap_server.add_user()
    embedded.manage("mailbox_set", "--actor", "office", "--address", "xuncha-demo@example.org", "--host", imap_server.host,
                    "--port", str(imap_server.port), "--no-ssl", "--username", user,
                    env={"XUNCHA_MAILBOX_PASSWORD": imapserver.PASSWORD})
    mail = EmailMessage()
    mail["From"] = "reporter@example.org"
    mail["To"] = "xuncha-demo@example.org"
    mail["Subject"] = "反映基建处违规兼职"
    mail["Message-ID"] = f"<embedded-{os.getpid()}@example.org>"
    mail.set_content("基建处副处长在校外公司兼职取酬。")
    imap_server.deliver(user, mail.as_bytes())
    embedded.gunicorn(workers=2, threads=4)

    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if embedded.sql("SELECT 1 FROM intake_report WHERE content LIKE ?", ["%兼职取酬%"]):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the embedded scheduler did not fetch the mail\n" + embedded.log("gunicorn"))
    time.sleep(4)  # a few more periods, ticked by both workers

    runs = embedded.sql("SELECT job, period, runner, ok FROM scheduler_jobrun")
    failed = embedded.sql("SELECT job, period, result FROM scheduler_jobrun WHERE ok = 0")
    periods = [(job, period) for job, period, _, _ in runs]
    assert len(periods) == len(set(periods))  # once per job and period
    # A run may still be under way when we look (ok is NULL until it finishes); every finished one succeeded.
    fetches = [ok for job, _, _, ok in runs if job == "fetch_mail" and ok is not None]
    assert len(fetches) >= 2 and all(fetches), (failed, embedded.log("gunicorn")[-3000:])
    assert "classifier_retrain" in {job for job, *_ in runs}  # hourly: due at once (the daily ones wait for their hour)
    # Exactly one mail report: no second worker registered it again.
    assert embedded.sql("SELECT count(*) FROM intake_report WHERE content LIKE ?", ["%兼职取酬%"]) == [(1,)]
    status = embedded.manage("scheduler", "status")
    assert "定时任务：内置" in status
    # The last run may be under way right now; the last success has a time.
    assert re.search(r"收取邮箱（fetch_mail，每 2 秒）：.*；上次成功 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", status), status


def test_a_public_submission_is_triaged_by_the_drain_thread(embedded: Deployment) -> None:
    """Triage after the response (issue 17): the worker's drain thread triages the report within seconds."""
    if not embedded.url:  # run alone (the first test starts gunicorn)
        embedded.gunicorn(workers=2, threads=4)
    status, _, body = public_submit(embedded.url, embedded.practice_public_id(),
                                    {"anonymous": True, "content": "学校食堂承包给校长亲属，饭菜价格高、质量差。"}, source="127.0.0.4")
    assert status == 201, body
    [(report_id,)] = embedded.sql("SELECT id FROM intake_report WHERE content LIKE ?", ["学校食堂承包给校长亲属%"])
    deadline = time.monotonic() + 20
    while not embedded.sql("SELECT 1 FROM triage_triage WHERE report_id = ?", [report_id]):
        assert time.monotonic() < deadline, "not triaged by the drain thread\n" + embedded.log("gunicorn")[-3000:]
        time.sleep(0.2)
