"""The public API: POST /api/v1/public/inspections/{id}/reports and GET /api/v1/public/receipts/{code}."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core import serializers
from django.db import DatabaseError, connection
from django.test import Client

from tests.publicapi import PublicClient
from xuncha.inspections.models import ChannelKind
from xuncha.intake.models import Attachment, Report, ReportStatus, Subject
from xuncha.intake.selectors import receipt_find
from xuncha.portal.tests import files
from xuncha.replies.models import Reply

pytestmark = pytest.mark.django_db


def _url(inspection_id: Any) -> str:
    return f"/api/v1/public/inspections/{inspection_id}/reports"


def _post_json(body: Any, inspection_id: Any, client: Client | None = None, **extra: Any) -> Any:
    return (client or PublicClient()).post(_url(inspection_id), json.dumps(body, ensure_ascii=False), content_type="application/json", **extra)


# --- submitting -------------------------------------------------------------------------------------


def test_smallest_body_gives_a_receipt_code(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    # No token, no session, and CSRF checks on: the public API needs none of them.
    response = _post_json({"anonymous": True, "content": "反映食堂招标问题。"}, practice.pk, client=PublicClient(enforce_csrf_checks=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"\d{16}", body["receipt_code"])
    assert "no-store" in response["Cache-Control"]
    report = Report.objects.get()
    assert receipt_find(body["receipt_code"]) == report
    assert body["reference"] == report.reference
    assert abs(dt.datetime.fromisoformat(body["received_at"].replace("Z", "+00:00")) - report.received_at) < dt.timedelta(milliseconds=1)
    assert report.anonymous and report.channel_kind == ChannelKind.ONLINE and report.channel is not None
    assert report.created_by is None


def test_inspection_by_its_public_uuid(demo: dict[str, Any]) -> None:
    response = _post_json({"anonymous": True, "content": "内容"}, demo["practice"].public_id)
    assert response.status_code == 201
    assert Report.objects.get().inspection == demo["practice"]


def test_real_name_report_is_sealed(demo: dict[str, Any]) -> None:
    body = {
        "anonymous": False, "content": "反映某处长违规报销。",
        "reporter": {"name": "陆春燕", "phone": "13877001111", "role": "student", "unit": "2023级会计1班",
                     "email": "lcy@example.org", "address": "示范市学府路2号"},
        "subjects": [{"name": "黄建国", "post": "财务处处长", "category": "key_post"}, {"name": "不详", "category": "unsure"}],
    }
    response = _post_json(body, demo["practice"].pk)
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert not report.anonymous and report.reporter_role == "student"
    assert set(report.reporter_sealed) == {"name", "phone", "unit", "email", "address"}
    dump = json.dumps(serializers.serialize("json", [report]), ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM intake_report WHERE id = %s", [report.pk])
        raw_row = " ".join(str(v) for v in cursor.fetchone())
    for secret in ("陆春燕", "13877001111", "2023级会计1班", "lcy@example.org", "示范市学府路2号"):
        assert secret not in dump and secret not in raw_row and secret not in json.dumps(report.reporter_sealed, ensure_ascii=False)
    assert list(Subject.objects.values_list("name", "post", "category")) == [("黄建国", "财务处处长", "key_post"), ("不详", "", "unsure")]


def test_multipart_with_real_files(demo: dict[str, Any]) -> None:
    response = PublicClient().post(_url(demo["practice"].pk), {
        "anonymous": "true", "content": "附上照片、PDF 和 Word 文件。",
        "subjects": json.dumps([{"name": "黄建国", "post": "财务处处长", "category": "key_post"}], ensure_ascii=False),
        "attachments": [files.png(), files.pdf(), files.docx()],
    })
    assert response.status_code == 201, response.content
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == sorted([
        "image/png", "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
    assert Subject.objects.count() == 1


def test_multipart_real_name(demo: dict[str, Any]) -> None:
    response = PublicClient().post(_url(demo["practice"].pk), {
        "anonymous": "false", "content": "实名，带附件。",
        "reporter": json.dumps({"name": "陆春燕", "phone": "13877001111", "role": "teacher"}, ensure_ascii=False),
        "attachments": [files.png()],
    })
    assert response.status_code == 201, response.content
    assert not Report.objects.get().anonymous


@pytest.mark.parametrize("make, message", [
    (files.exe_as_pdf, "“发票.pdf”不是可接受的文件类型。"),
    (files.png_as_pdf, "“截图.pdf”的扩展名与内容不符"),
])
def test_a_disguised_file_is_refused(demo: dict[str, Any], make: Any, message: str) -> None:
    response = PublicClient().post(_url(demo["practice"].pk), {"anonymous": "true", "content": "内容", "attachments": [make()]})
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] and any(message in e["message"] for e in body["errors"])
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_too_many_files(demo: dict[str, Any], settings: Any) -> None:
    settings.ATTACHMENT_MAX_COUNT = 2
    response = PublicClient().post(_url(demo["practice"].pk), {"anonymous": "true", "content": "内容",
                                                         "attachments": [files.png("1.png"), files.png("2.png"), files.png("3.png")]})
    assert response.status_code == 400 and "附件最多 2 个，本次选择了 3 个。" in response.json()["detail"]


@pytest.mark.parametrize("body, field, text", [
    ({"anonymous": True}, None, "请填写反映的问题。"),
    ({"anonymous": True, "content": "  "}, None, "请填写反映的问题。"),
    ({"content": "没有说明是否匿名，也没有反映人"}, "reporter（反映人）", "实名反映请提供反映人信息"),
    ({"anonymous": False, "content": "x"}, "reporter（反映人）", "实名反映请提供反映人信息"),
    ({"anonymous": True, "content": "x", "reporter": {"name": "张三"}}, "reporter（反映人）", "匿名反映（anonymous 为 true）不应提供反映人信息"),
    ({"anonymous": "maybe", "content": "x"}, "anonymous（是否匿名）", "应为 true 或 false"),
    ({"anonymous": True, "content": 5}, "content（反映内容）", "应为文字"),
    ({"anonymous": True, "content": "x", "secret": 1}, "secret", "不认识的字段，请检查拼写"),
    ({"anonymous": False, "content": "x", "reporter": {"phone": "13800000000"}}, None, "实名反映请填写姓名。"),
    ({"anonymous": False, "content": "x", "reporter": {"name": "张三"}}, None, "实名反映请至少留下一种联系方式"),
    ({"anonymous": False, "content": "x", "reporter": {"name": "张三", "phone": "1", "role": "boss"}}, "reporter.role（身份）", "teacher（教师）"),
    ({"anonymous": True, "content": "x", "subjects": [{"name": "王五", "category": "vip"}]}, "subjects.0.category（类别）", "unsure（不清楚）"),
    ({"anonymous": True, "content": "x", "subjects": [{"post": "院长"}]}, "subjects.0.name（姓名）", "必须填写"),
    ({"anonymous": True, "content": "x", "subjects": "王五"}, "subjects（被反映人）", "应为 JSON 数组"),
    ({"anonymous": True, "content": "x" * 20_001}, "content（反映内容）", "不能超过 20000 字"),
])
def test_bad_input_is_a_400_in_chinese(demo: dict[str, Any], body: dict[str, Any], field: str | None, text: str) -> None:
    response = _post_json(body, demo["practice"].pk)
    assert response.status_code == 400, response.content
    result = response.json()
    assert result["detail"].startswith("请求内容有误：") and text in result["detail"]
    assert any(e["field"] == field and text in e["message"] for e in result["errors"]), result["errors"]
    assert Report.objects.count() == 0


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object(demo: dict[str, Any], raw: bytes) -> None:
    response = PublicClient().post(_url(demo["practice"].pk), raw, content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


@pytest.mark.parametrize("inspection_id", ["999999", "58a0646a-0a7e-4d00-bf4c-6b634293c09d", "abc", "9" * 30])
def test_unknown_inspection_is_404(demo: dict[str, Any], inspection_id: str) -> None:
    response = _post_json({"anonymous": True, "content": "x"}, inspection_id)
    assert response.status_code == 404 and response.json()["detail"] == "未找到该巡察任务。"


def test_closed_window_is_410_with_the_standing_channels(demo: dict[str, Any]) -> None:
    seed001 = demo["seed001"]
    for inspection_id in (seed001.pk, seed001.public_id):
        response = _post_json({"anonymous": True, "content": "受理期后"}, inspection_id)
        assert response.status_code == 410
        body = response.json()
        assert re.fullmatch(r"本次巡察信访受理期已于2024年6月14日结束.*请通过.*常设渠道反映。", body["detail"]), body["detail"]
        assert body["intake_end"] == "2024-06-14"
    assert Report.objects.count() == 0


def test_before_the_window_is_403(demo: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr("xuncha.portal.services.timezone.localdate", lambda *a, **k: dt.date(2024, 3, 1))
    response = _post_json({"anonymous": True, "content": "太早"}, demo["seed001"].pk)
    assert response.status_code == 403 and "本次巡察将于2024年3月6日开始受理" in response.json()["detail"]


def test_submissions_are_rate_limited(demo: dict[str, Any], settings: Any) -> None:
    settings.RATE_LIMIT_SUBMIT = "2/3600"
    practice = demo["practice"]
    for _ in range(2):
        assert _post_json({"anonymous": True, "content": "x"}, practice.pk).status_code == 201
    response = _post_json({"anonymous": True, "content": "x"}, practice.pk)
    assert response.status_code == 429
    assert "过于频繁" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Report.objects.count() == 2
    assert _post_json({"anonymous": True, "content": "x"}, practice.pk, REMOTE_ADDR="10.0.0.9").status_code == 201


def test_database_error_is_503_and_leaves_nothing(demo: dict[str, Any], monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise DatabaseError("boom")

    monkeypatch.setattr("xuncha.intake.services.audit_record", broken)
    response = PublicClient().post(_url(demo["practice"].pk), {
        "anonymous": "true", "content": "x", "subjects": json.dumps([{"name": "王五"}]), "attachments": [files.png()]})
    assert response.status_code == 503 and "系统暂时无法保存" in response.json()["detail"]
    assert (Report.objects.count(), Subject.objects.count(), Attachment.objects.count()) == (0, 0, 0)


# --- receipts ---------------------------------------------------------------------------------------


def test_receipt_status_and_replies(demo: dict[str, Any]) -> None:
    code = _post_json({"anonymous": True, "content": "内容"}, demo["practice"].pk).json()["receipt_code"]
    report = Report.objects.get()
    Reply.objects.create(report=report, kind=Reply.Kind.RECEIPT, content="已收到，已受理。", created_by=demo["users"]["leader"])
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.ACCEPTED)
    response = Client().get(f"/api/v1/public/receipts/{code}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "accepted" and body["status_label"] == "已受理"
    assert body["inspection"] == "示范市委第一巡察组巡察示范职业技术学院党委"
    assert abs(dt.datetime.fromisoformat(body["received_at"].replace("Z", "+00:00")) - report.received_at) < dt.timedelta(milliseconds=1)
    assert [(r["kind"], r["content"]) for r in body["replies"]] == [("receipt", "已收到，已受理。")]
    assert set(body["replies"][0]) == {"kind", "kind_label", "content", "created_at"}
    assert demo["users"]["leader"].display_name not in response.content.decode()


@pytest.mark.parametrize("code", ["1234567890123456", "12", "abc"])
def test_unknown_receipt_is_404(demo: dict[str, Any], code: str) -> None:
    response = Client().get(f"/api/v1/public/receipts/{code}")
    assert response.status_code == 404 and response.json() == {"detail": "查询码不正确"}


def test_receipt_lookups_are_rate_limited(demo: dict[str, Any], settings: Any) -> None:
    settings.RATE_LIMIT_LOOKUP = "2/600"
    code = _post_json({"anonymous": True, "content": "内容"}, demo["practice"].pk).json()["receipt_code"]
    client = Client()
    assert client.get("/api/v1/public/receipts/1111222233334444").status_code == 404
    assert client.get(f"/api/v1/public/receipts/{code}").status_code == 200
    response = client.get(f"/api/v1/public/receipts/{code}")
    assert response.status_code == 429 and "查询过于频繁" in response.json()["detail"] and int(response["Retry-After"]) > 0


def test_openapi_documents_the_public_endpoints(clients: dict[str, Client]) -> None:
    spec = clients["office"].get("/api/v1/openapi.json").json()
    post = spec["paths"]["/api/v1/public/inspections/{inspection_id}/reports"]["post"]
    assert {"201", "400", "403", "404", "410", "429"} <= set(post["responses"])
    assert "本次巡察信访受理期已于YYYY年M月D日结束" in post["description"] and "常设渠道反映" in post["description"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "security" not in post or post["security"] == []
    get = spec["paths"]["/api/v1/public/receipts/{code}"]["get"]
    assert {"200", "404", "429"} <= set(get["responses"])
    assert "Cache-Control" in get["description"]
