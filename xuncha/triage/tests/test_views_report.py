"""A report's triage page: evidence highlighted, labels, subjects, scope, duplicates, dispositions
with the leader's approval; and who reaches it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import ReceivingBody
from xuncha.intake.models import Report, ReportStatus
from xuncha.triage.models import Clue, Disposition, Referral, Triage

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
NOBODY = ["office", "liaison", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"]


@pytest.fixture
def report(register) -> Report:
    return register(GIFT, [("赵某", "副院长", "unsure")])


def posts(report: Report) -> dict[str, dict]:
    return {
        "triage:labels": {"disciplines": ["integrity"]},
        "triage:subjects": {"subjects-TOTAL_FORMS": "1", "subjects-INITIAL_FORMS": "0", "subjects-0-name": "赵某",
                            "subjects-0-category": "leadership"},
        "triage:scope": {"scope": "in", "reason": "属于受理范围"},
        "triage:disposition": {"kind": "accept", "reason": "受理"},
    }


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_the_team_sees_the_triage_page_with_highlighted_evidence(clients, report, persona) -> None:
    r = clients[persona].get(reverse("triage:report", args=[report.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert '<mark class="' in body and "廉洁纪律" in body
    assert AuditEvent.objects.filter(action="report.view", object_id=str(report.pk)).exists()


@pytest.mark.parametrize("persona", NOBODY)
def test_nobody_else_reaches_it_or_changes_anything(clients, report, persona) -> None:
    assert clients[persona].get(reverse("triage:report", args=[report.pk])).status_code == 404
    for name, data in posts(report).items():
        assert clients[persona].post(reverse(name, args=[report.pk]), data).status_code == 404, name
    assert not Triage.objects.filter(pk=report.pk, labels_confirmed=True).exists()
    assert not Disposition.objects.exists()


def test_highlighting_escapes_html(register, clients) -> None:
    r = register("<script>alert(1)</script>副院长收受礼金")
    body = clients["member"].get(reverse("triage:report", args=[r.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_member_records_subjects_labels_and_scope(clients, report) -> None:
    c = clients["member"]
    subject = report.subjects.get()
    r = c.post(reverse("triage:subjects", args=[report.pk]), {
        "subjects-TOTAL_FORMS": "2", "subjects-INITIAL_FORMS": "1",
        "subjects-0-pk": subject.pk, "subjects-0-name": "赵某", "subjects-0-post": "副院长", "subjects-0-category": "leadership",
        "subjects-1-name": "孙某", "subjects-1-post": "人事处处长", "subjects-1-category": "key_post"})
    assert r.status_code == 302
    t = Triage.objects.get(pk=report.pk)
    assert t.scope == "in" and "赵某（领导班子成员）" in t.scope_reason
    assert sorted(report.subjects.values_list("name", "category")) == [("孙某", "key_post"), ("赵某", "leadership")]
    assert c.post(reverse("triage:labels", args=[report.pk]), {"disciplines": ["integrity", "organizational"],
                                                                "focuses": ["corruption"]}).status_code == 302
    t.refresh_from_db()
    assert t.labels_confirmed and t.discipline_codes == ["organizational", "integrity"]
    r = c.post(reverse("triage:scope", args=[report.pk]), {"scope": "out", "reason": ""})
    assert r.status_code == 400 and "这个字段是必填项" in r.content.decode()


def test_member_proposes_and_leader_approves_a_referral(clients, report) -> None:
    body = ReceivingBody.objects.get(name="中国计量大学党委组织部")
    r = clients["member"].post(reverse("triage:disposition", args=[report.pk]),
                               {"kind": "refer", "body": body.pk, "reason": "不属于巡察受理范围，转组织部门处理"})
    assert r.status_code == 302
    d = Disposition.objects.get()
    assert d.state == "proposed" and Report.objects.get(pk=report.pk).status == ReportStatus.REGISTERED
    # A member cannot decide; the leader sees the decision form.
    assert clients["member"].post(reverse("triage:decide", args=[d.pk]), {"decision": "approve"}).status_code == 404
    page = clients["leader"].get(reverse("triage:report", args=[report.pk])).content.decode()
    assert 'id="decide-form"' in page
    assert clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "approve"}).status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.REFERRED
    referral = Referral.objects.get()
    assert referral.body == body and referral.number == 1 and referral.due_on > referral.created_at.date()
    assert AuditEvent.objects.filter(action="disposition.approve").exists()


def test_refer_without_body_is_refused_in_chinese(clients, report) -> None:
    r = clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "refer", "reason": "转办"})
    assert r.status_code == 400 and "须选择接收单位" in r.content.decode()
    assert not Disposition.objects.exists()


def test_member_cannot_approve_directly(clients, report) -> None:
    r = clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "accept", "reason": "受理", "approve": "on"})
    assert r.status_code == 400 and "只有本巡察组组长" in r.content.decode()


def test_leader_returns_with_a_note_then_member_proposes_again(clients, report) -> None:
    clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "file", "reason": "存查"})
    d = Disposition.objects.get()
    clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "return"})
    d.refresh_from_db()
    assert d.state == "proposed"  # a return needs a note
    clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "return", "note": "证据尚不充分，先核实"})
    d.refresh_from_db()
    assert d.state == "returned" and d.decision_note == "证据尚不充分，先核实"
    clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "accept", "reason": "属于受理范围"})
    assert Disposition.objects.filter(state="proposed", kind="accept").exists()


def test_leader_transfers_a_clue_directly(clients, report) -> None:
    body = ReceivingBody.objects.get(name="中国计量大学纪委")
    r = clients["leader"].post(reverse("triage:disposition", args=[report.pk]),
                               {"kind": "transfer", "body": body.pk, "reason": "涉嫌违反廉洁纪律，移交纪委", "approve": "on"})
    assert r.status_code == 302
    clue = Clue.objects.get()
    assert clue.body == body and clue.batch is None
    assert Report.objects.get(pk=report.pk).status == ReportStatus.TRANSFERRED
    page = clients["leader"].get(reverse("triage:report", args=[report.pk])).content.decode()
    assert 'id="disposition-form"' not in page and "已移交" in page


def test_approvals_page_lists_pending_for_the_leader(clients, report) -> None:
    clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "accept", "reason": "受理"})
    d = Disposition.objects.get()
    r = clients["leader"].get(reverse("triage:approvals", args=[report.inspection_id]))
    assert report.reference in r.content.decode()
    clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "approve", "next": "approvals"})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_a_refused_decision_lands_on_the_decision_form(clients, report) -> None:
    clients["member"].post(reverse("triage:disposition", args=[report.pk]), {"kind": "file", "reason": "存查"})
    d = Disposition.objects.get()
    r = clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "return", "next": "approvals"})
    page = r.content.decode()
    assert r.status_code == 400 and "退回时请写明意见。" in page and 'id="decide-form"' in page
    clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "approve"})
    r = clients["leader"].post(reverse("triage:decide", args=[d.pk]), {"decision": "approve"})
    assert r.status_code == 400 and "该处置意见已审批。" in r.content.decode()


def test_a_refused_subject_change_keeps_what_was_typed(clients, report) -> None:
    r = clients["member"].post(reverse("triage:subjects", args=[report.pk]), {
        "subjects-TOTAL_FORMS": "1", "subjects-INITIAL_FORMS": "1",
        "subjects-0-pk": "999999", "subjects-0-name": "钱某", "subjects-0-post": "处长", "subjects-0-category": "key_post"})
    page = r.content.decode()
    assert r.status_code == 400 and "被反映人不属于该信访件。" in page and 'value="钱某"' in page
    assert list(report.subjects.values_list("name", flat=True)) == ["赵某"]
