"""Ledger API: the ledger (filters, pages, .xlsx), one item, progress, sign-off and return; who may do what."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_create
from xuncha.audit.models import AuditEvent
from xuncha.inspections.selectors import calendar_get
from xuncha.rectification.models import Evidence, ItemStatus, RectificationItem
from xuncha.rectification.selectors import overdue_working_days
from xuncha.rectification.tests.test_services_ledger import PNG, make_finding, make_item, report_done

pytestmark = pytest.mark.django_db

READERS = {"office", "leader", "member", "liaison"}
DECIDERS = {"office", "leader"}
OUTSIDERS = [p for p in PERSONAS if p not in READERS]


class Api:
    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self.client = Client()

    def headers(self, persona: str | None) -> dict[str, str]:
        if persona is None:
            return {}
        if persona not in self._tokens:
            self._tokens[persona] = api_token_create(user=User.objects.get(username=persona))
        return {"HTTP_AUTHORIZATION": f"Bearer {self._tokens[persona]}"}

    def get(self, persona: str | None, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self.headers(persona))

    def post(self, persona: str | None, url: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(url, json.dumps(body or {}), content_type="application/json", **self.headers(persona))


@pytest.fixture
def api(demo: dict) -> Api:
    return Api()


@pytest.fixture
def ledger(seed000: Any) -> dict[str, Any]:
    finding = make_finding(seed000)
    late = make_item(finding, deadline=dt.date(2024, 9, 30), dept="后勤处")
    long_term = make_item(finding, deadline=None, long_term=True, dept="纪委办公室")
    report_done(long_term, status="long_term")
    return {"inspection": seed000, "late": late, "long_term": RectificationItem.objects.get(pk=long_term.pk)}


def ledger_url(pk: int) -> str:
    return f"/api/v1/inspections/{pk}/ledger"


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_the_ledger(api: Api, ledger: dict, persona: str) -> None:
    pk, item = ledger["inspection"].pk, ledger["late"].pk
    responses = [api.get(persona, ledger_url(pk)), api.get(persona, f"{ledger_url(pk)}.xlsx"), api.get(persona, f"/api/v1/ledger-items/{item}")]
    if persona in READERS:
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert [i["number"] for i in responses[0].json()["items"]] == [1, 2]
    else:
        assert [r.status_code for r in responses] == [404, 404, 404]
        assert responses[0].json() == {"detail": "未找到。"}


def test_other_liaison_reads_only_their_organisation(api: Api, ledger: dict, demo: dict) -> None:
    other = make_item(make_finding(demo["other"]), actor="other_member")
    assert api.get("other_liaison", ledger_url(demo["other"].pk)).json()["items"][0]["id"] == other.pk
    assert api.get("other_liaison", f"/api/v1/ledger-items/{ledger['late'].pk}").status_code == 404
    assert api.get("liaison", f"/api/v1/ledger-items/{other.pk}").status_code == 404


def test_no_token_is_401(api: Api, ledger: dict) -> None:
    pk, item = ledger["inspection"].pk, ledger["late"].pk
    assert api.get(None, ledger_url(pk)).status_code == 401
    assert api.get(None, f"{ledger_url(pk)}.xlsx").status_code == 401
    for action in ("progress", "sign-off", "return"):
        r = api.post(None, f"/api/v1/ledger-items/{item}/{action}", {"reason": "x", "text": "x", "status": "done"})
        assert r.status_code == 401 and r.json() == {"detail": "未登录或令牌无效。"}


def test_items_carry_the_ledger_columns_and_flags(api: Api, ledger: dict) -> None:
    body = api.get("member", ledger_url(ledger["inspection"].pk)).json()
    assert (body["page"], body["page_size"], body["has_next"], body["count"], body["count_capped"]) == (1, 50, False, 2, False)
    late, long_term = body["items"]
    days = overdue_working_days(dt.date(2024, 9, 30), timezone.localdate(), calendar_get())
    assert late["finding_title"] == "违规收受礼品礼金" and late["finding_number"] == 1 and late["responsible_dept"] == "后勤处"
    assert (late["deadline"], late["long_term"], late["status"], late["status_label"]) == ("2024-09-30", False, "not_started", "未启动")
    assert (late["overdue"], late["overdue_working_days"], late["has_evidence"]) == (True, days, False)
    assert (long_term["deadline"], long_term["long_term"], long_term["status_label"], long_term["has_evidence"]) == (None, True, "长期坚持", True)
    assert long_term["overdue"] is False and "facts" not in late and "某处长收受购物卡" not in json.dumps(body, ensure_ascii=False)


def test_filters_and_pages(api: Api, ledger: dict) -> None:
    url = ledger_url(ledger["inspection"].pk)

    def numbers(**params: Any) -> list[int]:
        r = api.get("office", url, **params)
        assert r.status_code == 200, r.content
        return [i["number"] for i in r.json()["items"]]

    assert numbers(status="long_term") == [2]
    assert numbers(overdue="true") == [1]
    assert numbers(dept="纪委") == [2]
    page = api.get("office", url, page_size=1, page=2).json()
    assert [i["number"] for i in page["items"]] == [2] and page["has_next"] is False
    assert api.get("office", url, page_size=1).json()["has_next"] is True
    r = api.get("office", url, status="bogus")
    assert r.status_code == 400 and r.json()["detail"].startswith("状态“bogus”无效")
    assert api.get("office", url, page_size=0).json()["detail"] == "每页项数应在 1 到 200 之间。"


def test_queries_do_not_grow_with_the_page(api: Api, ledger: dict, django_assert_max_num_queries: Any) -> None:
    url = ledger_url(ledger["inspection"].pk)
    api.get("leader", url)
    with CaptureQueriesContext(connection) as few:
        api.get("leader", url)
    finding = ledger["late"].finding
    for _ in range(20):
        make_item(finding)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(12):
        assert len(api.get("leader", url).json()["items"]) == 22
    assert len(many.captured_queries) == len(few.captured_queries)


def test_xlsx_is_streamed_and_audited(api: Api, ledger: dict) -> None:
    r = api.get("liaison", f"{ledger_url(ledger['inspection'].pk)}.xlsx")
    assert r.status_code == 200 and r.streaming
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert list(rows[1]) == ["序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态"]
    assert rows[3][5] == "长期坚持" and rows[3][7] == "长期坚持"
    assert AuditEvent.objects.filter(action="ledger.export", actor_name="liaison").exists()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "liaison"])
def test_only_the_liaison_reports_progress(api: Api, ledger: dict, persona: str) -> None:
    r = api.post(persona, f"/api/v1/ledger-items/{ledger['late'].pk}/progress", {"text": "已整改", "status": "done"})
    assert r.status_code == (403 if persona in READERS else 404)
    if persona in READERS:
        assert r.json()["detail"] == "只有被巡察单位的整改联络员可以报送整改进展。"
    assert not ledger["late"].reports.exists()


def test_liaison_reports_progress_as_json_and_multipart(api: Api, ledger: dict) -> None:
    url = f"/api/v1/ledger-items/{ledger['late'].pk}/progress"
    r = api.post("liaison", url, {"text": "已制定整改方案。", "status": "in_progress"})
    assert r.status_code == 201 and r.json()["status"] == "in_progress" and r.json()["progress"] == "已制定整改方案。"
    r = api.client.post(url, {"text": "已全部完成。", "status": "done", "files": [SimpleUploadedFile("凭证.png", PNG)]},
                        **api.headers("liaison"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["has_evidence"], len(body["progress_reports"])) == ("done", True, 2)
    assert body["progress_reports"][1]["files"][0]["name"] == "凭证.png" and body["progress_reports"][1]["by"] == "演示联络员"
    r = api.post("liaison", url, {"text": "", "status": "signed_off"})
    assert r.status_code == 400 and r.json()["errors"] == ["请选择整改状态：整改中、已完成或长期坚持。", "请填写进展情况。"]
    r = api.client.post(url, "not json", content_type="application/json", **api.headers("liaison"))
    assert r.status_code == 400 and "JSON" in r.json()["detail"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_sign_off_and_return_rights(api: Api, ledger: dict, persona: str) -> None:
    pk = ledger["long_term"].pk
    returned = api.post(persona, f"/api/v1/ledger-items/{pk}/return", {"reason": "材料不全"})
    expected = 200 if persona in DECIDERS else 403 if persona in READERS else 404
    assert returned.status_code == expected
    if expected == 403:
        assert returned.json()["detail"] == "只有巡察办或本巡察组组长、副组长可以销号或退回整改事项。"
    if expected == 200:
        assert (returned.json()["status"], returned.json()["returned_reason"]) == ("in_progress", "材料不全")
        report_done(ledger["long_term"], status="long_term")
    signed = api.post(persona, f"/api/v1/ledger-items/{pk}/sign-off")
    assert signed.status_code == expected
    item = RectificationItem.objects.get(pk=pk)
    assert item.status == (ItemStatus.SIGNED_OFF if expected == 200 else ItemStatus.LONG_TERM)


def test_sign_off_and_return_checks(api: Api, ledger: dict) -> None:
    late = ledger["late"].pk
    r = api.post("office", f"/api/v1/ledger-items/{late}/sign-off")
    assert r.status_code == 400 and r.json()["errors"] == [
        "只有报送为“已完成”或“长期坚持”的事项可以销号，该事项目前为“未启动”。", "该事项尚无佐证材料，不能销号。"]
    r = api.post("office", f"/api/v1/ledger-items/{ledger['long_term'].pk}/return", {"reason": " "})
    assert r.status_code == 400 and r.json()["detail"] == "退回时请写明原因。"
    assert api.post("office", f"/api/v1/ledger-items/{late}/return", {}).status_code == 400
    assert api.post("office", "/api/v1/ledger-items/999999/sign-off").status_code == 404
    assert Evidence.objects.count() == 1
