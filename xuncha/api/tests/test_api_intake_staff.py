from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def post(client, inspection_id: int, body: dict):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/inspections/{inspection_id}/reports", json.dumps(body), content_type="application/json")


def test_member_registers_a_call_and_gets_the_acceptance(clients: dict, seed000) -> None:
    phone = seed000.channels.get(kind="phone")
    r = post(clients["member"], seed000.pk, {"channel": phone.pk, "received_at": "2024-09-29T10:00:00+08:00",
                                             "content": "来电反映学院实验室采购问题",
                                             "subjects": [{"name": "孙某", "post": "院长", "category": "leadership"}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"] > 0 and body["anonymous"] is True
    assert body["acceptance"]["in_window"] is True
    assert body["acceptance"]["within_hours"] is True
    assert len(body["receipt_code"]) == 16
    assert body["subjects"] == [{"name": "孙某", "post": "院长", "category": "leadership"}]


def test_letter_by_postmark_and_real_name_reporter_masked(clients: dict, seed001) -> None:
    seed001.postmark_counts = True
    seed001.save()
    post_box = seed001.channels.get(kind="post")
    r = post(clients["leader"], seed001.pk, {"channel": post_box.pk, "received_at": "2024-06-17T09:00:00+08:00",
                                             "postmarked_on": "2024-06-13", "content": "来信",
                                             "reporter": {"name": "陈小红", "phone": "13700001111", "role": "student"}})
    body = r.json()
    assert r.status_code == 201
    assert body["acceptance"]["in_window"] is True and body["acceptance"]["within_hours"] is None
    assert body["reporter"] == {"name": "陈**", "phone": "137****1111"}
    assert body["receipt_notice_due"] is not None
    r = clients["member"].get(f"/api/v1/reports/{body['id']}")
    assert r.status_code == 200 and r.json()["reporter"]["name"] == "陈**" and r.json()["receipt_code"] is None


def test_bad_input_is_400_in_chinese(clients: dict, seed000) -> None:
    phone = seed000.channels.get(kind="phone")
    r = post(clients["member"], seed000.pk, {"channel": phone.pk, "received_at": "2024-09-29T10:00:00+08:00", "content": " ",
                                             "reporter": {"name": ""}})
    assert r.status_code == 400
    assert "请填写反映的问题" in r.json()["detail"] and "实名反映请填写姓名" in r.json()["detail"]
    other_channel = seed000.__class__.objects.exclude(pk=seed000.pk).first().channels.first()
    r = post(clients["member"], seed000.pk, {"channel": other_channel.pk, "received_at": "2024-09-29T10:00:00+08:00", "content": "x"})
    assert r.status_code == 400 and r.json()["detail"] == "受理渠道不属于该巡察任务。"


@pytest.mark.parametrize("persona", ["office", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"])
def test_others_get_404(clients: dict, seed000, persona: str) -> None:
    from xuncha.intake.models import Report

    phone = seed000.channels.get(kind="phone")
    r = post(clients[persona], seed000.pk, {"channel": phone.pk, "received_at": "2024-09-29T10:00:00+08:00", "content": "x"})
    assert r.status_code == 404
    assert not Report.objects.exists()


def test_report_detail_is_404_for_another_team(clients: dict, seed000) -> None:
    phone = seed000.channels.get(kind="phone")
    rid = post(clients["member"], seed000.pk, {"channel": phone.pk, "received_at": "2024-09-29T10:00:00+08:00", "content": "x"}).json()["id"]
    assert clients["other_leader"].get(f"/api/v1/reports/{rid}").status_code == 404
    assert clients["liaison"].get(f"/api/v1/reports/{rid}").status_code == 404
    assert clients["anonymous"].get(f"/api/v1/reports/{rid}").status_code == 401
