"""Daily reminders of items due soon or overdue: in the app, and by email through a real SMTP server
(a small SMTP sink on a local socket, spoken to by Django's SMTP backend); idempotent per day."""

from __future__ import annotations

import datetime as dt
import email
import socket
import socketserver
import threading
from email.header import decode_header, make_header
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.notify.models import Notification
from xuncha.rectification.services import reminders_send

from .test_services_ledger import make_finding, make_item, report_done

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 10, 9)  # a Wednesday just after the National Day holiday
SUBJECT = "【巡察通】整改提醒"


def reminders() -> Any:
    """The daily reminders (progress reported while making the items notifies the team too)."""
    return Notification.objects.filter(key__startswith="ledger-reminder:")


class SinkHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept messages: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP sink")
        rcpt: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-localhost\r\n250 8BITMIME")
            elif verb == b"RCPT":
                rcpt.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append((rcpt, email.message_from_bytes(b"".join(body))))  # type: ignore[attr-defined]
                rcpt = []
                self.reply("250 OK queued")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            elif verb in (b"HELO", b"MAIL", b"RSET", b"NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.messages: list[tuple[list[str], email.message.Message]] = []


@pytest.fixture
def smtp(settings: Any) -> Any:
    server = SMTPSink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def items(seed000: Any) -> dict[str, Any]:
    User.objects.filter(username="liaison").update(email="liaison@example.org")
    User.objects.filter(username="leader").update(email="leader@example.org")
    User.objects.filter(username="member").update(email="member@example.org")
    finding = make_finding(seed000)
    out = {
        "overdue": make_item(finding, deadline=dt.date(2024, 9, 30)),    # 2 working days past (10-08, 10-09)
        "due": make_item(finding, deadline=dt.date(2024, 10, 12)),       # Saturday 10-12 is a working day: within 3
        "later": make_item(finding, deadline=dt.date(2024, 11, 30)),
        "long_term": make_item(finding, deadline=None, long_term=True),
        "done": make_item(finding, deadline=dt.date(2024, 9, 30)),
    }
    report_done(out["done"])
    return out


def subject(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def test_reminders_reach_the_liaison_and_the_leaders_in_the_app_and_by_email(smtp: SMTPSink, items: dict, seed000: Any) -> None:
    run = reminders_send(today=TODAY)
    assert (run.created, run.emailed, run.failed) == (2, 2, 0)
    notes = {n.user.username: n for n in reminders().select_related("user")}
    assert set(notes) == {"liaison", "leader"}  # not the member, not other organisations' liaisons
    text = notes["liaison"].text
    assert text == (f"【整改提醒】巡察任务（编号{seed000.pk}）：1项已逾期（第1项，最长逾期2个工作日），1项将在3个工作日内到期（第2项）。"
                    "请及时推进整改、报送进展和佐证材料。")
    assert notes["liaison"].url == "/target/items/" and notes["leader"].url == f"/rectification/inspections/{seed000.pk}/ledger/"
    assert all(n.emailed and n.read_at is None for n in notes.values())
    assert sorted(r[0] for r, _m in smtp.messages) == ["leader@example.org", "liaison@example.org"]
    for _rcpt, message in smtp.messages:
        assert subject(message) == SUBJECT
        assert "1项已逾期" in body(message) and "http://" in body(message)
        assert "清退礼品礼金" not in body(message)  # no measures or findings leave by mail
        assert seed000.target.name not in body(message) and seed000.team.name not in body(message)  # nor names
    assert AuditEvent.objects.filter(action="rectification.reminders", actor_name="系统").count() == 1


def test_a_second_run_on_the_same_day_sends_nothing_new(smtp: SMTPSink, items: dict) -> None:
    reminders_send(today=TODAY)
    again = reminders_send(today=TODAY)
    assert (again.created, again.emailed) == (0, 0)
    assert reminders().count() == 2 and len(smtp.messages) == 2
    assert AuditEvent.objects.filter(action="rectification.reminders").count() == 1
    following = reminders_send(today=TODAY + dt.timedelta(days=1))
    assert (following.created, following.emailed) == (2, 2) and len(smtp.messages) == 4


def test_without_an_smtp_server_reminders_stay_in_the_app(items: dict, settings: Any) -> None:
    settings.EMAIL_HOST = ""
    run = reminders_send(today=TODAY)
    assert (run.created, run.emailed) == (2, 0)
    assert not reminders().filter(emailed=True).exists()


def test_a_failed_send_is_retried_by_the_next_run(items: dict, settings: Any, smtp: SMTPSink) -> None:
    port = smtp.server_address[1]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]  # nothing listens there
        run = reminders_send(today=TODAY)
    assert (run.created, run.emailed, run.failed) == (2, 0, 2)
    assert not reminders().filter(emailed=True).exists()
    settings.EMAIL_PORT = port
    retry = reminders_send(today=TODAY)
    assert (retry.created, retry.emailed, retry.failed) == (0, 2, 0) and len(smtp.messages) == 2


def test_users_without_an_address_get_the_notification_only(smtp: SMTPSink, items: dict) -> None:
    User.objects.filter(username="leader").update(email="")
    run = reminders_send(today=TODAY)
    assert (run.created, run.emailed) == (2, 1)
    assert [r for r, _m in smtp.messages] == [["liaison@example.org"]]


def test_nothing_due_nothing_sent(smtp: SMTPSink, seed000: Any) -> None:
    make_item(make_finding(seed000), deadline=dt.date(2024, 12, 31))
    assert reminders_send(today=TODAY).created == 0
    assert not reminders().exists() and not AuditEvent.objects.filter(action="rectification.reminders").exists()


def test_command_and_task(items: dict, settings: Any) -> None:
    settings.EMAIL_HOST = ""
    out = StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "新生成提醒 2 条，发送邮件 0 封，发送失败 0 封。"
    from xuncha.rectification.tasks import reminders_send_task

    assert reminders_send_task.name == "rectification.reminders_send"
    result = reminders_send_task.apply().get()  # today: the 2024 items are overdue, a new day's key
    assert result["created"] == 2 and reminders().count() == 4


def test_overdue_immediate_notices_are_reminded(demo: dict) -> None:
    """A notice issued with a deadline that has passed (and not yet accepted) is in the daily reminder."""
    import datetime as dt

    from xuncha.accounts.models import User
    from xuncha.notify.models import Notification
    from xuncha.rectification.models import ImmediateNotice
    from xuncha.rectification.services import reminders_send

    seed = demo["seed000"]
    leader = User.objects.get(username="leader")
    ImmediateNotice.objects.create(inspection=seed, number=3, title="食堂价格", problem="多名师生反映", suggestion="立即整改",
                                   clear_violation=True, fixable=True, deadline_days=5, due_on=dt.date(2024, 10, 10),
                                   state=ImmediateNotice.State.ISSUED, created_by=leader, issued_by=leader)
    reminders_send(today=dt.date(2024, 10, 14))
    texts = set(Notification.objects.filter(user__username__in=["leader", "liaison"]).values_list("text", flat=True))
    assert texts and all("立行立改通知1件已过整改期限（第3号）" in t for t in texts)
