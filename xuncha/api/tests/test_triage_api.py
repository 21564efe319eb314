"""Triage API: the work queue, classification, labels, dispositions, receiving bodies (bearer tokens)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_create
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services as intake
from xuncha.intake.models import Report, ReportStatus
from xuncha.triage.models import Clue, Disposition, Triage

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"
CANTEEN_GIFT = "后勤处长钱某违规收受礼品，食堂承包商每逢过节都送购物卡。"

ALLOWED = {"leader", "member"}
OUTSIDERS = [p for p in PERSONAS if p not in ALLOWED]


class Api:
    """A test client that sends one persona's bearer token (made once per persona)."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self.client = Client()

    def _headers(self, persona: str | None) -> dict[str, str]:
        if persona is None:
            return {}
        if persona not in self._tokens:
            self._tokens[persona] = api_token_create(user=User.objects.get(username=persona))
        return {"HTTP_AUTHORIZATION": f"Bearer {self._tokens[persona]}"}

    def get(self, persona: str | None, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self._headers(persona))

    def send(self, method: str, persona: str | None, url: str, body: dict[str, Any]) -> Any:
        call = getattr(self.client, method)
        return call(url, json.dumps(body), content_type="application/json", **self._headers(persona))


@pytest.fixture
def api(demo: dict[str, Any]) -> Api:
    return Api()


def queue_url(inspection_id: int) -> str:
    return f"/api/v1/inspections/{inspection_id}/reports"


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_queue_only_for_the_team(api: Api, register: Any, seed000: Any, persona: str) -> None:
    report = register(GIFT, [("赵某", "副院长", "leadership")])
    r = api.get(persona, queue_url(seed000.pk))
    if persona in ALLOWED:
        assert r.status_code == 200, r.content
        assert [i["id"] for i in r.json()["items"]] == [report.pk]
    else:
        assert r.status_code == 404
        assert r.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_report_endpoints_only_for_the_team(api: Api, register: Any, persona: str) -> None:
    report = register(GIFT, [("赵某", "副院长", "leadership")])
    before = Triage.objects.get(pk=report.pk).disciplines
    base = f"/api/v1/reports/{report.pk}"
    statuses = [
        api.get(persona, f"{base}/classification").status_code,
        api.send("put", persona, f"{base}/labels", {"disciplines": ["mass"], "focuses": []}).status_code,
        api.send("post", persona, f"{base}/disposition", {"kind": "file", "reason": "存查备用"}).status_code,
    ]
    if persona in ALLOWED:
        assert statuses == [200, 200, 201]
    else:
        assert statuses == [404, 404, 404]
        assert Triage.objects.get(pk=report.pk).disciplines == before
        assert not Disposition.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_decision_is_404_outside_the_team(api: Api, register: Any, persona: str) -> None:
    report = register(CANTEEN)
    d = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", {"kind": "accept", "reason": "属于受理范围"}).json()
    r = api.send("post", persona, f"/api/v1/dispositions/{d['id']}/decision", {"approve": True})
    assert r.status_code == 404
    assert Disposition.objects.get(pk=d["id"]).state == Disposition.State.PROPOSED


def test_no_token_is_401(api: Api, register: Any, seed000: Any) -> None:
    report = register(CANTEEN)
    assert api.get(None, queue_url(seed000.pk)).status_code == 401
    assert api.get(None, f"/api/v1/reports/{report.pk}/classification").status_code == 401
    assert api.send("put", None, f"/api/v1/reports/{report.pk}/labels", {"disciplines": []}).status_code == 401
    r = api.send("post", None, f"/api/v1/reports/{report.pk}/disposition", {"kind": "accept", "reason": "x"})
    assert r.status_code == 401 and r.json() == {"detail": "未登录或令牌无效。"}
    assert api.send("post", None, "/api/v1/dispositions/1/decision", {"approve": True}).status_code == 401
    assert api.get(None, "/api/v1/receiving-bodies").status_code == 401
    assert api.get("member", queue_url(999999)).status_code == 404


# --- the queue ------------------------------------------------------------------------------------


