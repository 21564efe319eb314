"""The public report form on /p/<uuid>/: submission, sealed identity, attachments, anti-abuse, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import serializers
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.audit.models import AuditEvent
from xuncha.core import crypto
from xuncha.inspections.models import ChannelKind
from xuncha.intake.models import Addition, Attachment, Report, Subject
from xuncha.intake.selectors import receipt_find
from xuncha.keys import key_ring

from . import files
from .conftest import SITE_EXTERNAL, form_data, page_url, real_name

pytestmark = pytest.mark.django_db

FILES_AGAIN = "浏览器不会保留已选择的附件：如需上传附件，请重新选择。"


def _post(client: Client, inspection: Any, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(page_url(inspection), data, **extra)


def _receipt(client: Client) -> tuple[Any, str]:
    response = client.get(reverse("portal:receipt_new"))
    match = re.search(r'id="receipt-code">([0-9 ]+)<', response.content.decode())
    assert match, response.content.decode()
    return response, match.group(1)


# --- the page ---------------------------------------------------------------------------------------


def test_open_inspection_shows_the_form(demo: dict[str, Any]) -> None:
    response = Client().get(page_url(demo["practice"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="online-form-pending"' not in html
    assert 'id="report-form"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="mode" value="real"' in html and 'name="mode" value="anonymous"' in html
    for field in ("name", "phone", "role", "unit", "email", "address", "content"):
        assert f'name="{field}"' in html, field
    for value, label in (("teacher", "教师"), ("student", "学生"), ("staff", "职工"), ("other", "其他")):
        assert f'<option value="{value}">{label}</option>' in html
    assert html.count('class="subject-row"') == 3 + 1  # three rows and the template for more
    assert '<option value="unsure" selected>不清楚</option>' in html
    assert 'type="file" name="attachments" id="id_attachments" multiple' in html
    assert "最多 10 个，每个不超过 20 MB" in html
    assert 'name="homepage"' in html and 'class="hp"' in html
    assert 'src="/static/portal/portal.js"' in html
    assert response["Cache-Control"].find("no-store") >= 0


def test_attachment_limits_in_the_help_follow_the_settings(demo: dict[str, Any], settings: Any) -> None:
    settings.ATTACHMENT_MAX_COUNT = 3
    settings.ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    assert "最多 3 个，每个不超过 5 MB" in Client().get(page_url(demo["practice"])).content.decode()


def test_receipt_has_a_print_layout() -> None:
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    print_rules = css[css.rindex("@media print"):]
    assert ".receipt-code" in print_rules and ".print-only" in print_rules


def test_public_static_script_is_served(demo: dict[str, Any]) -> None:
    response = Client().get("/static/portal/portal.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    assert b"http" not in body


# --- submissions ------------------------------------------------------------------------------------


def test_anonymous_report_gives_a_receipt_shown_once(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    response = _post(client, practice, form_data(client, practice, content="学院食堂承包合同未经集体研究，请巡察组关注。"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:receipt_new") + "#receipt"

    report = Report.objects.get(inspection=practice)
    assert report.anonymous and report.reporter_sealed == {} and report.reporter_role == ""
    assert report.channel_kind == ChannelKind.ONLINE
    assert report.channel is not None and report.channel.kind == ChannelKind.ONLINE
    assert report.content == "学院食堂承包合同未经集体研究，请巡察组关注。"
    assert report.created_by is None and report.receipt_notice_due is None

    page, shown = _receipt(client)
    html = page.content.decode()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown)
    code = shown.replace(" ", "")
    assert receipt_find(code) == report
    assert crypto.format_receipt_code(code) == shown
    assert "查询码只显示这一次" in html
    assert "示范市委第一巡察组巡察示范职业技术学院党委" in html
    local = timezone.localtime(report.received_at)
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in html
    assert "no-store" in page["Cache-Control"]

    # Shown once: the second visit does not show it.
    again = client.get(reverse("portal:receipt_new")).content.decode()
    assert 'id="receipt-gone"' in again and code not in again.replace(" ", "")

    # The code is nowhere in plain text on the server: not in the report, the session table or the audit log.
    assert code not in json.dumps(serializers.serialize("json", [report]))
    for session in Session.objects.all():
        assert code not in session.session_data and code not in json.dumps(session.get_decoded())
    assert not any(code in json.dumps([e.summary, e.data]) for e in AuditEvent.objects.all())


def test_the_receipt_in_the_session_is_sealed_and_popped(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    _post(client, practice, form_data(client, practice, content="内容"))
    stored = client.session["portal.receipt"]
    assert stored["code"].startswith("sm4gcm:")
    code = crypto.unseal(key_ring(), stored["code"], context="portal.receipt-code")
    assert len(code) == 16
    client.get(reverse("portal:receipt_new"))
    assert "portal.receipt" not in client.session


def test_real_name_report_stores_the_identity_sealed(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="反映某处长违规报销差旅费。", **real_name(email="wxl@example.org", address="示范市学府路1号"))
    data.update({"subjects-0-name": "黄建国", "subjects-0-post": "财务处处长", "subjects-0-category": "key_post",
                 "subjects-1-name": "不详", "subjects-1-post": "后勤处副处长", "subjects-1-category": "unsure"})
    response = _post(client, practice, data)
    assert response.status_code == 302, response.content.decode()

    report = Report.objects.get(inspection=practice)
    assert not report.anonymous and report.reporter_role == "teacher"
    assert report.receipt_notice_due is not None
    assert set(report.reporter_sealed) == {"name", "phone", "unit", "email", "address"}
    ring = key_ring()
    assert crypto.unseal(ring, report.reporter_sealed["name"], context="name") == "韦秀兰"
    assert crypto.unseal(ring, report.reporter_sealed["phone"], context="phone") == "13977001234"
    secrets = ["韦秀兰", "13977001234", "机电工程学院", "wxl@example.org", "示范市学府路1号"]
    sealed = json.dumps(report.reporter_sealed, ensure_ascii=False)
    dump = json.dumps(serializers.serialize("json", [report]), ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM intake_report WHERE id = %s", [report.pk])
        raw_row = " ".join(str(v) for v in cursor.fetchone())
    for secret in secrets:
        assert secret not in sealed and secret not in dump and secret not in raw_row, secret
    # Nor in the audit log, which also holds no client address for a public submission.
    event = AuditEvent.objects.get(action="report.register", object_id=str(report.pk))
    assert event.ip == "" and event.actor is None
    assert not any(s in json.dumps([event.summary, event.data], ensure_ascii=False) for s in secrets)

    subjects = list(Subject.objects.filter(report=report).values_list("name", "post", "category"))
    assert subjects == [("黄建国", "财务处处长", "key_post"), ("不详", "后勤处副处长", "unsure")]
    _, shown = _receipt(client)
    assert receipt_find(shown) == report


@pytest.mark.parametrize("missing, message", [
    ("name", "实名反映请填写您的姓名。"),
    ("phone", "实名反映请填写联系电话，以便巡察组与您联系、告知办理情况。"),
    ("role", "请选择您的身份（教师、学生、职工或其他）。"),
    ("unit", "请填写您所在的单位（学院、部门或班级）。"),
])
def test_real_name_without_a_required_field_keeps_everything(demo: dict[str, Any], missing: str, message: str) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="我要反映的事情：某某。", **real_name(**{missing: ""}))
    data.update({"subjects-0-name": "黄建国", "subjects-0-post": "财务处处长", "subjects-0-category": "key_post"})
    response = _post(client, practice, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'id="form-errors"' in html
    assert "我要反映的事情：某某。</textarea>" in html
    assert 'value="黄建国"' in html and 'value="财务处处长"' in html
    assert '<option value="key_post" selected>' in html
    assert 'value="real" id="id_mode_0" required checked' in html
    for field in ("name", "phone", "unit"):
        if field != missing:
            assert f'value="{real_name()[field]}"' in html
    assert Report.objects.count() == 0


def test_mode_content_and_phone_are_checked(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    response = _post(client, practice, form_data(client, practice, mode="", content=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择“实名反映”或“匿名反映”。" in html and "请填写您要反映的问题。" in html
    response = _post(client, practice, form_data(client, practice, content="内容", **real_name(phone="call me")))
    assert "联系电话只能包含数字和“-”" in response.content.decode()
    response = _post(client, practice, form_data(client, practice, content="内容", **{"subjects-0-post": "院长"}))
    assert "被反映人第1行：请填写被反映人姓名" in response.content.decode()
    assert Report.objects.count() == 0


def test_anonymous_ignores_identity_fields_typed_before_switching(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="内容", **real_name(mode="anonymous"))
    assert _post(client, practice, data).status_code == 302
    report = Report.objects.get()
    assert report.anonymous and report.reporter_sealed == {} and report.reporter_role == ""


def test_a_fourth_subject_row_added_in_the_browser_is_taken(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="内容", **{"subjects-TOTAL_FORMS": "4", "subjects-3-name": "第四人",
                                                            "subjects-3-post": "", "subjects-3-category": "leadership"})
    assert _post(client, practice, data).status_code == 302
    assert list(Subject.objects.values_list("name", "category")) == [("第四人", "leadership")]


# --- attachments ------------------------------------------------------------------------------------


def test_png_pdf_and_docx_are_accepted(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="附上照片、文件和说明。", attachments=[files.png(), files.pdf(), files.docx()])
    response = _post(client, practice, data)
    assert response.status_code == 302, response.content.decode()
    stored = {a.original_name: a.content_type for a in Attachment.objects.all()}
    assert stored == {"照片.png": "image/png", "材料.pdf": "application/pdf",
                      "说明.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    for a in Attachment.objects.all():
        assert a.size > 0 and a.file.read()[:4] in (b"\x89PNG", b"%PDF", b"PK\x03\x04")


@pytest.mark.parametrize("make, message", [
    (files.exe_as_pdf, "“发票.pdf”不是可接受的文件类型。"),
    (files.png_as_pdf, "“截图.pdf”的扩展名与内容不符（内容是PNG 图片）"),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(demo: dict[str, Any], make: Any, message: str) -> None:
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="请看附件中的证据，时间是2026年3月。", **real_name())
    data["attachments"] = [files.png(), make()]
    response = _post(client, practice, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert FILES_AGAIN in html
    assert "请看附件中的证据，时间是2026年3月。</textarea>" in html and 'value="韦秀兰"' in html
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_too_many_files(demo: dict[str, Any], settings: Any) -> None:
    settings.ATTACHMENT_MAX_COUNT = 2
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="三张照片", attachments=[files.png("1.png"), files.png("2.png"), files.png("3.png")])
    response = _post(client, practice, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "附件最多 2 个，本次选择了 3 个。" in html and FILES_AGAIN in html and "三张照片</textarea>" in html
    assert Report.objects.count() == 0


def test_too_big_a_file(demo: dict[str, Any], settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    practice, client = demo["practice"], Client()
    big = files.upload("大图.png", files.png_bytes() + b"\x00" * (1024 * 1024 + 1), "image/png")
    response = _post(client, practice, form_data(client, practice, content="大文件", attachments=[big]))
    assert response.status_code == 400
    assert "“大图.png”超过 1 MB，请压缩或拆分后上传。" in response.content.decode()
    assert Report.objects.count() == 0


# --- anti-abuse -------------------------------------------------------------------------------------


def test_honeypot_is_refused_and_nothing_typed_is_lost(demo: dict[str, Any]) -> None:
    practice, client = demo["practice"], Client()
    response = _post(client, practice, form_data(client, practice, content="机器人填写的内容", homepage="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "表单中有一项不应填写的内容" in html and "机器人填写的内容</textarea>" in html
    assert 'name="homepage" id="id_homepage" value=""' in html and "spam.example" not in html
    assert Report.objects.count() == 0


def test_too_fast_a_submission_is_refused(demo: dict[str, Any], settings: Any, monkeypatch: Any) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 3
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="刚打开就提交")
    response = _post(client, practice, data)
    assert response.status_code == 400
    assert "提交太快了" in response.content.decode() and "刚打开就提交</textarea>" in response.content.decode()
    assert Report.objects.count() == 0
    # The same stamp, a few seconds later, is fine.
    real_time = time.time
    monkeypatch.setattr("xuncha.portal.antiabuse.time.time", lambda: real_time() + 4)
    assert _post(client, practice, data).status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.parametrize("stamp", ["", "forged", "eyJzIjoicmVwb3J0OjEiLCJ0IjowfQ:1abcde:tampered"])
def test_missing_or_tampered_stamp_is_refused(demo: dict[str, Any], stamp: str) -> None:
    practice, client = demo["practice"], Client()
    response = _post(client, practice, form_data(client, practice, content="内容", stamp=stamp))
    assert response.status_code == 400
    assert "页面已失效或不完整" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_stamp_of_another_inspection_is_refused(demo: dict[str, Any]) -> None:
    from xuncha.portal import antiabuse

    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="内容", stamp=antiabuse.make_stamp(f"report:{demo['seed000'].pk}"))
    assert _post(client, practice, data).status_code == 400


def test_rate_limit_per_client(demo: dict[str, Any], settings: Any) -> None:
    settings.RATE_LIMIT_SUBMIT = "2/3600"
    practice, client = demo["practice"], Client()
    for i in range(2):
        assert _post(client, practice, form_data(client, practice, content=f"第{i}件")).status_code == 302
    response = _post(client, practice, form_data(client, practice, content="第三件，被限制"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "提交过于频繁" in html and "您填写的内容已保留" in html and "第三件，被限制</textarea>" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Report.objects.count() == 2
    # Another client address is counted on its own.
    other = _post(client, practice, form_data(client, practice, content="另一个网络"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302 and Report.objects.count() == 3


# --- the window -------------------------------------------------------------------------------------


def test_closed_inspection_shows_the_notice_and_refuses_posts(demo: dict[str, Any]) -> None:
    seed001, client = demo["seed001"], Client()
    html = client.get(page_url(seed001)).content.decode()
    assert 'id="closed-notice"' in html and 'id="report-form"' not in html
    assert "受理期外不接受网上反映。" in html

    response = client.post(page_url(seed001), {"mode": "anonymous", "content": "受理期结束后才写好的内容"})
    html = response.content.decode()
    assert response.status_code == 410
    assert "本次巡察信访受理期已于2024年6月14日结束" in html and "常设渠道" in html and 'id="refused-notice"' in html
    assert "受理期结束后才写好的内容</textarea>" in html  # kept so that it can be copied elsewhere
    assert 'id="report-form"' not in html
    assert Report.objects.count() == 0


def test_before_the_window_the_form_is_not_offered(demo: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr("xuncha.portal.views.timezone.localdate", lambda *a, **k: dt.date(2024, 3, 1))
    seed001, client = demo["seed001"], Client()
    html = client.get(page_url(seed001)).content.decode()
    assert 'id="report-form"' not in html and 'id="form-not-yet"' in html
    response = client.post(page_url(seed001), {"mode": "anonymous", "content": "太早了"})
    assert response.status_code == 403
    assert "本次巡察将于2024年3月6日开始受理" in response.content.decode()
    assert Report.objects.count() == 0


# --- nothing half-written ---------------------------------------------------------------------------


def test_database_error_leaves_nothing_and_keeps_the_text(demo: dict[str, Any], monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    # The audit event is the last write inside the registering transaction: report, subjects, files are written by then.
    monkeypatch.setattr("xuncha.intake.services.audit_record", broken)
    practice, client = demo["practice"], Client()
    data = form_data(client, practice, content="数据库出错时的反映内容", attachments=[files.png()], **real_name())
    data.update({"subjects-0-name": "黄建国", "subjects-0-post": "财务处处长"})
    response = _post(client, practice, data)
    html = response.content.decode()
    assert response.status_code == 503
    assert "系统暂时无法保存，这次提交没有成功，也没有生成查询码" in html
    assert "数据库出错时的反映内容</textarea>" in html and 'value="黄建国"' in html and 'value="韦秀兰"' in html
    assert FILES_AGAIN in html
    assert (Report.objects.count(), Subject.objects.count(), Attachment.objects.count(), Addition.objects.count()) == (0, 0, 0, 0)
    assert "portal.receipt" not in client.session
    # Once the database is back, the same form goes through.
    monkeypatch.undo()
    data["attachments"] = [files.png()]
    data["stamp"] = re.search(r'name="stamp" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert _post(client, practice, data).status_code == 302
    assert Report.objects.count() == 1 and Subject.objects.count() == 1 and Attachment.objects.count() == 1


# --- the public pages are public, and leak nothing ---------------------------------------------------


def test_staff_logins_gain_nothing_on_the_public_form(demo: dict[str, Any], clients: dict[str, Client]) -> None:
    practice = demo["practice"]
    for who in ("member", "leader", "liaison"):
        client = clients[who]
        response = _post(client, practice, form_data(client, practice, content=f"{who} 提交"))
        assert response.status_code == 302
    for report in Report.objects.all():
        assert report.created_by is None  # registered as a public report, never in a staff member's name
        event = AuditEvent.objects.get(action="report.register", object_id=str(report.pk))
        assert event.actor is None and event.actor_name == "公众"


def test_no_external_url_and_csp_on_every_public_page(demo: dict[str, Any], settings: Any) -> None:
    practice, client = demo["practice"], Client()
    pages = [client.get(page_url(practice)), client.get(page_url(demo["seed001"]))]
    pages.append(_post(client, practice, form_data(client, practice, content="", mode="")))  # errors
    _post(client, practice, form_data(client, practice, content="内容"))
    pages.append(client.get(reverse("portal:receipt_new")))
    pages.append(client.get(reverse("portal:receipt_new")))  # gone
    pages.append(client.get(reverse("portal:receipt")))
    for response in pages:
        html = response.content.decode()
        urls = [u for u in SITE_EXTERNAL.findall(html) if not u.startswith(settings.SITE_URL + "/")]
        assert not urls, urls
        for src in re.findall(r'(?:src|href|action)="([^"]+)"', html):
            assert src.startswith("/") or src.startswith(settings.SITE_URL + "/"), src
        assert "<script>" not in html and " style=" not in html and "onclick" not in html
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp


def test_a_csrf_failure_keeps_the_text(demo: dict[str, Any], settings: Any) -> None:
    settings.CSRF_FAILURE_VIEW = "xuncha.portal.views.csrf_failure"
    practice, client = demo["practice"], Client(enforce_csrf_checks=True)
    data = form_data(client, practice, content="Cookie 丢了也不能丢的内容", **real_name())
    client.cookies.clear()
    response = _post(client, practice, data)
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面的安全校验没有通过" in html and "Cookie 丢了也不能丢的内容</textarea>" in html and 'value="韦秀兰"' in html
    assert Report.objects.count() == 0
    # The page carries a fresh token: submitting again works.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    data.update(csrfmiddlewaretoken=token, stamp=re.search(r'name="stamp" value="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert _post(client, practice, data).status_code == 302
    assert Report.objects.count() == 1
    # Elsewhere Django's own page.
    assert client.post(reverse("portal:receipt_exit")).status_code == 403
