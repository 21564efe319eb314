"""Rectification plan and reports API: who reads and who acts (every persona), the liaison's whole-plan submission,
the office's decision creating the ledger, the reports drafted from the ledger; 400/403/404/409 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import PERSONAS
from xuncha.api.tests.test_ledger_api import Api
from xuncha.rectification.models import RectificationItem
from xuncha.rectification.tests.plan_helpers import fed_back

pytestmark = pytest.mark.django_db

READERS = {"office", "leader", "member", "liaison"}


@pytest.fixture
def api(demo: dict) -> Api:
    return Api()


def _items(findings: list[Any]) -> list[dict[str, Any]]:
    return [{"finding_id": f.pk, "task": f"任务{f.number}", "measures": f"措施{f.number}", "responsible_leader": "副校长黎某",
             "responsible_department": "基建处", "deadline": "2024-12-31"} for f in findings] + [
        {"finding_id": findings[0].pk, "task": "长期任务", "measures": "警示教育", "responsible_leader": "党委副书记韦某",
         "responsible_department": "纪委办公室", "long_term": True}]


def test_every_persona_reads_or_gets_404(api: Api, seed000: Any) -> None:
    fed_back(seed000)
    for persona in PERSONAS:
        for path in ("rectification-plan", "rectification-reports"):
            r = api.get(persona, f"/api/v1/inspections/{seed000.pk}/{path}")
            assert r.status_code == (200 if persona in READERS else 404), (persona, path, r.status_code)
    assert api.get(None, f"/api/v1/inspections/{seed000.pk}/rectification-plan").status_code == 401
    body = api.get("office", f"/api/v1/inspections/{seed000.pk}/rectification-plan").json()
    assert body["status"] == "none" and body["due"]["on"] == "2024-11-30" and body["due"]["overdue_working_days"] > 0


def test_the_liaison_submits_the_plan_and_the_office_approves_it(api: Api, seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    url = f"/api/v1/inspections/{seed000.pk}/rectification-plan"
    for persona, code in (("member", 403), ("office", 403), ("other_liaison", 404), ("recipient", 404)):
        assert api.post(persona, url, {"items": _items(findings)}).status_code == code, persona
    r = api.post("liaison", url, {"items": _items(findings[:1])})
    assert r.status_code == 400 and "问题2" in r.json()["detail"]
    r = api.post("liaison", url, {"items": [{**_items(findings)[0], "deadline": None}]})
    assert r.status_code == 400 and "请填写完成时限，或选择长期坚持。" in r.json()["errors"][0]
    r = api.post("liaison", url, {"items": _items(findings), "summary": "成立整改工作领导小组。"})
    assert r.status_code == 200, r.json()
    plan = r.json()
    assert plan["status"] == "submitted" and len(plan["tasks"]) == 3 and plan["steps"][0]["step"] == "submit"
    assert api.post("liaison", url, {"items": _items(findings)}).status_code == 409
    # The team reads it now; a leader does not decide.
    assert api.get("member", url).json()["status"] == "submitted"
    decision = url + "/decision"
    assert api.post("leader", decision, {"decision": "approve"}).status_code == 403
    r = api.post("office", decision, {"decision": "return"})
    assert r.status_code == 400 and "审核意见" in r.json()["detail"]
    assert api.post("office", decision, {"decision": "maybe"}).status_code == 400
    r = api.post("office", decision, {"decision": "approve", "opinion": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    items = RectificationItem.objects.filter(inspection=seed000).order_by("number")
    assert sorted(t["ledger_item"] for t in r.json()["tasks"]) == [i.pk for i in items] and items.count() == 3
    assert api.post("office", decision, {"decision": "approve"}).status_code == 409
    ledger = api.get("liaison", f"/api/v1/inspections/{seed000.pk}/ledger").json()
    assert [i["measures"] for i in ledger["items"]] == ["措施1", "警示教育", "措施2"]


def test_the_reports_are_drafted_from_the_ledger_and_reviewed(api: Api, seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    url = f"/api/v1/inspections/{seed000.pk}/rectification-reports"
    r = api.post("liaison", url, {"kind": "leadership", "submit": False})
    assert r.status_code == 409 and "整改台账尚无事项" in r.json()["detail"]
    api.post("liaison", f"/api/v1/inspections/{seed000.pk}/rectification-plan", {"items": _items(findings)})
    api.post("office", f"/api/v1/inspections/{seed000.pk}/rectification-plan/decision", {"decision": "approve"})
    r = api.post("liaison", url, {"kind": "leadership", "submit": False})
    assert r.status_code == 200
    (draft,) = r.json()["reports"]
    assert draft["status"] == "draft" and "整改台账共3项" in draft["body"]
    assert api.get("office", url).json()["reports"] == []  # a draft is the target's own
    assert api.post("member", url, {"kind": "leadership"}).status_code == 403
    assert api.post("liaison", url, {"kind": "leadership"}).status_code == 400  # the prompts are not filled in
    body = draft["body"].replace("（请补充存在的不足和下一步工作打算。）", "制度建设仍需加强。")
    r = api.post("liaison", url, {"kind": "leadership", "body": body})
    assert r.status_code == 200 and r.json()["reports"][0]["status"] == "submitted"
    assert r.json()["due"]["on"] == "2024-12-31"
    office = api.get("office", url).json()["reports"]
    assert [x["kind"] for x in office] == ["leadership"] and office[0]["body"] == body
    decision = url + "/decision"
    assert api.post("office", decision, {"kind": "principal", "decision": "approve"}).status_code == 409
    assert api.post("leader", decision, {"kind": "leadership", "decision": "approve"}).status_code == 403
    r = api.post("office", decision, {"kind": "leadership", "decision": "approve"})
    assert r.status_code == 200 and r.json()["reports"][0]["status"] == "accepted"
    assert [s["step"] for s in r.json()["reports"][0]["steps"]] == ["submit", "approve"]
    assert dt.date.fromisoformat(r.json()["due"]["on"]) == dt.date(2024, 12, 31)
