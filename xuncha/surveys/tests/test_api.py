"""The survey API: the team's endpoints (create, PUT, publish, codes, slips, results) and the public ones
(GET the questions, POST an answer sheet: 201/400/404/409/410), exactly as docs/api.md states them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.publicapi import PublicClient
from xuncha.accounts.services import api_token_create
from xuncha.surveys.models import CodeBatch, Survey

pytestmark = pytest.mark.django_db


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


def _json(client: Client, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_build_publish_issue_codes_answer_and_read_results(demo: dict[str, Any]) -> None:
    users = demo["users"]
    member, leader = _auth(users["member"]), _auth(users["leader"])
    client = Client()
    made = _json(client, "post", f"/api/v1/inspections/{demo['practice'].pk}/surveys",
                 {"template": "leadership", "title": "班子测评", "codes_required": True, "min_group_size": 1,
                  "persons": ["甲 书记", "乙 院长"]}, member)
    assert made.status_code == 201, made.content
    survey = made.json()
    assert survey["state"] == "draft" and len(survey["questions"]) == 5
    assert survey["questions"][3]["show_if"] == {"question": survey["questions"][2]["id"], "value": "exists"}

    questions = [
        {"type": "single", "text": "总体评价", "choices": ["好", "较好", "一般", "差"], "flag_values": ["c4"]},
        {"type": "multiple", "text": "哪些方面", "choices": ["甲", "乙", "丙"], "required": False},
        {"type": "rating", "text": "打分", "scale": 5},
        {"type": "matrix", "text": "班子成员", "choices": ["好", "差"], "rows": ["甲 书记", "乙 院长"]},
        {"type": "single", "text": "是否存在问题", "choices": [{"value": "no", "label": "否"}, {"value": "yes", "label": "是"}]},
        {"type": "text", "text": "什么问题", "required": False, "show_if": {"question": 5, "value": "yes"}},
    ]
    edited = _json(client, "put", f"/api/v1/surveys/{survey['id']}", {"questions": questions}, member)
    assert edited.status_code == 200, edited.content
    qs = edited.json()["questions"]
    assert qs[5]["show_if"] == {"question": qs[4]["id"], "value": "yes"}

    assert client.post(f"/api/v1/surveys/{survey['id']}/publish", **member).status_code == 403
    assert client.post(f"/api/v1/surveys/{survey['id']}/publish", **leader).status_code == 200
    assert _json(client, "put", f"/api/v1/surveys/{survey['id']}", {"questions": questions}, member).status_code == 409

    issued = _json(client, "post", f"/api/v1/surveys/{survey['id']}/codes", {"group": "teachers", "count": 3}, member)
    assert issued.status_code == 201, issued.content
    codes = issued.json()["codes"]
    assert len(codes) == 3
    slips_url = issued.json()["slips_url"]
    # taking the slips erases the sealed plaintext: a GET is refused and changes nothing
    assert client.get(slips_url, **member).status_code == 405
    assert client.get(f"/api/v1/surveys/{survey['id']}/codes.pdf?batch={issued.json()['batch']}", **member).status_code in (404, 405)
    batch = CodeBatch.objects.get(survey_id=survey["id"], number=issued.json()["batch"])
    assert batch.slips_sealed and not batch.slips_printed
    pdf = client.post(slips_url, **member)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "no-store, private"
    batch.refresh_from_db()
    assert batch.slips_sealed == "" and batch.slips_printed
    assert client.post(slips_url, **member).status_code == 409

    public = PublicClient()
    got = public.get(f"/api/v1/public/surveys/{survey['id']}")
    assert got.status_code == 200
    body = got.json()
    assert set(body) >= {"title", "questions"}
    assert body["questions"][2]["choices"][0] == {"value": "1", "label": "1 分"}
    assert "flag_values" not in body["questions"][0]
    ids = [q["id"] for q in body["questions"]]
    sheet = {"code": codes[0], "answers": [
        {"question": ids[0], "choice": "c4"}, {"question": ids[1], "choices": ["c1", "c3"]}, {"question": ids[2], "grade": 2},
        {"question": ids[3], "matrix": {"r1": "c1", "r2": "c2"}}, {"question": ids[4], "choice": "yes"},
        {"question": ids[5], "text": "食堂承包合同未经集体研究。"}]}
    url = f"/api/v1/public/surveys/{survey['id']}/responses"
    answered = public.post(url, sheet, content_type="application/json")
    assert answered.status_code == 201, answered.content
    assert answered.json()["report_url"].endswith(f"/p/{demo['practice'].public_id}/")
    again = public.post(url, sheet, content_type="application/json")
    assert again.status_code == 409 and "已经使用过" in again.json()["detail"]
    unknown = public.post(url, {**sheet, "code": "ZZZZZ-ZZZZZ"}, content_type="application/json")
    assert unknown.status_code == 404 and "测评码不正确" in unknown.json()["detail"]
    bad = public.post(url, {"code": codes[1], "answers": [{"question": ids[0], "choice": "nope"}]}, content_type="application/json")
    assert bad.status_code == 400 and "第 1 题" in bad.json()["detail"] and "第 3 题" in bad.json()["detail"]
    # The code refused for bad answers is still good.
    ok = public.post(url, {"code": codes[1], "answers": sheet["answers"][:5]}, content_type="application/json")
    assert ok.status_code == 201

    results = client.get(f"/api/v1/surveys/{survey['id']}/results", **member).json()
    assert results["responses"] == 2
    assert results["groups"] == [{"group": "teachers", "label": "教职工", "issued": 3, "voided": 0, "answered": 2, "shown": True}]
    first = results["questions"][0]
    assert first["distribution"] == {"c4": 2} and first["hidden_reason"] is None and first["flagged_share"] == 1.0
    assert results["questions"][2]["average"] == 2.0
    assert results["questions"][3]["distribution"] == {"r1": {"c1": 2}, "r2": {"c2": 2}}


def test_public_answers_need_the_challenge_and_a_published_open_survey(surveys: dict[str, Survey]) -> None:
    plain = Client()
    url = f"/api/v1/public/surveys/{surveys['questionnaire'].pk}/responses"
    refused = plain.post(url, {"answers": []}, content_type="application/json")
    assert refused.status_code == 400 and "防滥用" in refused.json()["detail"]
    public = PublicClient()
    closed = surveys["closed"]
    assert public.get(f"/api/v1/public/surveys/{closed.pk}").status_code == 410
    gone = public.post(f"/api/v1/public/surveys/{closed.pk}/responses", {"code": "ABCDE23456", "answers": []},
                       content_type="application/json")
    assert gone.status_code == 410 and "截止" in gone.json()["detail"]
    draft = Survey.objects.create(inspection=closed.inspection, title="草稿", opens_at=closed.opens_at, closes_at=closed.closes_at,
                                  created_by=closed.created_by)
    assert public.get(f"/api/v1/public/surveys/{draft.pk}").status_code == 404
    assert public.post(f"/api/v1/public/surveys/{draft.pk}/responses", {"answers": []}, content_type="application/json").status_code == 404
    assert public.post(url, "not json", content_type="text/plain").status_code == 415


def test_results_and_building_are_the_teams_404_for_others(surveys: dict[str, Survey], demo: dict[str, Any]) -> None:
    survey = surveys["leadership"]
    client = Client()
    for name, code in (("office", 200), ("leader", 200), ("member", 200), ("liaison", 404), ("recipient", 404),
                       ("auditor", 404), ("other_leader", 404), ("sysadmin", 404)):
        assert client.get(f"/api/v1/surveys/{survey.pk}/results", **_auth(demo["users"][name])).status_code == code, name
    office = _auth(demo["users"]["office"])
    made = _json(client, "post", f"/api/v1/inspections/{demo['practice'].pk}/surveys", {"template": "blank", "title": "x"}, office)
    assert made.status_code == 403
    liaison = _auth(demo["users"]["liaison"])
    assert _json(client, "post", f"/api/v1/inspections/{demo['practice'].pk}/surveys", {"template": "blank"}, liaison).status_code == 404


def test_exports_reopen(surveys: dict[str, Survey], demo: dict[str, Any]) -> None:
    import docx
    import openpyxl

    from conftest import client_for

    client = client_for(demo["users"]["office"])
    survey = surveys["closed"]
    xlsx = client.get(f"/surveys/{survey.pk}/results.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["参与情况", "各题结果"]
    assert book["参与情况"]["A2"].value in {"校（院）级领导", "中层干部", "教职工"}
    assert any(row[2] == "班子成员甲 党委书记：好" for row in book["各题结果"].iter_rows(values_only=True))
    report = client.get(f"/surveys/{survey.pk}/report.docx")
    assert report.status_code == 200
    document = docx.Document(io.BytesIO(report.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "情况报告" in text and "一、基本情况" in text and "共发放测评码 192 个" in text
    assert len(document.inline_shapes) >= 2  # the charts
