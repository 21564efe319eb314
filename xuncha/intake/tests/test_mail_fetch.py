"""Email intake against a real IMAP server (dovecot, started by the tests on a loopback port)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import quopri
import urllib.parse
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import imapserver
from tests.imapserver import PASSWORD, ImapServer, b64, crlf, encoded_word, pdf_bytes, png_bytes
from xuncha.audit.models import AuditEvent
from xuncha.core import crypto
from xuncha.inspections.models import Channel
from xuncha.intake.mail import fetch_all_mailboxes, fetch_mailbox, register_message
from xuncha.intake.mailbox_services import mailbox_configure
from xuncha.intake.models import Mailbox, Report
from xuncha.keys import key_ring

imap_server = imapserver.imap_server  # the session-scoped fixture: a real dovecot on a loopback port

CST = dt.timezone(dt.timedelta(hours=8))
PNG = png_bytes()
PDF = pdf_bytes("report evidence")

SUBJECT_1 = "关于示范职院财务处违规发放津贴的反映（张喆）"  # 喆 is GBK, not GB2312: mislabelled, as clients do
BODY_1 = "财务处处长王某某2026年10月以“加班补贴”名义违规发放津贴，涉及金额约12万元。\n请巡察组核实。"
SUBJECT_2 = "关于食堂招标问题的举报"
BODY_2 = "后勤处在食堂承包招标中指定供应商，评标过程不公开。材料见附件PDF。"
SUBJECT_3 = "反映基建处领导干部违规兼职取酬"
BODY_3 = "基建处副处长李某在校外公司兼职并领取报酬。截图见附件。"


def mail_gb2312() -> bytes:
    """Foxmail-style: GB2312 label (GBK content), base64 body, RFC 2047 attachment name."""
    name = encoded_word("张喆", "gbk", label="GB2312")
    filename = encoded_word("现场照片.png", "gbk", label="GB2312")
    return crlf(f"""From: {name} <zhangzhe@example.cn>
To: xuncha-demo@example.org
Subject: {encoded_word(SUBJECT_1, "gbk", label="GB2312")}
Date: Fri, 20 Nov 2026 10:15:00 +0800
Message-ID: <gb2312-001@example.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001"

This is a multi-part message in MIME format.

------=_NextPart_000_0001
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(BODY_1.encode("gbk"))}
------=_NextPart_000_0001
Content-Type: image/png; name="{filename}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="{filename}"

{b64(PNG)}
------=_NextPart_000_0001--
""")


def mail_utf8_base64() -> bytes:
    """UTF-8, base64 body and subject, RFC 2231 attachment name."""
    return crlf(f"""From: {encoded_word("李四", "utf-8")} <lisi@example.com>
To: xuncha-demo@example.org
Subject: {encoded_word(SUBJECT_2, "utf-8")}
Date: Sat, 21 Nov 2026 09:00:00 +0800
Message-ID: <utf8-b64-002@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2"

--b2
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

{b64(BODY_2.encode())}
--b2
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''{urllib.parse.quote("举报材料.pdf".encode())}
Content-Transfer-Encoding: base64

{b64(PDF)}
--b2--
""")


def mail_quoted_printable() -> bytes:
    """Quoted-printable subject and bodies (text + HTML alternative); an attachment named without extension."""
    qp = quopri.encodestring(BODY_3.encode()).decode()
    html = quopri.encodestring(f"<html><body><p>{BODY_3}</p></body></html>".encode()).decode()
    return crlf(f"""From: wangwu@example.net
To: xuncha-demo@example.org
Subject: {encoded_word(SUBJECT_3, "utf-8", "Q")}
Date: Sun, 22 Nov 2026 20:30:00 +0800
Message-ID: <qp-003@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp}
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{html}
--alt--

--outer
Content-Type: application/octet-stream; name="{encoded_word("证据截图", "utf-8", "Q")}"
Content-Disposition: attachment; filename="{encoded_word("证据截图", "utf-8", "Q")}"
Content-Transfer-Encoding: base64

{b64(PNG)}
--outer--
""")


def simple_mail(message_id: str | None, subject: str, body: str, date: str | None = "Fri, 20 Nov 2026 10:00:00 +0800",
                sender: str = "reporter@example.org") -> bytes:
    headers = [f"From: {sender}", "To: xuncha-demo@example.org", f"Subject: {encoded_word(subject, 'utf-8')}"]
    if date:
        headers.append(f"Date: {date}")
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
    return crlf("\n".join(headers) + "\n\n" + b64(body.encode()) + "\n")


BROKEN = crlf("""From: =?utf-8?B?5byg5LiJ?= <broken@example.org>
To: xuncha-demo@example.org
Subject: =?x-no-such-charset?B?5Lil6YeN6Zeu6aKY?=
Date: Fri, 20 Nov 2026 11:00:00 +0800
Message-ID: <broken-004@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="never-used"

