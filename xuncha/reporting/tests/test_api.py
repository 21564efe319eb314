"""The report API: GET /inspections/{id}/report, GET …/report.docx, POST …/report/decision; who may do what."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from docx import Document

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_create
from xuncha.audit.models import AuditEvent
from xuncha.reporting import services
from xuncha.reporting.models import InspectionReport

from .conftest import user

pytestmark = pytest.mark.django_db

READERS = {"office", "leader", "member"}


class Api:
    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self.client = Client()

    def headers(self, persona: str) -> dict[str, str]:
        if persona not in self._tokens:
            self._tokens[persona] = api_token_create(user=User.objects.get(username=persona))
        return {"HTTP_AUTHORIZATION": f"Bearer {self._tokens[persona]}"}

    def get(self, persona: str, url: str) -> Any:
        return self.client.get(url, **self.headers(persona))

    def post(self, persona: str, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(url, json.dumps(body), content_type="application/json", **self.headers(persona))


@pytest.fixture
def api(demo: dict[str, Any]) -> Api:
    return Api()


def test_get_the_report_with_versions_and_steps(api: Api, report: InspectionReport) -> None:
    url = f"/api/v1/inspections/{report.inspection_id}/report"
    for persona in PERSONAS:
        response = api.get(persona, url)
        assert response.status_code == (200 if persona in READERS else 404), persona
    body = api.get("office", url).json()
    assert body["status"] == "draft" and body["status_label"] == "起草中" and body["steps"] == []
    assert [v["number"] for v in body["versions"]] == [1] and "二、发现的主要问题" in body["versions"][0]["text"]
    assert api.get("office", "/api/v1/inspections/999999/report").status_code == 404


def test_no_report_yet_is_a_404(api: Api, seed001: Any) -> None:
    assert api.get("leader", f"/api/v1/inspections/{seed001.pk}/report").status_code == 404
    assert api.get("leader", f"/api/v1/inspections/{seed001.pk}/report.docx").status_code == 404


def test_the_chain_through_the_api(api: Api, report: InspectionReport) -> None:
    url = f"/api/v1/inspections/{report.inspection_id}/report/decision"
    services.report_submit(actor=user("member"), report=report)
    for persona in PERSONAS:
        if persona in READERS:
            continue
        assert api.post(persona, url, {"step": "team_meeting", "decision": "approve"}).status_code == 404, persona
    assert api.post("member", url, {"step": "team_meeting", "decision": "approve"}).status_code == 403
    assert api.post("office", url, {"step": "office", "decision": "approve"}).status_code == 409
    response = api.post("leader", url, {"step": "team_meeting", "decision": "return", "opinion": ""})
    assert response.status_code == 400 and response.json()["errors"] == ["退回修改须写明意见。"]
    assert api.post("leader", url, {"step": "nowhere", "decision": "approve"}).status_code == 400
    assert api.post("leader", url, {"step": "team_meeting"}).status_code in (400, 422)
    body = api.post("leader", url, {"step": "team_meeting", "decision": "approve", "opinion": "组务会同意"}).json()
    assert body["status"] == "office"
    assert api.post("leader", url, {"step": "office", "decision": "approve"}).status_code == 403
    body = api.post("office", url, {"step": "office", "decision": "approve", "opinion": "巡察办同意"}).json()
    body = api.post("office", url, {"step": "leading_group", "decision": "approve", "minutes": "领导小组审定",
                                    "meeting_on": "2026-11-20"}).json()
    assert body["status"] == "approved" and body["approved_version"] == 1
    assert [(s["step"], s["by"], s["decision"], s["opinion"]) for s in body["steps"]] == [
        ("team_meeting", str(user("leader")), "approve", "组务会同意"), ("office", str(user("office")), "approve", "巡察办同意"),
        ("leading_group", str(user("office")), "approve", "")]
    assert body["steps"][2]["minutes"] == "领导小组审定" and body["steps"][2]["meeting_on"] == "2026-11-20"
    assert api.post("office", url, {"step": "leading_group", "decision": "approve", "minutes": "x"}).status_code == 409


def test_the_docx_through_the_api(api: Api, approved_report: InspectionReport) -> None:
    url = f"/api/v1/inspections/{approved_report.inspection_id}/report.docx"
    for persona in PERSONAS:
        assert api.get(persona, url).status_code == (200 if persona in READERS else 404), persona
    response = api.get("member", url)
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "领导小组" in cells and "领导小组第3次会议审定" in cells
    assert AuditEvent.objects.filter(action="inspection_report.export", summary__startswith="接口导出").exists()
