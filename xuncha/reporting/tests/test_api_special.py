"""The special report API (专题报告): list, create, read, .docx, revise, submit and the chain's decisions, with
the 巡察报告 API's access rules asked of every persona."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Finding
from xuncha.reporting.models import InspectionReport, ReportKind

from .test_api import READERS, Api, api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

TEAM = {"leader", "member"}


def _create(api: Api, persona: str, inspection: Inspection, findings: list[Finding], topic: str = "选人用人") -> Any:  # noqa: F811
    return api.post(persona, f"/api/v1/inspections/{inspection.pk}/special-reports",
                    {"topic": topic, "finding_ids": [f.pk for f in findings]})


def _expected(persona: str, team: int, office: int) -> int:
    return team if persona in TEAM else office if persona == "office" else 404


def test_create_list_read_and_docx_by_persona(api: Api, findings: list[Finding], seed001: Inspection) -> None:  # noqa: F811
    url = f"/api/v1/inspections/{seed001.pk}/special-reports"
    for persona in PERSONAS:
        response = _create(api, persona, seed001, findings[:1], topic=f"{persona}的专题")
        assert response.status_code == _expected(persona, 201, 403), (persona, response.content)
    made = InspectionReport.objects.filter(inspection=seed001, kind=ReportKind.SPECIAL).order_by("number")
    assert [r.topic for r in made] == ["leader的专题", "member的专题"]
    for persona in PERSONAS:
        listed = api.get(persona, url)
        assert listed.status_code == (200 if persona in READERS else 404), persona
    body = api.get("office", url).json()
    assert [r["topic"] for r in body] == ["leader的专题", "member的专题"]
    first = body[0]
    assert first["kind"] == "special" and first["status"] == "draft" and first["steps"] == []
    assert first["findings"] == [{"id": findings[0].pk, "number": findings[0].number, "title": findings[0].title}]
    assert [v["number"] for v in first["versions"]] == [1] and "leader的专题" in first["title"]
    one = f"{url}/{first['id']}"
    for persona in PERSONAS:
        assert api.get(persona, one).status_code == (200 if persona in READERS else 404), persona
        assert api.get(persona, f"{one}/report.docx").status_code == (200 if persona in READERS else 404), persona
    doc = Document(io.BytesIO(api.get("member", f"{one}/report.docx").content))
    assert "leader的专题" in "\n".join(p.text for p in doc.paragraphs)
    assert AuditEvent.objects.filter(action="inspection_report.export", summary__startswith="接口导出专题报告").exists()
    assert api.get("office", "/api/v1/inspections/999999/special-reports").status_code == 404


def test_refusals_of_create(api: Api, findings: list[Finding], seed001: Inspection, demo: dict[str, Any]) -> None:  # noqa: F811
    draft = Finding.objects.get(inspection=seed001, state=Finding.State.DRAFT)
    no_topic = _create(api, "member", seed001, findings, topic=" ")
    assert no_topic.status_code == 400 and "请填写专题事项" in no_topic.json()["errors"][0]
    assert _create(api, "member", seed001, []).json()["errors"] == ["请选择专题报告涉及的问题。"]
    assert _create(api, "member", seed001, [findings[0], draft]).json()["errors"] == ["只能选择本巡察任务已审定的问题。"]
    foreign = api.post("member", f"/api/v1/inspections/{seed001.pk}/special-reports", {"topic": "x", "finding_ids": [999999]})
    assert foreign.status_code == 400
    assert not InspectionReport.objects.filter(inspection=seed001).exists()


def test_the_main_report_is_not_a_special_report(api: Api, report: InspectionReport) -> None:  # noqa: F811
    url = f"/api/v1/inspections/{report.inspection_id}/special-reports"
    assert api.get("office", url).json() == []
    assert api.get("office", f"{url}/{report.pk}").status_code == 404
    assert api.post("member", f"{url}/{report.pk}/submit", {}).status_code == 404


def test_revise_submit_and_the_chain_by_persona(api: Api, findings: list[Finding], seed001: Inspection) -> None:  # noqa: F811
    made = _create(api, "member", seed001, findings).json()
    url = f"/api/v1/inspections/{seed001.pk}/special-reports/{made['id']}"
    text = made["versions"][0]["text"] + "\n补充：专题事项的处置建议。"
    for persona in PERSONAS:
        if persona not in TEAM:
            revised = api.post(persona, f"{url}/versions", {"text": text, "note": "补充"})
            assert revised.status_code == _expected(persona, 201, 403), persona
            assert api.post(persona, f"{url}/submit", {}).status_code == _expected(persona, 200, 403), persona
    revised = api.post("member", f"{url}/versions", {"text": text, "note": "补充"})
    assert revised.status_code == 201 and [v["number"] for v in revised.json()["versions"]] == [1, 2]
    assert api.post("member", f"{url}/versions", {"text": text}).status_code == 400  # unchanged
    decision = f"{url}/decision"
    assert api.post("leader", decision, {"step": "team_meeting", "decision": "approve"}).status_code == 409  # not submitted
    submitted = api.post("leader", f"{url}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "team_meeting"
    assert api.post("member", f"{url}/submit", {}).status_code == 409
    assert api.post("member", f"{url}/versions", {"text": text + "再改"}).status_code == 409
    for persona in PERSONAS:
        if persona not in READERS:
            assert api.post(persona, decision, {"step": "team_meeting", "decision": "approve"}).status_code == 404, persona
    assert api.post("member", decision, {"step": "team_meeting", "decision": "approve"}).status_code == 403
    assert api.post("office", decision, {"step": "team_meeting", "decision": "approve"}).status_code == 403
    assert api.post("office", decision, {"step": "office", "decision": "approve"}).status_code == 409
    returned = api.post("leader", decision, {"step": "team_meeting", "decision": "return", "opinion": ""})
    assert returned.status_code == 400 and returned.json()["errors"] == ["退回修改须写明意见。"]
    returned = api.post("leader", decision, {"step": "team_meeting", "decision": "return", "opinion": "请补充处置建议"})
    assert returned.json()["status"] == "returned"
    assert api.post("member", f"{url}/submit", {}).json()["status"] == "team_meeting"
    assert api.post("leader", decision, {"step": "team_meeting", "decision": "approve"}).json()["status"] == "office"
    assert api.post("leader", decision, {"step": "office", "decision": "approve"}).status_code == 403
    assert api.post("office", decision, {"step": "office", "decision": "approve", "opinion": "同意"}).json()["status"] == "leading_group"
    no_minutes = api.post("office", decision, {"step": "leading_group", "decision": "approve"})
    assert no_minutes.status_code == 400
    body = api.post("office", decision, {"step": "leading_group", "decision": "approve", "minutes": "领导小组第4次会议审定"}).json()
    assert body["status"] == "approved" and body["approved_version"] == 2
    assert [(s["step"], s["decision"]) for s in body["steps"]] == [
        ("team_meeting", "return"), ("team_meeting", "approve"), ("office", "approve"), ("leading_group", "approve")]
    assert api.post("office", decision, {"step": "leading_group", "decision": "approve", "minutes": "x"}).status_code == 409
    assert api.post("member", f"{url}/versions", {"text": text + "再改"}).status_code == 409
    # the main report's own endpoint still answers only for the 巡察报告
    assert api.get("office", f"/api/v1/inspections/{seed001.pk}/report").status_code == 404
