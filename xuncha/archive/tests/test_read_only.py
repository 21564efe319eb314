"""A filed inspection is read-only on every path: every write endpoint of the API answers 409 with the
Chinese message, a representative set of pages refuses with the same message, background jobs leave it
alone; the office reopens it with a reason (audited) and writes work again.

The API walk enumerates the API's write operations itself: an operation added later (by any app) fails
this test until it is listed here with a caller and a body, or listed as not about an inspection."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, demo_worked
from xuncha.access import FILED_MESSAGE
from xuncha.api.api import api
from xuncha.archive.services import archive_file
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db

# Writes that touch no inspection (or only the caller's own account) and stay open.
NOT_ABOUT_AN_INSPECTION = {
    ("POST", "/auth/token"), ("POST", "/auth/password"), ("POST", "/announcements/parse"),
    ("POST", "/me/notifications/read"),
    # The public's writes: filing closes the inspection, so these are refused like any closed one
    # (the services themselves are checked in test_public_writes_refused).
    ("POST", "/public/inspections/{inspection_id}/reports"), ("POST", "/public/surveys/{survey_id}/responses"),
    # The archive's own: filing a filed inspection is checked below (409), reopening is the way back.
    ("POST", "/inspections/{inspection_id}/archive/reopen"),
}

# POSTs that only read the inspection (a background export of a filed round's ledger stays possible);
# the walk checks that it is accepted.
READS_BY_POST = {("POST", "/inspections/{inspection_id}/ledger.xlsx/jobs")}


def write_operations() -> set[tuple[str, str]]:
    out = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    if method != "GET":
                        out.add((method, ("/" + prefix.strip("/") + "/" + path.lstrip("/")).replace("//", "/")))
    return out


@pytest.fixture
def filed_world(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with its reports, rectification, fieldwork, documents and surveys; then all three demo
    inspections filed."""
    inspections = demo_worked(demo)
    _special_report(demo)
    office = demo["users"]["office"]
    for inspection in inspections:
        archive_file(actor=office, inspection=inspection)
    return {"inspections": [Inspection.objects.get(pk=i.pk) for i in inspections], **demo}


def _special_report(demo: dict[str, Any]) -> None:
    """A 专题报告 of seed 001 (the demo has none), so that its endpoints are walked too."""
    from xuncha.rectification.models import Finding
    from xuncha.reporting.services import report_create

    approved = list(Finding.objects.filter(inspection=demo["seed001"], state=Finding.State.APPROVED).order_by("number")[:1])
    report_create(actor=demo["users"]["member"], inspection=demo["seed001"], kind="special", topic="选人用人", findings=approved)


def _objects(world: dict[str, Any]) -> dict[str, Any]:
    from xuncha.fieldwork.models import DocumentItem, Interview
    from xuncha.rectification.models import RectificationItem
    from xuncha.surveys.models import CodeBatch, Survey
    from xuncha.triage.models import Disposition

    ids = [i.pk for i in world["inspections"]]
    seed = world["seed001"]
    report = seed.reports.order_by("id").first()
    item = DocumentItem.objects.filter(request__inspection_id__in=ids).select_related("request").first()
    assert report is not None and item is not None
    return {
        "inspection": seed, "report": report, "channel": seed.channels.first(),
        "disposition": Disposition.objects.filter(report__inspection_id__in=ids).first(),
        "ledger_item": RectificationItem.objects.filter(inspection_id__in=ids).exclude(status="signed_off").first(),
        "doc_item": item,
        "interview": Interview.objects.filter(inspection_id__in=ids).first(),
        "survey": Survey.objects.filter(inspection_id__in=ids).first(),
        "batch": CodeBatch.objects.filter(survey__inspection_id__in=ids, voided_at__isnull=True).select_related("survey").first(),
        "finding": seed.findings.first(),
        "special": seed.inspection_reports.filter(kind="special").first(),
    }


