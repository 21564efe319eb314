"""API of document requests and findings: who may do what (role × object), the delivery in both forms,
a draft finding citing evidence, and 404/400 answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import PERSONAS
from xuncha.accounts.services import api_token_create
from xuncha.fieldwork.models.documents import DocumentItem

from .helpers_documents import docx_bytes, sent_request, upload

pytestmark = pytest.mark.django_db


def call(demo: dict[str, Any], persona: str, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    token = api_token_create(user=demo["users"][persona])
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return client.get(url, **headers)
    if extra.get("multipart"):
        return client.post(url, body, **headers)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **headers)


def test_team_creates_a_request_and_the_liaison_delivers(demo: dict[str, Any]) -> None:
    pk = demo["practice"].pk
    r = call(demo, "member", "post", f"/api/v1/inspections/{pk}/document-requests",
             {"items": [{"name": "党委会会议记录", "period": "2023年", "form": "original"},
                        {"name": "招投标资料", "period": "2023年", "form": "electronic"}], "due_days": 5})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["state"] == "sent" and out["due_on"] and len(out["items"]) == 2
    req_id, (paper, electronic) = out["id"], out["items"]
    for persona in ("leader", "member", "liaison"):
        listed = call(demo, persona, "get", f"/api/v1/inspections/{pk}/document-requests")
        assert listed.status_code == 200 and req_id in [x["id"] for x in listed.json()], persona
    for persona in [p for p in PERSONAS if p not in ("leader", "member", "liaison")]:
        assert call(demo, persona, "get", f"/api/v1/inspections/{pk}/document-requests").status_code == 404, persona
        assert call(demo, persona, "get", f"/api/v1/document-requests/{req_id}").status_code == 404, persona
    r = call(demo, "liaison", "post", f"/api/v1/document-requests/{req_id}/items/{paper['id']}/delivery",
             {"on_paper": True, "handed_over_on": "2026-01-05", "handed_over_by": "王主任"})
    assert r.status_code == 201, r.content
    r = call(demo, "liaison", "post", f"/api/v1/document-requests/{req_id}/items/{electronic['id']}/delivery",
             {"files": [upload("招标.docx", docx_bytes("招标文件正文"))]}, multipart=True)
    assert r.status_code == 201, r.content
    items = {i["id"]: i for i in r.json()["items"]}
    assert items[paper["id"]]["state"] == "paper" and items[paper["id"]]["handed_over_by"] == "王主任"
    assert items[electronic["id"]]["state"] == "uploaded" and items[electronic["id"]]["files"][0]["name"] == "招标.docx"
    # The team may not deliver; another organisation's liaison does not see it.
    for persona, code in (("member", 404), ("other_liaison", 404), ("office", 404)):
        r = call(demo, persona, "post", f"/api/v1/document-requests/{req_id}/items/{paper['id']}/delivery", {"decline_reason": "x"})
        assert r.status_code == code, persona


def test_request_input_errors_are_400_in_chinese(demo: dict[str, Any]) -> None:
    pk = demo["practice"].pk
    r = call(demo, "member", "post", f"/api/v1/inspections/{pk}/document-requests", {"items": [], "due_days": 0})
    assert r.status_code == 400 and "请至少列出一项资料。" in r.json()["errors"]
    r = call(demo, "liaison", "post", f"/api/v1/inspections/{pk}/document-requests", {"items": [{"name": "x"}], "due_days": 3})
    assert r.status_code == 404
    req = sent_request(demo)
    item = req.items.get(number=1)
    r = call(demo, "liaison", "post", f"/api/v1/document-requests/{req.pk}/items/{item.pk}/delivery", {"on_paper": True, "handed_over_on": "x"})
    assert r.status_code == 400
    r = call(demo, "liaison", "post", f"/api/v1/document-requests/{req.pk + 1000}/items/{item.pk}/delivery", {"decline_reason": "无"})
    assert r.status_code == 404
    r = call(demo, "liaison", "post", f"/api/v1/document-requests/{req.pk}/items/{item.pk}/delivery", "not json")
    assert r.status_code in (400, 415)
    assert DocumentItem.objects.get(pk=item.pk).state == "waiting"


def test_a_draft_finding_cites_a_document_and_a_report(demo: dict[str, Any], register: Any) -> None:
    req = sent_request(demo)
    item = req.items.get(number=2)
    from xuncha.fieldwork.services_documents import document_item_deliver

    document_item_deliver(actor=demo["users"]["liaison"], item=item, files=[upload("a.docx", docx_bytes("正文"))])
    report = register("体育馆维修未经集体研究。", [("赵某", "院长", "leadership")], inspection=demo["practice"])
    pk = demo["practice"].pk
    r = call(demo, "member", "post", f"/api/v1/inspections/{pk}/findings",
             {"title": "工程未经集体研究", "facts": "经查……", "evidence": [{"kind": "report", "id": report.pk},
                                                                     {"kind": "document", "id": item.pk, "page": 2}]})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["state"] == "draft" and [e["label"] for e in out["evidence"]] == [
        f"信访件 {report.reference}", f"调阅资料 {req.number}-2《基建项目招投标资料》 第2页"]
    for persona in PERSONAS:
        code = call(demo, persona, "get", f"/api/v1/findings/{out['id']}").status_code
        assert code == (200 if persona in ("leader", "member") else 404), persona
    other = register("采购价格偏高。", [("钱某", "处长", "key_post")], inspection=demo["other"], kind="phone")
    r = call(demo, "member", "post", f"/api/v1/inspections/{pk}/findings",
             {"title": "t", "facts": "f", "evidence": [{"kind": "report", "id": other.pk}, {"kind": "gossip", "id": 1}]})
    assert r.status_code == 400 and len(r.json()["errors"]) == 2
    r = call(demo, "member", "post", f"/api/v1/inspections/{pk}/findings", {"title": "", "facts": ""})
    assert r.status_code == 400
    assert call(demo, "liaison", "post", f"/api/v1/inspections/{pk}/findings", {"title": "t", "facts": "f"}).status_code == 404
