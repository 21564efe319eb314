"""A finding's evidence list (any registered kind, resolved within the inspection), the approval chain
承办人 → 副组长 → 组长 with opinions, the approval form, and leads merged or closed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.errors import Invalid, NotAllowed
from xuncha.fieldwork import services_documents as docs
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.tests.helpers_documents import docx_bytes, sent_request, upload
from xuncha.inspections import services as planning
from xuncha.inspections.models import Inspection, TeamMember
from xuncha.rectification import services as svc
from xuncha.rectification.evidence_reads import evidence_rows
from xuncha.rectification.models import Finding, FindingReview
from xuncha.rectification.services.evidence import Cite, finding_evidence_remove, finding_review_docx

pytestmark = pytest.mark.django_db


def deputy_of(inspection: Inspection) -> User:
    office, sysadmin = User.objects.get(username="office"), User.objects.get(username="sysadmin")
    user = User.objects.create(username="deputy", display_name="演示副组长")
    role_assign(actor=sysadmin, user=user, role=Role.TEAM_LEADER, team=inspection.team, system=True)
    planning.team_member_add(actor=office, team=inspection.team, name="演示副组长", position=TeamMember.Position.DEPUTY, user=user)
    return User.objects.get(pk=user.pk)


def delivered_item(demo: dict[str, Any]) -> Any:
    req = sent_request(demo)
    item = req.items.get(number=2)
    docs.document_item_deliver(actor=demo["users"]["liaison"], item=item, files=[upload("招标.docx", docx_bytes("招标文件"))])
    return item


def draft(demo: dict[str, Any], cites: list[Cite]) -> Finding:
    return svc.finding_create(actor=demo["users"]["member"], inspection=demo["practice"], data=svc.FindingData(
        title="基建项目未经集体研究", facts="体育馆维修工程未经党委会研究。", rule_broken="", focus="", draft=True, evidence=cites))


def test_a_draft_cites_a_report_and_a_document(demo: dict[str, Any], register: Any) -> None:
    item = delivered_item(demo)
    report = register("体育馆维修工程未经党委会研究。", [("赵某", "院长", "leadership")], inspection=demo["practice"])
    finding = draft(demo, [Cite("report", report.pk), Cite("document", item.pk, page=3, note="第3页中标通知")])
    rows = evidence_rows(user=demo["users"]["leader"], finding=finding)
    assert [r.label for r in rows] == [f"信访件 {report.reference}", f"调阅资料 {item.request.number}-2《基建项目招投标资料》 第3页"]
    assert rows[0].url == f"/reports/{report.pk}/" and rows[1].url.endswith(f"#item-{item.pk}")


def test_evidence_of_another_inspection_or_unknown_kind_is_refused(demo: dict[str, Any], register: Any) -> None:
    other = register("采购设备价格偏高。", [("钱某", "处长", "key_post")], inspection=demo["other"], kind="phone")
    own_elsewhere = register("食堂承包合同未经集体研究。", [("赵某", "院长", "leadership")])
    with pytest.raises(Invalid) as exc:
        draft(demo, [Cite("report", other.pk), Cite("report", own_elsewhere.pk), Cite("document", 999_999), Cite("rumour", 1)])
    messages = exc.value.messages
    assert len(messages) == 4 and "种类“rumour”不可用" in messages[3]
    assert not Finding.objects.filter(title="基建项目未经集体研究").exists()


def test_submit_needs_rule_and_focus(demo: dict[str, Any]) -> None:
    finding = draft(demo, [])
    with pytest.raises(Invalid, match="违反的规定、聚焦领域"):
        svc.finding_submit(actor=demo["users"]["member"], finding=finding)


def test_the_chain_member_deputy_leader_with_opinions(demo: dict[str, Any]) -> None:
    inspection = demo["practice"]
    member, leader = demo["users"]["member"], demo["users"]["leader"]
    deputy = deputy_of(inspection)
    with pytest.raises(NotAllowed):
        svc.review_setting_set(actor=member, inspection=inspection, deputy_step=True)
    svc.review_setting_set(actor=leader, inspection=inspection, deputy_step=True)
    finding = draft(demo, [])
    finding.rule_broken, finding.focus = "《中国共产党纪律处分条例》", "corruption"
    finding.save()
    finding = svc.finding_submit(actor=member, finding=finding, opinion="事实清楚，建议认定")
    assert finding.state == Finding.State.DEPUTY
    finding = svc.finding_decide(actor=deputy, finding=finding, approve=False, note="补充会议记录页码")
    assert finding.state == Finding.State.RETURNED and finding.return_note == "补充会议记录页码"
    finding = svc.finding_submit(actor=member, finding=finding)
    finding = svc.finding_decide(actor=deputy, finding=finding, approve=True, note="同意")
    assert finding.state == Finding.State.SUBMITTED
    with pytest.raises(NotAllowed):
        svc.finding_decide(actor=deputy, finding=finding, approve=True)
    finding = svc.finding_decide(actor=leader, finding=finding, approve=True, note="同意认定")
    assert finding.state == Finding.State.APPROVED
    trail = [(r.step, r.decision) for r in finding.reviews.all()]
    assert trail == [("handler", "submit"), ("deputy", "return"), ("handler", "submit"), ("deputy", "approve"), ("leader", "approve")]
    from docx import Document

    doc = Document(io.BytesIO(finding_review_docx(actor=leader, finding=finding, labels=[])))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "退回：补充会议记录页码" in cells and "同意：同意认定" in cells and "演示副组长" in cells
    assert FindingReview.objects.filter(finding=finding).count() == 5


def test_without_the_deputy_step_the_leader_decides_at_once(demo: dict[str, Any]) -> None:
    finding = draft(demo, [])
    Finding.objects.filter(pk=finding.pk).update(rule_broken="规定", focus="corruption")
    finding = svc.finding_submit(actor=demo["users"]["member"], finding=Finding.objects.get(pk=finding.pk))
    assert finding.state == Finding.State.SUBMITTED


def test_approved_evidence_is_locked_and_removal_works(demo: dict[str, Any]) -> None:
    item = delivered_item(demo)
    finding = draft(demo, [Cite("document", item.pk)])
    row = finding.evidence.get()
    finding_evidence_remove(actor=demo["users"]["member"], finding=finding, evidence_id=row.pk)
    assert not finding.evidence.exists()
    Finding.objects.filter(pk=finding.pk).update(state=Finding.State.APPROVED)
    with pytest.raises(Invalid):
        svc.finding_evidence_add(actor=demo["users"]["member"], finding=Finding.objects.get(pk=finding.pk), cite=Cite("document", item.pk))


def test_leads_merged_or_closed_and_shown_before_feedback(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    inspection, member = demo["practice"], demo["users"]["member"]
    leads = [Lead.objects.create(inspection=inspection, number=100 + n, source=Lead.Source.DOCUMENT, text=f"待核实问题{n}", created_by=member)
             for n in range(3)]
    page = clients["member"].get(f"/rectification/inspections/{inspection.pk}/feedback/").content.decode()
    assert "尚有 3 条待核实问题" in page
    assert "待核实问题" not in clients["office"].get(f"/rectification/inspections/{inspection.pk}/feedback/").content.decode()
    finding = draft(demo, [])
    svc.finding_lead_merge(actor=member, finding=finding, lead=leads[0])
    with pytest.raises(Invalid):
        svc.finding_lead_merge(actor=member, finding=finding, lead=leads[0])
    with pytest.raises(Invalid):
        svc.lead_close(actor=member, lead=leads[1], reason=" ")
    svc.lead_close(actor=member, lead=leads[1], reason="查无实据")
    states = dict(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("number", "state"))
    assert states == {100: "merged", 101: "closed", 102: "open"}
    assert list(finding.leads.all()) == [leads[0]]
    response = clients["member"].post(f"/rectification/inspections/{inspection.pk}/leads/close/", {"id": leads[2].pk, "reason": "已移交纪委"})
    assert response.status_code == 302 and Lead.objects.get(pk=leads[2].pk).state == "closed"
    assert timezone.now()