def _calls(o: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str, dict[str, Any]]]:
    """(method, path) -> (persona, url, JSON body): a caller the rules would let, a body that validates."""
    i = o["inspection"].pk
    received = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0)).isoformat()
    return {
        ("POST", "/inspections/{inspection_id}/reports"): ("leader", f"/api/v1/inspections/{i}/reports", {
            "channel": o["channel"].pk, "received_at": received, "content": "反映某处长违规收受礼金。"}),
        ("PUT", "/reports/{report_id}/labels"): ("leader", f"/api/v1/reports/{o['report'].pk}/labels", {"disciplines": ["integrity"]}),
        ("POST", "/reports/{report_id}/disposition"): ("leader", f"/api/v1/reports/{o['report'].pk}/disposition",
                                                       {"kind": "file", "reason": "存查"}),
        ("POST", "/dispositions/{disposition_id}/decision"): (
            "leader", f"/api/v1/dispositions/{o['disposition'].pk}/decision", {"approve": True}),
        ("POST", "/inspections/{inspection_id}/reports/bulk"): ("leader", f"/api/v1/inspections/{i}/reports/bulk", {
            "action": "scope", "report_ids": [o["report"].pk], "scope": "in", "reason": "属于受理范围"}),
        ("POST", "/ledger-items/{item_id}/progress"): ("liaison", f"/api/v1/ledger-items/{o['ledger_item'].pk}/progress",
                                                       {"text": "已完成", "status": "in_progress"}),
        ("POST", "/ledger-items/{item_id}/sign-off"): ("office", f"/api/v1/ledger-items/{o['ledger_item'].pk}/sign-off", {}),
        ("POST", "/ledger-items/{item_id}/return"): ("office", f"/api/v1/ledger-items/{o['ledger_item'].pk}/return",
                                                     {"reason": "佐证不足"}),
        ("POST", "/inspections/{inspection_id}/document-requests"): (
            "leader", f"/api/v1/inspections/{i}/document-requests", {"items": [{"name": "党委会会议记录"}], "due_days": 5}),
        ("POST", "/document-requests/{request_id}/items/{item_id}/delivery"): (
            "liaison", f"/api/v1/document-requests/{o['doc_item'].request_id}/items/{o['doc_item'].pk}/delivery",
            {"decline_reason": "无此资料"}),
        ("POST", "/inspections/{inspection_id}/findings"): ("leader", f"/api/v1/inspections/{i}/findings",
                                                            {"title": "问题", "facts": "事实"}),
        ("POST", "/inspections/{inspection_id}/interviews"): ("leader", f"/api/v1/inspections/{i}/interviews",
                                                              {"category": "chosen", "interviewee_name": "王某"}),
        ("POST", "/interviews/{interview_id}/record"): ("leader", f"/api/v1/interviews/{o['interview'].pk}/record",
                                                        {"summary": "谈话记录"}),
        ("POST", "/inspections/{inspection_id}/surveys"): ("leader", f"/api/v1/inspections/{i}/surveys", {"template": "blank"}),
        ("PUT", "/surveys/{survey_id}"): ("leader", f"/api/v1/surveys/{o['survey'].pk}", {"questions": []}),
        ("POST", "/surveys/{survey_id}/publish"): ("leader", f"/api/v1/surveys/{o['survey'].pk}/publish", {}),
        ("POST", "/surveys/{survey_id}/codes"): ("leader", f"/api/v1/surveys/{o['survey'].pk}/codes",
                                                 {"group": "teachers", "count": 5}),
        ("POST", "/surveys/{survey_id}/codes/{batch}/void"): (
            "leader", f"/api/v1/surveys/{o['batch'].survey_id}/codes/{o['batch'].number}/void", {"reason": "纸条误发"}),
        ("POST", "/surveys/{survey_id}/codes/{batch}/slips.pdf"): (
            "leader", f"/api/v1/surveys/{o['batch'].survey_id}/codes/{o['batch'].number}/slips.pdf", {}),
        ("POST", "/inspections/{inspection_id}/special-reports"): (
            "member", f"/api/v1/inspections/{i}/special-reports", {"topic": "选人用人", "finding_ids": [o["finding"].pk]}),
        ("POST", "/inspections/{inspection_id}/special-reports/{report_id}/versions"): (
            "member", f"/api/v1/inspections/{i}/special-reports/{o['special'].pk}/versions", {"text": "改写的正文"}),
        ("POST", "/inspections/{inspection_id}/special-reports/{report_id}/submit"): (
            "member", f"/api/v1/inspections/{i}/special-reports/{o['special'].pk}/submit", {}),
        ("POST", "/inspections/{inspection_id}/special-reports/{report_id}/decision"): (
            "leader", f"/api/v1/inspections/{i}/special-reports/{o['special'].pk}/decision",
            {"step": "team_meeting", "decision": "approve"}),
        ("POST", "/inspections/{inspection_id}/report/decision"): (
            "office", f"/api/v1/inspections/{i}/report/decision", {"step": "office", "decision": "approve", "opinion": "同意"}),
        ("POST", "/inspections/{inspection_id}/rectification-plan"): ("liaison", f"/api/v1/inspections/{i}/rectification-plan", {
            "items": [{"finding_id": o["finding"].pk, "task": "任务", "measures": "措施", "responsible_leader": "书记",
                       "responsible_department": "党委办公室", "long_term": True}], "submit": False}),
        ("POST", "/inspections/{inspection_id}/rectification-plan/decision"): (
            "office", f"/api/v1/inspections/{i}/rectification-plan/decision", {"decision": "approve", "opinion": "同意"}),
        ("POST", "/inspections/{inspection_id}/rectification-reports"): (
            "liaison", f"/api/v1/inspections/{i}/rectification-reports", {"kind": "principal", "submit": False}),
        ("POST", "/inspections/{inspection_id}/rectification-reports/decision"): (
            "office", f"/api/v1/inspections/{i}/rectification-reports/decision",
            {"kind": "leadership", "decision": "approve", "opinion": "同意"}),
        ("POST", "/inspections/{inspection_id}/publication"): ("office", f"/api/v1/inspections/{i}/publication", {"intro": "整改情况"}),
        ("POST", "/inspections/{inspection_id}/archive"): ("office", f"/api/v1/inspections/{i}/archive", {}),
    }


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_every_write_endpoint_answers_409_on_a_filed_inspection(filed_world: dict[str, Any]) -> None:
    calls = _calls(_objects(filed_world))
    unlisted = write_operations() - set(calls) - NOT_ABOUT_AN_INSPECTION - READS_BY_POST
    assert unlisted == set(), f"write operations not walked (add them to _calls): {sorted(unlisted)}"
    # The last id, not the count: PostgreSQL's sequence leaves gaps.
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    answers = {}
    for (method, path), (persona, url, body) in sorted(calls.items()):
        response = _send(client_for(filed_world["users"][persona]), method, url, body)
        answers[(method, path)] = (response.status_code, response.json().get("detail", ""))
    wrong = {k: v for k, v in answers.items() if v != (409, FILED_MESSAGE)}
    assert wrong == {}
    seed = filed_world["inspections"][0]
    export = _send(client_for(filed_world["users"]["office"]), "POST", f"/api/v1/inspections/{seed.pk}/ledger.xlsx/jobs", {})
    assert export.status_code == 202, export.content  # reading a filed round stays open
    # Nothing was written, not even an audit event of a write.
    assert not AuditEvent.objects.filter(pk__gt=before).exclude(action__endswith=(".view")).exclude(
        action__in=["inspection.view", "report.view", "report.list"]).filter(
        action__in=["report.register", "disposition.propose", "ledger.progress", "finding.create", "survey.create"]).exists()
    _reopened_with_a_reason_the_writes_work_again(filed_world)


