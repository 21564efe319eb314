from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from xuncha.fieldwork.models import Interview, Lead
from xuncha.fieldwork.tests.helpers import seats

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_team_lists_members_with_roles(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    seats(practice)
    body = clients["member"].get(f"/api/v1/inspections/{practice.pk}/team").json()
    assert {"name": "林演示", "role": "leader"} in [{k: m[k] for k in ("name", "role")} for m in body]
    assert all(set(m) == {"id", "name", "role"} for m in body)


def test_create_scheduled_talk_then_record_it_with_a_lead(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    s = seats(practice)
    url = f"/api/v1/inspections/{practice.pk}/interviews"
    bad = post(clients["member"], url, {"category": "chosen", "interviewee_name": "张三丰", "scheduled_at": "2026-11-25T09:00:00+08:00",
                                        "room": "302", "interviewer_ids": [s[0].pk], "recorder_id": s[2].pk})
    assert bad.status_code == 400 and "至少安排 2 名谈话人。" in bad.json()["errors"]
    assert not Interview.objects.filter(inspection=practice).exists()  # all or nothing
    r = post(clients["member"], url, {"category": "chosen", "interviewee_name": "张三丰", "interviewee_post": "教师",
                                      "interviewee_kind": "teacher", "scheduled_at": "2026-11-25T09:00:00+08:00", "room": "302",
                                      "interviewer_ids": [s[0].pk, s[1].pk], "recorder_id": s[2].pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["interviewee"] == {"name": "张**"} and body["state"] == "scheduled" and body["label"] == "谈话记录 第1号"
    assert "张三丰" not in r.content.decode()
    assert [i["id"] for i in clients["leader"].get(url).json()] == [body["id"]]
    rec = post(clients["member"], f"/api/v1/interviews/{body['id']}/record", {
        "summary": "谈及食堂承包。", "signed_on": "2026-11-20",
        "matters": [{"text": "食堂承包未经集体研究", "disciplines": ["integrity"], "lead": True}, {"text": "宿舍维修慢"}]})
    assert rec.status_code == 201, rec.content
    matters = rec.json()["record"]["matters"]
    assert matters[0]["lead_id"] == Lead.objects.get(inspection=practice).pk and matters[1]["lead_id"] is None
    again = post(clients["member"], f"/api/v1/interviews/{body['id']}/record", {"summary": "x"})
    assert again.status_code == 409
    got = clients["member"].get(f"/api/v1/interviews/{body['id']}").json()
    assert got["state"] == "done" and got["record"]["signed"] is True


def test_chinese_400s(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    r = post(clients["member"], f"/api/v1/inspections/{practice.pk}/interviews", {"category": "x", "interviewee_name": " "})
    assert r.status_code == 400
    assert "谈话类别无效，应为必谈、选谈或主动约谈。" in r.json()["errors"] and "请填写谈话对象的姓名。" in r.json()["errors"]
    r = post(clients["member"], f"/api/v1/inspections/{practice.pk}/interviews", {"category": "chosen", "interviewee_name": "甲",
                                                                                     "scheduled_at": "2026-11-25T09:00:00+08:00",
                                                                                     "interviewer_ids": [999999]})
    assert r.status_code == 400 and "不是本巡察组成员" in r.json()["detail"]


@pytest.mark.parametrize("persona", ["office", "liaison", "recipient", "auditor", "other_member", "other_leader", "sysadmin", "norole"])
def test_outsiders_get_404(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    practice = demo["practice"]
    r = post(clients["member"], f"/api/v1/inspections/{practice.pk}/interviews", {"category": "chosen", "interviewee_name": "甲"})
    pk = r.json()["id"]
    c = clients[persona]
    assert c.get(f"/api/v1/inspections/{practice.pk}/team").status_code == 404
    assert c.get(f"/api/v1/inspections/{practice.pk}/interviews").status_code == 404
    assert c.get(f"/api/v1/interviews/{pk}").status_code == 404
    assert post(c, f"/api/v1/interviews/{pk}/record", {"summary": "x"}).status_code == 404
    assert post(c, f"/api/v1/inspections/{practice.pk}/interviews", {"category": "chosen", "interviewee_name": "乙"}).status_code == 404