The boundary declared above never appears.
""") + "反映：某处长长期占用公车。".encode("gb18030") + b"\r\n"


def email_channel(inspection: Any) -> Channel:
    return inspection.channels.get(kind="email")


def configure(demo: dict[str, Any], server: ImapServer, *, inspection: str = "practice", password: str = PASSWORD) -> tuple[Mailbox, str]:
    user = server.add_user()
    mailbox = mailbox_configure(actor=demo["users"]["office"], channel=email_channel(demo[inspection]), host=server.host,
                                port=server.port, use_ssl=False, username=user, password=password, folder="INBOX")
    return mailbox, user


def unseal(report: Report, field: str) -> str:
    return crypto.unseal(key_ring(), report.reporter_sealed[field], context=field)


def stored(report: Report) -> list[tuple[str, str, bytes]]:
    result = []
    for att in report.attachments.order_by("id"):
        with att.file.open("rb") as f:
            result.append((att.original_name, att.content_type, f.read()))
    return result


@pytest.mark.django_db
def test_three_chinese_mails_fetched_twice_give_three_reports(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    for raw in (mail_gb2312(), mail_utf8_base64(), mail_quoted_printable()):
        imap_server.deliver(user, raw)

    first = fetch_mailbox(mailbox)
    second = fetch_mailbox(mailbox)

    assert (first.new, first.skipped, first.flagged, first.errors) == (3, 0, 0, [])
    assert (second.new, second.skipped, second.flagged, second.errors) == (0, 3, 0, [])
    reports = {r.email_message_id: r for r in Report.objects.filter(channel=mailbox.channel)}
    assert set(reports) == {"<gb2312-001@example.cn>", "<utf8-b64-002@example.com>", "<qp-003@example.net>"}

    r1, r2, r3 = reports["<gb2312-001@example.cn>"], reports["<utf8-b64-002@example.com>"], reports["<qp-003@example.net>"]
    assert r1.content == f"主题：{SUBJECT_1}\n\n{BODY_1}"
    assert r2.content == f"主题：{SUBJECT_2}\n\n{BODY_2}"
    assert r3.content == f"主题：{SUBJECT_3}\n\n{BODY_3}"  # the plain part, not the HTML one
    assert stored(r1) == [("现场照片.png", "image/png", PNG)]
    assert stored(r2) == [("举报材料.pdf", "application/pdf", PDF)]
    assert stored(r3) == [("证据截图.png", "image/png", PNG)]  # the extension is added from the content
    assert r1.attachments.get().sha256 == hashlib.sha256(PNG).hexdigest()

    # Real-name: the sender's display name (or the address when there is none) and address, sealed.
    assert not r1.anonymous and (unseal(r1, "name"), unseal(r1, "email")) == ("张喆", "zhangzhe@example.cn")
    assert (unseal(r2, "name"), unseal(r2, "email")) == ("李四", "lisi@example.com")
    assert (unseal(r3, "name"), unseal(r3, "email")) == ("wangwu@example.net", "wangwu@example.net")
    assert "zhangzhe" not in str(r1.source) and r1.receipt_notice_due is not None

    assert r1.received_at == dt.datetime(2026, 11, 20, 10, 15, tzinfo=CST)
    assert all(r.channel_kind == "email" and r.in_window and not r.needs_attention and not r.raw_source for r in (r1, r2, r3))
    assert r1.inspection == demo["practice"]

    # Nothing changed on the server: all three messages are still there, still unseen.
    assert len(imap_server.message_files(user)) == 3
    flags = imap_server.flags(user)
    assert len(flags) == 3 and not any("\\Seen" in f or "\\Deleted" in f for f in flags)
    mailbox.refresh_from_db()
    assert mailbox.last_error == "" and mailbox.last_checked_at is not None


@pytest.mark.django_db
def test_broken_message_is_kept_flagged_with_raw_source(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    imap_server.deliver(user, BROKEN)
    imap_server.deliver(user, simple_mail("<fine-005@example.org>", "正常来信", "一切正常的邮件。"))

    result = fetch_mailbox(mailbox)

    assert (result.new, result.flagged, result.errors) == (2, 1, [])
    broken = Report.objects.get(email_message_id="<broken-004@example.org>")
    assert broken.needs_attention and broken.attention_reason.startswith("邮件格式异常：")
    assert "分隔符" in broken.attention_reason or "多部分" in broken.attention_reason
    assert "某处长长期占用公车" in broken.content  # the text is salvaged
    with broken.raw_source.open("rb") as f:
        assert BROKEN not in (sealed := f.read()) and sealed.startswith(b"sm4gcm:")  # sealed at rest
    from xuncha.accounts.models import User
    from xuncha.intake.services import report_raw_source

    leader = User.objects.get(username="leader")
    assert report_raw_source(actor=leader, report=broken, reason="核对邮件原文格式") == BROKEN
    assert unseal(broken, "email") == "broken@example.org"
    fine = Report.objects.get(email_message_id="<fine-005@example.org>")
    assert not fine.needs_attention and fine.content == "主题：正常来信\n\n一切正常的邮件。"
    assert fetch_mailbox(mailbox).skipped == 2


@pytest.mark.django_db
def test_forbidden_attachment_does_not_lose_the_mail(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    exe = b"MZ\x90\x00" + b"\x00" * 200
    raw = crlf(f"""From: =?utf-8?B?6LW15YWt?= <zhaoliu@example.org>