def _reopened_with_a_reason_the_writes_work_again(filed_world: dict[str, Any]) -> None:
    o = _objects(filed_world)
    office, leader = filed_world["users"]["office"], client_for(filed_world["users"]["leader"])
    persona, url, body = _calls(o)[("POST", "/inspections/{inspection_id}/findings")]
    assert _send(leader, "POST", url, body).status_code == 409
    office_client = client_for(office)
    no_reason = _send(office_client, "POST", f"/api/v1/inspections/{o['inspection'].pk}/archive/reopen", {"reason": " "})
    assert no_reason.status_code == 400
    reopened = _send(office_client, "POST", f"/api/v1/inspections/{o['inspection'].pk}/archive/reopen",
                     {"reason": "补录整改报告"})
    assert reopened.status_code == 200
    event = AuditEvent.objects.filter(action="archive.reopen").latest("id")
    assert event.data["reason"] == "补录整改报告"
    assert _send(leader, "POST", url, body).status_code == 201
    # Filing again: a new version; the old package stays.
    again = _send(office_client, "POST", f"/api/v1/inspections/{o['inspection'].pk}/archive", {})
    assert again.status_code == 201 and again.json()["version"] == 2
    assert _send(leader, "POST", url, body).status_code == 409


def test_pages_and_background_jobs_refuse_writes(filed_world: dict[str, Any]) -> None:
    _pages_refuse_writes_with_the_message_and_still_read(filed_world)
    _background_jobs_leave_a_filed_inspection_alone(filed_world)
    _public_writes_refused(filed_world)