def test_items_carry_the_triage_and_never_the_reporter(api: Api, register: Any, seed000: Any) -> None:
    a = register(GIFT, [("赵某", "副院长", "leadership")], reporter=intake.ReporterData(name="李明华", phone="13912345678"))
    b = register(GIFT, kind="phone")  # exact repeat: same duplicate group
    r = api.get("member", queue_url(seed000.pk))
    assert r.status_code == 200
    body = r.json()
    assert (body["page"], body["page_size"], body["has_next"], body["count"], body["count_capped"]) == (1, 50, False, 2, False)
    item_b, item_a = body["items"]  # newest first
    assert item_a["id"] == a.pk and item_b["id"] == b.pk
    assert item_a["reference"] == a.reference and item_a["anonymous"] is False and item_a["in_window"] is True
    assert item_a["subjects"] == [{"name": "赵某", "post": "副院长", "category": "leadership"}]
    assert "integrity" in item_a["disciplines"] and "corruption" in item_a["focuses"]
    assert item_a["scope"] == "in" and item_a["channel_kind"] == "email" and item_a["status"] == "registered"
    assert item_a["group_key"] == item_b["group_key"] == a.pk and item_a["group_size"] == item_b["group_size"] == 2
    assert "reporter" not in item_a
    assert "李明华" not in r.content.decode() and "13912345678" not in r.content.decode() and "李**" not in r.content.decode()
    assert AuditEvent.objects.filter(action="report.list", object_id=str(seed000.pk), actor_name="member").exists()


def test_filters(api: Api, register: Any, seed000: Any) -> None:
    gift = register(GIFT, [("赵某", "副院长", "leadership")])
    canteen = register(CANTEEN, kind="phone")
    both = register(CANTEEN_GIFT, [("钱某", "后勤处处长", "key_post")])
    Report.objects.filter(pk=canteen.pk).update(status=ReportStatus.ACCEPTED)

    def ids(**params: Any) -> set[int]:
        r = api.get("member", queue_url(seed000.pk), **params)
        assert r.status_code == 200, r.content
        assert r.json()["count"] == len(r.json()["items"])
        return {i["id"] for i in r.json()["items"]}

    assert ids() == {gift.pk, canteen.pk, both.pk}
    assert ids(discipline="integrity") == {gift.pk, both.pk}
    assert ids(discipline="organizational") == {gift.pk}
    assert ids(focus="corruption") == {gift.pk, both.pk}
    assert ids(status="accepted") == {canteen.pk}
    assert ids(status="registered") == {gift.pk, both.pk}
    assert ids(channel="phone") == {canteen.pk}
    assert ids(category="key_post") == {both.pk}
    assert ids(scope="in") == {gift.pk, both.pk}
    assert ids(q="食堂") == {canteen.pk, both.pk}
    assert ids(q="食堂 礼品") == {both.pk}
    assert ids(q="购物卡", discipline="integrity", category="leadership") == {gift.pk}
    assert ids(q="没有的词") == set()
    assert ids(window="out") == set()
    assert ids(real_name="yes") == set()
    old_first = api.get("member", queue_url(seed000.pk), sort="old").json()["items"]
    assert [i["id"] for i in old_first] == [gift.pk, canteen.pk, both.pk]


@pytest.mark.parametrize(("param", "value"), [
    ("discipline", "bogus"), ("status", "done"), ("focus", "x"), ("channel", "fax"), ("scope", "maybe"),
    ("window", "inside"), ("real_name", "1"), ("category", "boss"), ("sort", "random"), ("group", "abc"),
])
def test_an_invalid_filter_value_is_400_in_chinese(api: Api, seed000: Any, param: str, value: str) -> None:
    r = api.get("member", queue_url(seed000.pk), **{param: value})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert f"（{param}）" in detail and value in detail and "无效" in detail


@pytest.mark.parametrize(("param", "value", "message"), [
    ("page", 0, "页码应在"), ("page_size", 0, "每页件数应在"), ("page_size", 201, "每页件数应在"),
])
def test_an_invalid_page_is_400_in_chinese(api: Api, seed000: Any, param: str, value: int, message: str) -> None:
    r = api.get("member", queue_url(seed000.pk), **{param: value})
    assert r.status_code == 400 and message in r.json()["detail"]


def test_an_outsider_with_an_invalid_filter_still_gets_404(api: Api, seed000: Any) -> None:
    assert api.get("other_leader", queue_url(seed000.pk), discipline="bogus").status_code == 404


def test_pages_and_has_next(api: Api, register: Any, seed000: Any) -> None:
    made = [register(f"第{i}件：食堂饭菜价格上涨，问题{i}。") for i in range(5)]
    newest_first = [r.pk for r in reversed(made)]
    seen = []
    for page, has_next in [(1, True), (2, True), (3, False)]:
        body = api.get("member", queue_url(seed000.pk), page=page, page_size=2).json()
        assert (body["page"], body["page_size"], body["has_next"], body["count"]) == (page, 2, has_next, 5)
        seen += [i["id"] for i in body["items"]]
    assert seen == newest_first
    body = api.get("member", queue_url(seed000.pk), page=4, page_size=2).json()
    assert body["items"] == [] and body["has_next"] is False and body["count"] == 5


