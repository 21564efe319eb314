"""The demo's document requests and a finding standing on evidence, worked through the real services:
in the practice inspection the member asks the target for three items, the liaison uploads one file and
hands one original over on paper (the third is still due), and the member drafts a finding that cites a
report and the delivered document (and an interview record, when the "interview" evidence kind is
registered and the demo has one — found through the registry, not the talks code), and submits it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.fieldwork import evidence as registry
from xuncha.fieldwork import services_documents as docs
from xuncha.fieldwork.models.documents import DocumentItem
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.rectification.models import Finding
from xuncha.rectification.services import Cite, FindingData, finding_create, finding_submit

from .rectification import _pdf

INTERVIEW_MODEL = "Interview"  # the talks part's model, looked up by name (that code is not imported here)


@dataclass(frozen=True)
class DemoDocuments:
    items: int
    delivered: int
    finding: Finding | None

    def summary(self) -> str:
        cited = f"，问题底稿“问题{self.finding.number}”引用证据 {self.finding.evidence.count()} 项" if self.finding else ""
        return f"调阅资料：{self.items} 项，已报送 {self.delivered} 项{cited}。"


def _interview_cite(actor: User, inspection: Inspection) -> Cite | None:
    """An interview record of the inspection, if the talks part registered its evidence kind and loaded one."""
    if "interview" not in registry.kind_labels():
        return None
    try:
        model = apps.get_app_config("fieldwork").get_model(INTERVIEW_MODEL)
    except LookupError:
        return None
    for pk in model._default_manager.filter(inspection=inspection).order_by("pk").values_list("pk", flat=True)[:20]:
        if registry.resolve("interview", actor=actor, inspection_id=inspection.pk, object_id=pk) is not None:
            return Cite("interview", pk)
    return None


def load_demo_fieldwork_docs(inspections: Iterable[Inspection], today: dt.date | None = None) -> DemoDocuments:
    practice = next(i for i in inspections if i.is_practice)
    users = {u.username: u for u in User.objects.filter(username__in=["member", "leader", "liaison"])}
    member, liaison = users["member"], users["liaison"]
    req = docs.document_request_create(actor=member, inspection=practice, due_days=3, purpose="核实二食堂承包经营和伙食价格调整情况", items=[
        docs.ItemData("二食堂承包经营合同及续签材料", "2023—2025年", "copy"),
        docs.ItemData("后勤管理处党支部会议记录本", "2025年", "original"),
        docs.ItemData("本学期伙食价格调整文件及伙食管理委员会会议纪要", "2026年秋季学期", "electronic"),
    ])
    contract, minutes, prices = req.items.order_by("number")
    scan = _pdf("二食堂承包经营合同.pdf", "二食堂承包经营合同（续签）",
                ["甲方：示范职业技术学院后勤管理处", "乙方：示范餐饮服务部", "承包期限：三年，期满续签未经公开招标",
                 "价格调整：乙方可根据成本自行调整，报后勤管理处备案"])
    docs.document_item_deliver(actor=liaison, item=contract, files=[scan])
    handed = min(today or timezone.localdate(), timezone.localdate())
    docs.document_item_deliver(actor=liaison, item=minutes, on_paper=True, handed_over_on=handed, handed_over_by="后勤管理处 王某")
    docs.document_item_record(actor=member, item=minutes, kept_at="巡察组驻地资料柜 A-1", returned_on=None)
    del prices  # still due: the liaison's to-do shows it

    cites = [Cite("document", contract.pk, page=1, note="续签条款")]
    report = Report.objects.filter(inspection=practice, content__contains="食堂").order_by("number").first()
    if report is not None:
        cites.insert(0, Cite("report", report.pk))
    interview = _interview_cite(member, practice)
    if interview is not None:
        cites.append(interview)
    finding = finding_create(actor=member, inspection=practice, data=FindingData(
        title="二食堂承包合同续签未公开招标，价格调整只报备不听证",
        facts="经调阅二食堂承包经营合同（续签）：承包期满续签未经公开招标；合同约定乙方可根据成本自行调整价格，报后勤管理处备案即可，"
              "未规定经伙食管理委员会听证。",
        rule_broken="《学校食品安全与营养健康管理规定》关于以招投标等方式公开选择承包经营者的规定。",
        focus="corruption", disciplines=["integrity"], evidence=cites))
    finding = finding_submit(actor=member, finding=finding, opinion="事实清楚，证据为调阅的合同原文，建议认定。")
    delivered = DocumentItem.objects.filter(request=req).exclude(state=DocumentItem.State.WAITING).count()
    return DemoDocuments(items=req.items.count(), delivered=delivered, finding=finding)