def _pages_refuse_writes_with_the_message_and_still_read(filed_world: dict[str, Any]) -> None:
    o = _objects(filed_world)
    i = o["inspection"].pk
    leader = client_for(filed_world["users"]["leader"])
    office = client_for(filed_world["users"]["office"])
    liaison = client_for(filed_world["users"]["liaison"])
    # Reads keep working.
    for client, url in [(leader, f"/inspections/{i}/"), (leader, reverse("triage:queue", args=[i])),
                        (office, f"/inspections/{i}/"), (liaison, reverse("liaison:items")),
                        (leader, reverse("rectification:findings", args=[i])), (office, reverse("archive:inspection", args=[i]))]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
    assert "已于" in leader.get(f"/inspections/{i}/").content.decode()
    # Writes through pages: each refused with the same message, on the form or on the 409 page.
    pages = [
        (leader, reverse("rectification:finding_new", args=[i]), {"title": "问题", "facts": "事实", "rule_broken": "规定",
                                                                   "focus": "corruption"}),
        (leader, reverse("fieldwork:must_generate", args=[i]), {}),
        (leader, reverse("fieldwork:interview_outline", args=[o["interview"].pk]), {"outline": "提纲"}),
        (liaison, reverse("liaison:item", args=[o["ledger_item"].pk]), {"text": "进展", "status": "in_progress"}),
        (office, reverse("rectification:ledger_item_sign_off", args=[o["ledger_item"].pk]), {}),
        (office, reverse("archive:file", args=[i]), {}),
    ]
    for client, url, data in pages:
        response = client.post(url, data, follow=True)
        text = response.content.decode()
        assert response.status_code in (200, 400, 409), (url, response.status_code)
        assert FILED_MESSAGE in text or "已立卷归档" in text, url


def _background_jobs_leave_a_filed_inspection_alone(filed_world: dict[str, Any]) -> None:
    from xuncha.intake.services import ReportInput, report_register
    from xuncha.notify.models import Notification
    from xuncha.rectification.services.reminders import reminders_send

    seed = filed_world["seed001"]
    channel = seed.channels.first()
    with pytest.raises(Conflict) as refused:
        report_register(actor="邮箱收取", data=ReportInput(inspection=seed, content="来信", kind=channel.kind, channel=channel,
                                                          received_at=timezone.now()))
    assert refused.value.messages == [FILED_MESSAGE]
    Notification.objects.all().delete()
    reminders_send(today=dt.date(2027, 6, 1))
    assert not Notification.objects.filter(url__contains=f"/inspections/{seed.pk}/").exists()


def _public_writes_refused(filed_world: dict[str, Any]) -> None:
    from xuncha.fieldwork.services_talks import talk_request_submit

    with pytest.raises(Conflict):
        talk_request_submit(inspection=filed_world["seed001"], name="王某", contact="13800000000")