def test_count_is_capped(api: Api, register: Any, seed000: Any, monkeypatch: Any) -> None:
    from xuncha import paging

    for i in range(3):
        register(f"反映{i}：食堂卫生问题{i}")
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    body = api.get("member", queue_url(seed000.pk), page_size=1).json()
    assert body["count"] is None and body["count_capped"] is True and body["has_next"] is True
    body = api.get("member", queue_url(seed000.pk), q="卫生问题0").json()
    assert body["count"] == 1 and body["count_capped"] is False


def test_queue_queries_do_not_grow_with_the_page(api: Api, register: Any, seed000: Any, django_assert_max_num_queries: Any,
                                                 settings: Any) -> None:
    for i in range(8):
        register(f"{GIFT}（第{i}次反映）", [("赵某", "副院长", "leadership"), (f"孙某{i}", "处长", "key_post")], kind="phone" if i % 2 else "email")
    api.get("member", queue_url(seed000.pk))  # the token is made and cached outside the measured requests
    settings.AUDIT_SEALING = "thread"  # the deployment's: audit events are sealed after the request (not run here)
    counts = []
    for size in (1, 8):
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(16):
            r = api.get("member", queue_url(seed000.pk), page_size=size, discipline="integrity")
        assert r.status_code == 200 and len(r.json()["items"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_report_not_yet_triaged_is_listed_without_labels(api: Api, register: Any, seed000: Any) -> None:
    report = register(CANTEEN, triage=False)
    item = api.get("member", queue_url(seed000.pk)).json()["items"][0]
    assert item["id"] == report.pk and item["disciplines"] == [] and item["scope"] is None and item["group_size"] == 1


# --- classification and labels --------------------------------------------------------------------


def test_classification_has_evidence_from_the_text_and_is_audited(api: Api, register: Any) -> None:
    report = register(GIFT, [("赵某", "副院长", "leadership")])
    r = api.get("member", f"/api/v1/reports/{report.pk}/classification")
    assert r.status_code == 200
    body = r.json()
    integrity = next(e for e in body["disciplines"] if e["code"] == "integrity")
    assert integrity["label"] == "廉洁纪律" and integrity["proposed"] is True and 0 < integrity["score"] <= 1
    assert integrity["evidence"]
    for entry in body["disciplines"] + body["focuses"]:
        assert all(phrase in GIFT for phrase in entry["evidence"])
    corruption = next(e for e in body["focuses"] if e["code"] == "corruption")
    assert corruption["label"] == "群众身边不正之风和腐败问题"
    assert body["confirmed"] is None and body["model_id"] == "" and body["report"] == report.pk
    assert "sources" not in integrity
    assert AuditEvent.objects.filter(action="report.view", object_id=str(report.pk), actor_name="member").count() == 1


def test_classification_is_computed_when_triage_has_not_run(api: Api, register: Any) -> None:
    report = register(GIFT, triage=False)
    assert not Triage.objects.filter(pk=report.pk).exists()
    body = api.get("leader", f"/api/v1/reports/{report.pk}/classification").json()
    assert "integrity" in [e["code"] for e in body["disciplines"]]
    assert Triage.objects.filter(pk=report.pk).exists()


def test_labels_confirm(api: Api, register: Any) -> None:
    report = register(CANTEEN, [("钱某", "后勤处处长", "key_post")])
    r = api.send("put", "member", f"/api/v1/reports/{report.pk}/labels", {"disciplines": ["mass", "mass"], "focuses": ["corruption"]})
    assert r.status_code == 200, r.content
    confirmed = r.json()["confirmed"]
    assert confirmed["disciplines"] == ["mass"] and confirmed["focuses"] == ["corruption"] and confirmed["confirmed_at"]
    triage = Triage.objects.get(pk=report.pk)
    assert triage.labels_confirmed and triage.scope == "in"
    assert AuditEvent.objects.filter(action="report.labels_confirm", object_id=str(report.pk)).exists()
    assert api.get("leader", f"/api/v1/reports/{report.pk}/classification").json()["confirmed"]["disciplines"] == ["mass"]


def test_invalid_label_codes_are_400_in_chinese(api: Api, register: Any) -> None:
    report = register(CANTEEN)
    r = api.send("put", "member", f"/api/v1/reports/{report.pk}/labels", {"disciplines": ["bogus"], "focuses": []})
    assert r.status_code == 400 and "分类代码无效" in r.json()["detail"] and "bogus" in r.json()["detail"]
    assert not Triage.objects.get(pk=report.pk).labels_confirmed


# --- dispositions ---------------------------------------------------------------------------------


def test_member_proposes_and_leader_approves(api: Api, register: Any) -> None:
    report = register(GIFT, [("赵某", "副院长", "leadership")])
    r = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", {"kind": "accept", "reason": "属于受理范围"})
    assert r.status_code == 201, r.content
    d = r.json()
    assert (d["kind"], d["kind_label"], d["state"], d["body"], d["reason"]) == ("accept", "受理", "proposed", None, "属于受理范围")
    assert d["report"] == report.pk and d["report_status"] == "registered"
    r = api.send("post", "member", f"/api/v1/dispositions/{d['id']}/decision", {"approve": True})
    assert r.status_code == 403 and "组长" in r.json()["detail"]
    r = api.send("post", "leader", f"/api/v1/dispositions/{d['id']}/decision", {"approve": True, "note": "同意"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "approved" and r.json()["report_status"] == "accepted" and r.json()["decision_note"] == "同意"
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    r = api.send("post", "leader", f"/api/v1/dispositions/{d['id']}/decision", {"approve": True})
    assert r.status_code == 400 and r.json()["detail"] == "该处置意见已审批。"


def test_leader_returns_with_a_note(api: Api, register: Any) -> None:
    report = register(CANTEEN)
    d = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", {"kind": "close", "reason": "无实质内容"}).json()
    r = api.send("post", "leader", f"/api/v1/dispositions/{d['id']}/decision", {"approve": False})
    assert r.status_code == 400 and r.json()["detail"] == "退回时请写明意见。"
    r = api.send("post", "leader", f"/api/v1/dispositions/{d['id']}/decision", {"approve": False, "note": "请先核实"})
    assert r.status_code == 200 and r.json()["state"] == "returned" and r.json()["report_status"] == "registered"


def test_transfer_with_a_body_approved_at_once_by_the_leader(api: Api, register: Any) -> None:
    report = register(GIFT, [("赵某", "副院长", "leadership")])
    bodies = api.get("leader", "/api/v1/receiving-bodies").json()
    body = next(b for b in bodies if b["kind"] == "discipline")
    r = api.send("post", "leader", f"/api/v1/reports/{report.pk}/disposition",
                 {"kind": "transfer", "reason": "涉嫌违纪，移交纪委监委", "body_id": body["id"], "approve": True})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "approved" and r.json()["body"] == body and r.json()["report_status"] == "transferred"
    assert Clue.objects.filter(report=report, body_id=body["id"]).exists()


def test_member_may_not_approve(api: Api, register: Any) -> None:
    report = register(CANTEEN)
    r = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", {"kind": "accept", "reason": "受理", "approve": True})
    assert r.status_code == 403
    assert r.json()["detail"] == "只有本巡察组组长、副组长可以审批处置意见。"
    assert not Disposition.objects.exists()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.REGISTERED


@pytest.mark.parametrize(("body", "message"), [
    ({"kind": "destroy", "reason": "x"}, "请选择处置方式。"),
    ({"kind": "refer", "reason": "不属于受理范围"}, "转办、移交须选择接收单位。"),
    ({"kind": "accept", "reason": "  "}, "请写明处置理由。"),
    ({"kind": "refer", "reason": "x", "body_id": 999999}, "接收单位不存在。"),
])
def test_invalid_dispositions_are_400_in_chinese(api: Api, register: Any, body: dict[str, Any], message: str) -> None:
    report = register(CANTEEN)
    r = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", body)
    assert r.status_code == 400
    assert message in r.json()["detail"] and message in r.json()["errors"]
    assert not Disposition.objects.exists()


def test_a_second_proposal_waits_for_the_first(api: Api, register: Any) -> None:
    report = register(CANTEEN)
    url = f"/api/v1/reports/{report.pk}/disposition"
    assert api.send("post", "member", url, {"kind": "accept", "reason": "受理"}).status_code == 201
    r = api.send("post", "leader", url, {"kind": "file", "reason": "存查"})
    assert r.status_code == 400 and "待审批" in r.json()["detail"]


def test_a_malformed_body_is_400_in_chinese(api: Api, register: Any) -> None:
    report = register(CANTEEN)
    r = api.send("post", "member", f"/api/v1/reports/{report.pk}/disposition", {"reason": "缺少处置方式"})
    assert r.status_code == 400 and r.json()["detail"].startswith("请求参数有误")


# --- receiving bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_receiving_bodies(api: Api, persona: str) -> None:
    r = api.get(persona, "/api/v1/receiving-bodies")
    assert r.status_code == 200
    names = [b["name"] for b in r.json()]
    if persona in {"office", "leader", "member", "other_leader", "other_member"}:
        assert len(names) == ReceivingBody.objects.count() > 1
        assert set(r.json()[0]) == {"id", "name", "kind"}
    elif persona == "other_recipient":
        assert names == ["示范市委组织部"]
    elif persona == "recipient":
        assert names and "示范市委组织部" in names
    else:
        assert names == []
