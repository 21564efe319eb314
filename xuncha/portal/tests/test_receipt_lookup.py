"""Receipt look-up on /p/receipt/: status, replies, additions, session expiry, rate limit, nothing lost."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from xuncha.audit.models import AuditEvent
from xuncha.intake.models import Addition, Attachment, Report, ReportStatus
from xuncha.intake.services import ReporterData, ReportInput, SubjectData, report_register
from xuncha.replies.models import Reply

from . import files

pytestmark = pytest.mark.django_db

LOOKUP = "/p/receipt/"


@pytest.fixture
def registered(demo: dict[str, Any]) -> tuple[Report, str]:
    result = report_register(actor=None, data=ReportInput(
        inspection=demo["practice"], content="反映某学院违规发放津贴。", kind="online",
        reporter=ReporterData(name="覃明珠", phone="13977005678", role="staff", unit="后勤处"),
        subjects=[SubjectData(name="黄建国", post="财务处处长", category="key_post")]))
    return result.report, result.receipt_code


def _look_up(client: Client, code: str, **extra: Any) -> Any:
    return client.post(LOOKUP, {"code": code}, **extra)


def test_lookup_page_is_a_post_form(demo: dict[str, Any]) -> None:
    html = Client().get(LOOKUP).content.decode()
    assert '<form method="post" action="/p/receipt/" id="lookup-form"' in html
    assert 'name="code"' in html and 'inputmode="numeric"' in html


def test_code_shows_the_status_and_replies_without_staff_names(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    report, code = registered
    leader = demo["users"]["leader"]
    Reply.objects.create(report=report, kind=Reply.Kind.RECEIPT, content="您反映的问题已收到，巡察组已受理。", created_by=leader)
    Reply.objects.create(report=report, kind=Reply.Kind.RESULT, content="经核查，已责成有关单位整改。", created_by=leader)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.ACCEPTED)

    client = Client()
    spaced = f"{code[:4]} {code[4:8]}-{code[8:12]} {code[12:]}"
    response = _look_up(client, spaced)
    assert response.status_code == 302 and response["Location"] == LOOKUP  # the code is not in any URL
    page = client.get(LOOKUP)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert '<dd id="status-label"><strong>已受理</strong></dd>' in html
    assert "示范市委第一巡察组巡察示范职业技术学院党委" in html
    assert "受理告知" in html and "您反映的问题已收到，巡察组已受理。" in html
    assert "办理结果" in html and "经核查，已责成有关单位整改。" in html
    assert html.index("受理告知") < html.index("办理结果")
    for hidden in (leader.display_name, leader.username, "覃明珠", "13977005678", "后勤处", "黄建国", "违规发放津贴"):
        assert hidden not in html, hidden
    assert code not in html.replace(" ", "")
    # The code is kept in the session only sealed, with an expiry.
    stored = client.session["portal.lookup"]
    assert stored["code"].startswith("sm4gcm:") and stored["until"] > time.time()
    for session in Session.objects.all():
        assert code not in session.session_data and code not in json.dumps(session.get_decoded())
    # The look-up is audited, without the client's address.
    event = AuditEvent.objects.get(action="report.receipt_lookup")
    assert event.object_id == str(report.pk) and event.ip == ""


def test_no_replies_yet(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    client = Client()
    _look_up(client, registered[1])
    html = client.get(LOOKUP).content.decode()
    assert 'id="no-replies"' in html and "已登记" in html


@pytest.mark.parametrize("code", ["1234567890123456", "0000 0000 0000 0000"])
def test_a_wrong_code_reveals_nothing(demo: dict[str, Any], registered: tuple[Report, str], code: str) -> None:
    client = Client()
    response = _look_up(client, code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "查询码不正确" in html and 'id="status-label"' not in html
    assert code not in html  # not echoed back either
    assert "portal.lookup" not in client.session
    assert not AuditEvent.objects.filter(action="report.receipt_lookup").exists()


def test_a_malformed_code(demo: dict[str, Any]) -> None:
    html = _look_up(Client(), "12345").content.decode()
    assert "查询码是16位数字，请核对后重新输入。" in html


def test_lookup_is_rate_limited(demo: dict[str, Any], registered: tuple[Report, str], settings: Any) -> None:
    settings.RATE_LIMIT_LOOKUP = "3/600"
    client = Client()
    for _ in range(3):
        assert "查询码不正确" in _look_up(client, "1111222233334444").content.decode()
    response = _look_up(client, registered[1])  # even the right code, once limited
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    assert "portal.lookup" not in client.session
    assert _look_up(client, registered[1], REMOTE_ADDR="10.9.8.7").status_code == 302


def test_add_information_and_a_file(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    report, code = registered
    client = Client()
    _look_up(client, code)
    html = client.get(LOOKUP).content.decode()
    assert 'id="addition-form"' in html and 'enctype="multipart/form-data"' in html
    response = client.post(reverse("portal:receipt_add"), {"content": "补充：发放时间是2026年5月。", "attachments": [files.png("名单.png")]})
    assert response.status_code == 302 and response["Location"] == LOOKUP + "#additions"
    addition = Addition.objects.get(report=report)
    assert addition.by_reporter and addition.content == "补充：发放时间是2026年5月。"
    assert list(Attachment.objects.filter(addition=addition).values_list("original_name", "content_type")) == [("名单.png", "image/png")]
    html = client.get(LOOKUP).content.decode()
    assert "补充材料已收到，巡察组会一并处理。" in html
    assert 'id="additions"' in html and "已收到补充文字 16 字、附件 1 个" in html
    assert "补充：发放时间是2026年5月。" not in html  # confirmed, not shown back


def test_add_only_a_file(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    client = Client()
    _look_up(client, registered[1])
    response = client.post(reverse("portal:receipt_add"), {"content": "", "attachments": [files.pdf()]})
    assert response.status_code == 302
    assert Attachment.objects.filter(addition__isnull=False).count() == 1


def test_add_with_a_bad_file_keeps_the_text(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    client = Client()
    _look_up(client, registered[1])
    response = client.post(reverse("portal:receipt_add"), {"content": "这段补充不能丢。", "attachments": [files.exe_as_pdf()]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "“发票.pdf”不是可接受的文件类型。" in html and "这段补充不能丢。</textarea>" in html
    assert "浏览器不会保留已选择的附件" in html
    assert Addition.objects.count() == 0


def test_add_nothing_is_refused(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    client = Client()
    _look_up(client, registered[1])
    response = client.post(reverse("portal:receipt_add"), {"content": "  "})
    assert response.status_code == 400 and "请填写补充内容或选择附件。" in response.content.decode()


def test_add_with_a_database_error_leaves_nothing(demo: dict[str, Any], registered: tuple[Report, str], monkeypatch: Any) -> None:
    client = Client()
    _look_up(client, registered[1])

    def broken(**kwargs: Any) -> None:
        raise DatabaseError("database is locked")

    monkeypatch.setattr("xuncha.intake.services.audit_record", broken)
    response = client.post(reverse("portal:receipt_add"), {"content": "数据库坏了时的补充", "attachments": [files.png()]})
    html = response.content.decode()
    assert response.status_code == 503
    assert "系统暂时无法保存，这次补充没有成功" in html and "数据库坏了时的补充</textarea>" in html
    assert Addition.objects.count() == 0 and Attachment.objects.filter(addition__isnull=False).count() == 0


def test_too_many_files_counts_those_already_given(demo: dict[str, Any], registered: tuple[Report, str], settings: Any) -> None:
    settings.ATTACHMENT_MAX_COUNT = 1
    client = Client()
    _look_up(client, registered[1])
    assert client.post(reverse("portal:receipt_add"), {"attachments": [files.png()]}).status_code == 302
    response = client.post(reverse("portal:receipt_add"), {"content": "再来一张", "attachments": [files.png()]})
    assert response.status_code == 400 and "附件最多 1 个" in response.content.decode()


def test_the_lookup_expires(demo: dict[str, Any], registered: tuple[Report, str], monkeypatch: Any) -> None:
    client = Client()
    _look_up(client, registered[1])
    assert 'id="status-label"' in client.get(LOOKUP).content.decode()
    real_time = time.time
    monkeypatch.setattr("xuncha.portal.views.time.time", lambda: real_time() + 16 * 60)
    html = client.get(LOOKUP).content.decode()
    assert 'id="status-label"' not in html and 'id="lookup-form"' in html
    response = client.post(reverse("portal:receipt_add"), {"content": "超时后的补充"})
    assert response.status_code == 400 and "查询已超时，请重新输入查询码" in response.content.decode()
    assert Addition.objects.count() == 0


def test_exit_forgets_the_code(demo: dict[str, Any], registered: tuple[Report, str]) -> None:
    client = Client()
    _look_up(client, registered[1])
    response = client.post(reverse("portal:receipt_exit"))
    assert response.status_code == 302
    html = client.get(LOOKUP).content.decode()
    assert 'id="lookup-form"' in html and "已退出查询" in html
    assert "portal.lookup" not in client.session
    assert client.post(reverse("portal:receipt_add"), {"content": "x"}).status_code == 400
    assert client.get(reverse("portal:receipt_exit")).status_code == 405


def test_staff_logins_see_no_more_through_a_code(demo: dict[str, Any], clients: dict[str, Client],
                                                 registered: tuple[Report, str]) -> None:
    for who in ("leader", "member", "liaison", "office"):
        client = clients[who]
        _look_up(client, registered[1])
        html = client.get(LOOKUP).content.decode()
        assert 'id="status-label"' in html
        assert "覃明珠" not in html and "13977005678" not in html and "黄建国" not in html and "违规发放津贴" not in html


def test_status_page_csp_and_no_external_url(demo: dict[str, Any], registered: tuple[Report, str], settings: Any) -> None:
    import re

    client = Client()
    _look_up(client, registered[1])
    response = client.get(LOOKUP)
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not [u for u in re.findall(r"https?://[^\s\"'<>）)]+", html) if not u.startswith(settings.SITE_URL + "/")]
    assert "<script>" not in html and " style=" not in html


def test_the_reporter_sees_names_and_sizes_of_their_files_but_cannot_download_them(demo: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = files.png_bytes()
    result = report_register(actor=None, data=ReportInput(
        inspection=demo["practice"], content="反映某学院违规发放津贴，附照片。", kind="online",
        files=[SimpleUploadedFile("现场照片.png", png)]))
    client = Client()
    _look_up(client, result.receipt_code)
    html = client.get(LOOKUP).content.decode()
    assert "现场照片.png" in html and "此处不提供下载" in html
    att = Attachment.objects.get(report=result.report)
    assert f"/attachments/{att.pk}/" not in html
    assert client.get(f"/attachments/{att.pk}/file").status_code in (302, 404)  # not signed in: the login page
