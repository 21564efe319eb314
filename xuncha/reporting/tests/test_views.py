"""Pages of reporting through the test client: drafting, editing (input kept on a refusal), the differences,
the chain's decision form, the .docx, the feedback sessions; and the role × object access matrix of every page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from conftest import PERSONAS
from xuncha.rectification.models import Feedback, Finding
from xuncha.reporting import services
from xuncha.reporting.models import InspectionReport, ReportKind, ReportState

from .conftest import user

pytestmark = pytest.mark.django_db

READERS = {"office", "leader", "member"}
TEAM = {"leader", "member"}


def test_the_team_drafts_from_the_list_page(clients: dict[str, Client], findings: list[Finding], seed001: Any) -> None:
    url = f"/inspections/{seed001.pk}/inspection-reports/"
    page = clients["member"].get(url).content.decode()
    assert "生成巡察报告初稿" in page and "起草专题报告" in page and "2 个已审定的问题" in page
    assert "生成巡察报告初稿" not in clients["office"].get(url).content.decode()
    response = clients["member"].post(url, {"kind": "comprehensive"})
    report = InspectionReport.objects.get(inspection=seed001, kind=ReportKind.COMPREHENSIVE)
    assert response.status_code == 302 and response["Location"] == f"/inspection-reports/{report.pk}/"
    # a special report: the topic is kept when no finding is chosen
    response = clients["member"].post(url, {"kind": "special", "topic": "选人用人"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="选人用人"' in html and "涉及的问题" in html
    response = clients["member"].post(url, {"kind": "special", "topic": "选人用人", "findings": [findings[0].pk]})
    assert response.status_code == 302
    # the office may not draft: a 404, and nothing made
    assert clients["office"].post(url, {"kind": "special", "topic": "x", "findings": [findings[0].pk]}).status_code == 404
    assert InspectionReport.objects.filter(inspection=seed001).count() == 2
    # a second inspection report: the refusal is shown, nothing made
    response = clients["member"].post(url, {"kind": "comprehensive"}, follow=True)
    assert "本巡察任务已有巡察报告" in response.content.decode()


def test_edit_keeps_what_was_typed_and_the_diff_shows_the_change(clients: dict[str, Client], report: InspectionReport) -> None:
    url = f"/inspection-reports/{report.pk}/edit/"
    text = report.versions.get().text
    response = clients["member"].post(url, {"text": text, "note": "没有改动"})
    assert response.status_code == 400 and "正文没有变化" in response.content.decode() and 'value="没有改动"' in response.content.decode()
    response = clients["member"].post(url, {"text": text + "\n建议压实主体责任。", "note": "补充建议"})
    assert response.status_code == 302
    diff = clients["office"].get(f"/inspection-reports/{report.pk}/diff/?a=1&b=2").content.decode()
    assert '<p class="diff-add">+ 建议压实主体责任。</p>' in diff
    assert clients["office"].get(f"/inspection-reports/{report.pk}/diff/?a=1&b=9").status_code == 404
    assert clients["office"].get(f"/inspection-reports/{report.pk}/diff/?a=x&b=-1").status_code == 200
    detail = clients["leader"].get(f"/inspection-reports/{report.pk}/").content.decode()
    assert "第2版" in detail and "补充建议" in detail and "与上一版比较" in detail


def test_the_chain_through_the_pages(clients: dict[str, Client], report: InspectionReport) -> None:
    base = f"/inspection-reports/{report.pk}/"
    assert 'id="submit-form"' in clients["member"].get(base).content.decode()
    assert clients["member"].post(base + "submit/").status_code == 302
    # the leader sees the 组务会 form, the office does not yet
    assert 'name="step" value="team_meeting"' in clients["leader"].get(base).content.decode()
    assert 'id="decision-form"' not in clients["office"].get(base).content.decode()
    # a return without an opinion: refused on the form, the choice kept
    response = clients["leader"].post(base + "decide/", {"step": "team_meeting", "decision": "return", "opinion": ""})
    assert response.status_code == 400 and "退回修改须写明意见" in response.content.decode()
    assert 'value="return" required id="id_decision_1" checked' in response.content.decode()
    assert clients["leader"].post(base + "decide/", {"step": "team_meeting", "decision": "approve", "opinion": "同意"}).status_code == 302
    # a member posting the office's step is refused on the form
    response = clients["member"].post(base + "decide/", {"step": "office", "decision": "approve"})
    assert response.status_code == 400 and "只有本巡察任务所属巡察办可以审核巡察报告" in response.content.decode()
    assert clients["office"].post(base + "decide/", {"step": "office", "decision": "approve"}).status_code == 302
    page = clients["office"].get(base).content.decode()
    assert 'name="step" value="leading_group"' in page and "领导小组审定须填写会议纪要" in page
    response = clients["office"].post(base + "decide/", {"step": "leading_group", "decision": "approve", "opinion": "审定意见"})
    assert response.status_code == 400 and "请填写领导小组会议纪要" in response.content.decode() and "审定意见" in response.content.decode()
    assert clients["office"].post(base + "decide/", {"step": "leading_group", "decision": "approve",
                                                     "minutes": "领导小组第5次会议审定"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    page = clients["member"].get(base).content.decode()
    assert "已审定" in page and 'id="submit-form"' not in page and "领导小组第5次会议审定" in page
    assert 'id="not-editable"' in clients["member"].get(base + "edit/").content.decode()
    # posting the step again: the 409 conflict lands on the form
    response = clients["office"].post(base + "decide/", {"step": "leading_group", "decision": "approve", "minutes": "again"})
    assert response.status_code == 400 and "不在领导小组环节" in response.content.decode()
    response = clients["office"].get(base + "report.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    assert any("领导小组第5次会议审定" in c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_feedback_sessions_page(clients: dict[str, Client], approved_report: InspectionReport) -> None:
    inspection = approved_report.inspection
    url = f"/inspections/{inspection.pk}/feedback-meetings/"
    page = clients["leader"].get(url).content.decode()
    assert 'id="meeting-form-principal"' in page and 'id="meeting-form-leadership"' in page
    assert 'id="meeting-form-principal"' not in clients["office"].get(url).content.decode()
    today = timezone.localdate().isoformat()
    response = clients["leader"].post(url, {"leadership-audience": "leadership", "leadership-held_on": today,
                                            "leadership-place": "", "leadership-host": "组长", "leadership-attendees": "班子"})
    assert response.status_code == 400 and "请填写地点" in response.content.decode() and 'value="组长"' in response.content.decode()
    response = clients["leader"].post(url, {"leadership-audience": "leadership", "leadership-held_on": today,
                                            "leadership-place": "会议室", "leadership-host": "组长", "leadership-attendees": "班子"})
    assert response.status_code == 302
    assert Feedback.objects.filter(inspection=inspection, feedback_on=timezone.localdate()).exists()
    assert clients["member"].post(url, {"principal-audience": "principal"}).status_code == 404
    page = clients["office"].get(url).content.decode()
    assert "整改报告应于" in page and 'id="feedback-docx-leadership"' in page
    response = clients["office"].get(f"{url}leadership.docx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert clients["office"].get(f"{url}principal.docx").status_code == 404


def test_before_approval_the_feedback_page_says_so(clients: dict[str, Client], report: InspectionReport) -> None:
    page = clients["leader"].get(f"/inspections/{report.inspection.pk}/feedback-meetings/").content.decode()
    assert "巡察报告经领导小组审定后才能反馈" in page and 'id="meeting-form-principal"' not in page


def _pages(report: InspectionReport) -> dict[str, tuple[str, set[str]]]:
    i, r = report.inspection.pk, report.pk
    return {
        "list": (f"/inspections/{i}/inspection-reports/", READERS),
        "detail": (f"/inspection-reports/{r}/", READERS),
        "edit": (f"/inspection-reports/{r}/edit/", TEAM),
        "diff": (f"/inspection-reports/{r}/diff/", READERS),
        "docx": (f"/inspection-reports/{r}/report.docx", READERS),
        "feedback": (f"/inspections/{i}/feedback-meetings/", READERS),
        "feedback_docx": (f"/inspections/{i}/feedback-meetings/principal.docx", READERS),
    }


def test_access_matrix_of_every_page(clients: dict[str, Client], approved_report: InspectionReport) -> None:
    services.feedback_meeting_record(actor=user("leader"), inspection=approved_report.inspection, data=services.MeetingData(
        audience="principal", held_on=timezone.localdate(), place="办公室", host="组长", attendees="书记"))
    seen: dict[tuple[str, str], int] = {}
    for name, (url, allowed) in _pages(approved_report).items():
        for persona in PERSONAS:
            seen[(name, persona)] = clients[persona].get(url).status_code
            assert seen[(name, persona)] == (200 if persona in allowed else 404), (name, persona)
        assert clients["anonymous"].get(url).status_code == 302
    # the writes: nobody outside the team reaches them (404), the office included for the team's own acts
    r = approved_report.pk
    for url in (f"/inspection-reports/{r}/submit/", f"/inspection-reports/{r}/regenerate/"):
        for persona in PERSONAS:
            status = clients[persona].post(url).status_code
            assert status == (302 if persona in TEAM else 404), (url, persona)
    for persona in PERSONAS:
        status = clients[persona].post(f"/inspection-reports/{r}/decide/", {"step": "office", "decision": "approve"}).status_code
        assert status == (400 if persona in READERS else 404), persona


def test_the_inspection_page_links_to_the_reports(clients: dict[str, Client], seed001: Any) -> None:
    for persona in ("office", "leader", "member"):
        assert f"/inspections/{seed001.pk}/inspection-reports/" in clients[persona].get(f"/inspections/{seed001.pk}/").content.decode()