Subject: {encoded_word("附件有问题的来信", "utf-8")}
Date: Fri, 20 Nov 2026 12:00:00 +0800
Message-ID: <attach-006@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain; charset=utf-8

Some text.
--m
Content-Type: application/x-msdownload
Content-Disposition: attachment; filename="tool.exe"
Content-Transfer-Encoding: base64

{b64(exe)}
--m
Content-Type: image/png
Content-Disposition: attachment; filename="photo.png"
Content-Transfer-Encoding: base64

{b64(PNG)}
--m--
""")
    imap_server.deliver(user, raw)

    result = fetch_mailbox(mailbox)

    assert (result.new, result.flagged, result.errors) == (1, 1, [])
    report = Report.objects.get(email_message_id="<attach-006@example.org>")
    assert report.content == "主题：附件有问题的来信\n\nSome text."
    assert stored(report) == [("photo.png", "image/png", PNG)]
    assert report.attention_reason.startswith("附件未能保存：") and "tool.exe" in report.attention_reason
    assert report.source["attachments_rejected"] and report.raw_source
    from xuncha.core.crypto import unseal_bytes
    from xuncha.keys import key_ring

    with report.raw_source.open("rb") as f:
        assert unseal_bytes(key_ring(), f.read(), context="raw_source") == raw


@pytest.mark.django_db
def test_login_failure_is_recorded_and_other_mailboxes_still_fetched(demo: dict[str, Any], imap_server: ImapServer) -> None:
    bad, bad_user = configure(demo, imap_server, inspection="practice", password="wrong")
    good, good_user = configure(demo, imap_server, inspection="seed000")
    imap_server.deliver(bad_user, simple_mail("<x-007@example.org>", "不会被收取", "密码错误。"))
    imap_server.deliver(good_user, simple_mail("<x-008@example.org>", "会被收取", "正常。", date="Thu, 26 Sep 2024 10:00:00 +0800"))
    nowhere = Channel.objects.create(inspection=demo["other"], kind="email", value="nowhere@example.org")
    unreachable = Mailbox.objects.create(channel=nowhere, host="127.0.0.1", port=1, use_ssl=False, username="nobody",
                                         password_sealed=crypto.seal(key_ring(), "pw", context="mailbox_password"))

    tls_channel = Channel.objects.create(inspection=demo["other"], kind="email", value="tls@example.org")
    tls_on_plain_port = mailbox_configure(actor=demo["users"]["office"], channel=tls_channel, host=imap_server.host,
                                          port=imap_server.port, use_ssl=True, username=imap_server.add_user(), password=PASSWORD)
    folder_channel = Channel.objects.create(inspection=demo["other"], kind="email", value="folder@example.org")
    missing_folder = mailbox_configure(actor=demo["users"]["office"], channel=folder_channel, host=imap_server.host,
                                       port=imap_server.port, use_ssl=False, username=imap_server.add_user(), password=PASSWORD,
                                       folder="举报邮件")

    results = {m.pk: r for m, r in fetch_all_mailboxes()}

    assert results[bad.pk].new == 0 and results[bad.pk].errors
    bad.refresh_from_db()
    assert "登录邮箱" in bad.last_error and "失败" in bad.last_error and bad.last_checked_at is not None
    unreachable.refresh_from_db()
    assert unreachable.last_error.startswith("无法连接邮件服务器 127.0.0.1:1")
    tls_on_plain_port.refresh_from_db()
    assert "建立加密连接失败" in tls_on_plain_port.last_error
    missing_folder.refresh_from_db()
    assert missing_folder.last_error.startswith("无法打开邮箱文件夹“举报邮件”")
    assert results[good.pk].new == 1 and results[good.pk].errors == []
    report = Report.objects.get(email_message_id="<x-008@example.org>")
    assert report.inspection == demo["seed000"] and report.in_window
    assert not Report.objects.filter(email_message_id="<x-007@example.org>").exists()


@pytest.mark.django_db
def test_acceptance_flags_dates_and_messages_without_id(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    practice = demo["practice"]
    imap_server.deliver(user, simple_mail("<late-009@example.org>", "期外来信", "受理期前寄出。", date="Sun, 01 Nov 2026 09:00:00 +0800"))
    imap_server.deliver(user, simple_mail("<in-010@example.org>", "期内来信", "受理期内。", date="Mon, 23 Nov 2026 09:00:00 +0800"))
    # No Date header and no Message-ID: the server's INTERNALDATE counts, and a synthetic id keeps it idempotent.
    internal = dt.datetime(2026, 11, 19, 8, 30, tzinfo=CST)
    no_id = simple_mail(None, "无编号来信", "没有 Message-ID。", date=None)
    imap_server.deliver(user, no_id, received=internal)
    # A date in the future is not believed.
    imap_server.deliver(user, simple_mail("<future-011@example.org>", "未来来信", "日期错误。", date="Mon, 01 Jan 2035 09:00:00 +0800"),
                        received=internal)

    assert fetch_mailbox(mailbox).new == 4
    assert fetch_mailbox(mailbox).skipped == 4

    late = Report.objects.get(email_message_id="<late-009@example.org>")
    assert late.in_window is False and late.within_hours is None
    assert "期外" in late.acceptance_reasons[0] and late.received_at.date() < practice.intake_start
    assert Report.objects.get(email_message_id="<in-010@example.org>").in_window is True
    synthetic = Report.objects.get(email_message_id=f"<{hashlib.sha256(no_id).hexdigest()}@xuncha>")
    assert synthetic.received_at == internal and synthetic.source["received_at_basis"] == "服务器收信时间"
    future = Report.objects.get(email_message_id="<future-011@example.org>")
    assert future.received_at == internal


@pytest.mark.django_db
def test_fetch_mail_command(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    imap_server.deliver(user, simple_mail("<cmd-012@example.org>", "命令行收取", "正文。"))
    out = io.StringIO()
    call_command("fetch_mail", stdout=out)
    assert "邮箱 xuncha-demo@example.org" in out.getvalue()
    assert "新登记 1 件，已登记跳过 0 封，需人工处理 0 件。" in out.getvalue()

    out = io.StringIO()
    call_command("fetch_mail", "--loop", "--interval", "0", "--max-runs", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all("新登记 0 件，已登记跳过 1 封" in line for line in lines)

    mailbox_configure(actor=demo["users"]["office"], channel=mailbox.channel, host=imap_server.host, port=imap_server.port,
                      use_ssl=False, username=user, password="wrong", folder="INBOX")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 个邮箱收取出错"):
        call_command("fetch_mail", stdout=out, stderr=err)
    assert "出错 1 处" in out.getvalue() and "登录邮箱" in err.getvalue()


@pytest.mark.django_db
def test_celery_task_and_beat_schedule(demo: dict[str, Any], imap_server: ImapServer) -> None:
    from xuncha.celery import app
    from xuncha.intake.tasks import fetch_all_mailboxes as task

    mailbox, user = configure(demo, imap_server)
    imap_server.deliver(user, simple_mail("<celery-013@example.org>", "定时收取", "正文。"))
    result = task.delay().get()  # eager in the embedded configuration
    assert result == [{"mailbox": mailbox.pk, "new": 1, "skipped": 0, "flagged": 0, "errors": [], "busy": False}]
    schedule = app.conf.beat_schedule["intake-fetch-mailboxes"]
    assert schedule["task"] == task.name == "intake.fetch_all_mailboxes" and schedule["schedule"] == 300


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"])
def test_only_the_office_configures_a_mailbox(demo: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionError):
        mailbox_configure(actor=demo["users"][who], channel=email_channel(demo["practice"]), host="imap.example.org", port=993,
                          use_ssl=True, username="u", password="p", folder="INBOX")
    assert not Mailbox.objects.exists()


@pytest.mark.django_db
def test_configure_seals_password_and_audits(demo: dict[str, Any]) -> None:
    office, channel = demo["users"]["office"], email_channel(demo["practice"])
    mailbox = mailbox_configure(actor=office, channel=channel, host="imap.example.org", port=993, use_ssl=True,
                                username="xcz@example.org", password="授权码-Secret1", folder="收件箱")
    assert "Secret1" not in mailbox.password_sealed
    assert crypto.unseal(key_ring(), mailbox.password_sealed, context="mailbox_password") == "授权码-Secret1"
    event = AuditEvent.objects.get(action="mailbox.configure")
    assert event.actor == office and "Secret1" not in str(event.data) and event.data["password_changed"] is True

    # An empty password keeps the stored one.
    mailbox = mailbox_configure(actor=office, channel=channel, host="imap2.example.org", port=143, use_ssl=False,
                                username="xcz@example.org", password="", folder="INBOX")
    assert mailbox.host == "imap2.example.org"
    assert crypto.unseal(key_ring(), mailbox.password_sealed, context="mailbox_password") == "授权码-Secret1"

    with pytest.raises(ValidationError, match="电子邮箱"):
        mailbox_configure(actor=office, channel=demo["practice"].channels.get(kind="phone"), host="h", port=993,
                          use_ssl=True, username="u", password="p", folder="INBOX")
    with pytest.raises(ValidationError, match="不能重复收取"):
        mailbox_configure(actor=office, channel=email_channel(demo["seed000"]), host="IMAP2.example.org", port=143,
                          use_ssl=False, username="xcz@example.org", password="p", folder="INBOX")


@pytest.mark.django_db
def test_mailbox_set_command(demo: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    user = imap_server.add_user()
    imap_server.deliver(user, simple_mail("<set-014@example.org>", "x", "y"))
    args = ["mailbox_set", "--actor", "office", "--address", "xuncha-demo@example.org", "--host", imap_server.host,
            "--port", str(imap_server.port), "--no-ssl", "--username", user]
    monkeypatch.delenv("XUNCHA_MAILBOX_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompt
    with pytest.raises(CommandError, match="XUNCHA_MAILBOX_PASSWORD"):
        call_command(*args)
    monkeypatch.setenv("XUNCHA_MAILBOX_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command(*args, "--check", stdout=out)
    mailbox = Mailbox.objects.get(channel=email_channel(demo["practice"]))
    assert mailbox.username == user and mailbox.use_ssl is False
    assert "试连接成功：文件夹中有 1 封邮件" in out.getvalue()
    with pytest.raises(CommandError, match="巡察办管理员"):
        call_command(*[a if a != "office" else "member" for a in args])


@pytest.mark.django_db
def test_a_message_registered_by_a_concurrent_fetch_is_skipped(demo: dict[str, Any], imap_server: ImapServer) -> None:
    mailbox, user = configure(demo, imap_server)
    raw = simple_mail("<race-015@example.org>", "并发收取", "同一封邮件被两个任务同时收取。")
    assert register_message(mailbox=mailbox, raw=raw) is not None
    assert register_message(mailbox=mailbox, raw=raw) is None  # the unique constraint decides; nothing raised
    assert Report.objects.filter(email_message_id="<race-015@example.org>").count() == 1


def test_a_mailbox_being_fetched_elsewhere_is_skipped_not_failed(demo: dict[str, Any], imap_server: ImapServer) -> None:
    """A fetch that outlasts its period: the next period's run finds the mailbox locked and leaves it alone;
    that is no error (the scheduler records the run as done), and the mailbox's state stays the running fetch's."""
    from django.core.cache import cache

    from xuncha.intake.tasks import fetch_all_mailboxes as task

    mailbox, _ = configure(demo, imap_server)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="")
    cache.add(f"intake:mailbox-fetch:{mailbox.pk}", "1", 60)
    try:
        result = fetch_mailbox(Mailbox.objects.get(pk=mailbox.pk))
        assert result.busy and result.ok and "本次跳过" in result.summary()
        assert task() == [{"mailbox": mailbox.pk, "new": 0, "skipped": 0, "flagged": 0, "errors": [], "busy": True}]
    finally:
        cache.delete(f"intake:mailbox-fetch:{mailbox.pk}")
    mailbox.refresh_from_db()
    assert mailbox.last_error == "" and mailbox.last_checked_at is None
