"""Demo of the round's tail after the ledger (xuncha.aftercare), for seed 001 (`市委第五巡察组`), after the
rectification demo: the office leaves the item under investigation out of the publication and publishes the
rectification status (its public page and .docx), then assesses the rectification with the default
indicators, per item and overall, and finishes the assessment; a 回头看 inspection of the same target
(a later follow-up round) starts from the open items, and one of its findings is marked 整改不到位.

All through the real services as the demo users would; the 2024–2025 dates of publication and assessment
are set afterwards with `.update()` (the audit log keeps the moment of loading)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.aftercare.models import Assessment, Publication
from xuncha.aftercare.services import exemption_set, publication_publish
from xuncha.aftercare.services_assessment import ItemScoreIn, ScoreIn, assessment_finish, assessment_score, assessment_start
from xuncha.aftercare.services_revisit import revisit_create, revisit_mark
from xuncha.inspections import services as inspections
from xuncha.inspections.models import Inspection, RoundKind
from xuncha.rectification.models import Finding, ItemStatus, RectificationItem
from xuncha.rectification.services import FindingData, finding_create, finding_decide, finding_submit

SEED_001_TEAM = "市委第五巡察组"
CST = ZoneInfo("Asia/Shanghai")
PUBLISHED_AT = dt.datetime(2024, 11, 15, 10, 0, tzinfo=CST)
ASSESSED_AT = dt.datetime(2025, 3, 20, 16, 0, tzinfo=CST)
# What the office scores on the five default indicators (30, 20, 20, 15, 15).
INDICATOR_SCORES = [("24", "5项整改事项已销号1项、长期坚持1项"), ("14", "1项逾期未启动"), ("15", "1项佐证材料不足被退回"),
                    ("13", "修订招标管理办法、公务用车使用管理规定"), ("12", "回访师生满意度较高")]
CONCLUSION = ("防城港职业技术学院党委对巡察反馈问题整改态度端正，基建工程招投标问题整改较为彻底，制度建设取得成效；"
              "专项资金设备闲置问题整改进度滞后，公务用车登记制度落实不到位。\n"
              "建议：对逾期未完成事项加强督办，将整改成效纳入下一轮巡察“回头看”重点。")


def load_demo_aftercare(inspections_: Iterable[Inspection], today: dt.date | None = None) -> Publication | None:
    """Publication, assessment and a 回头看 for seed 001 (after `load_demo_rectification`). Returns the publication."""
    seed001 = next((i for i in inspections_ if i.team.name == SEED_001_TEAM), None)
    if seed001 is None or not RectificationItem.objects.filter(inspection=seed001).exists():
        return None
    users = {u.username: u for u in User.objects.filter(username__in=["office", "leader", "member", "sysadmin"])}
    office = users["office"]
    with transaction.atomic():
        items = list(RectificationItem.objects.filter(inspection=seed001).order_by("number"))
        under_investigation = items[0]  # its clues went to the discipline inspection body
        exemption_set(actor=office, item=under_investigation, reason="investigation", note="相关问题线索正由纪检监察机构调查处理")
        publication = publication_publish(actor=office, inspection=seed001)
        publication.published_at = PUBLISHED_AT
        publication.content["published_on"] = PUBLISHED_AT.date().isoformat()
        publication.save(update_fields=["published_at", "content"])

        assessment = assessment_start(actor=office, inspection=seed001)
        lines = list(assessment.indicator_scores.all())
        scores = {line.pk: ScoreIn(score=s, note=n) for line, (s, n) in zip(lines, INDICATOR_SCORES, strict=False)}
        ratings = {s.item_id: ItemScoreIn(rating=s.rating, score=str(s.score), note="") for s in assessment.item_scores.all()}
        assessment_score(actor=office, assessment=assessment, indicators=scores, items=ratings, conclusion=CONCLUSION)
        assessment_finish(actor=office, assessment=assessment)
        Assessment.objects.filter(pk=assessment.pk).update(created_at=ASSESSED_AT, finalized_at=ASSESSED_AT)

        _revisit(seed001, users)
    return publication


def _revisit(earlier: Inspection, users: dict[str, User]) -> None:
    office, leader, member = users["office"], users["leader"], users["member"]
    rnd = inspections.round_create(actor=office, name="2025年市委巡察整改“回头看”", kind=RoundKind.FOLLOWUP, year=2025,
                                   office=earlier.office)
    team = inspections.team_create(actor=office, round=rnd, name="市委巡察“回头看”第一组")
    revisit = revisit_create(actor=office, earlier=earlier, round=rnd, team=team, start_date=dt.date(2025, 9, 1), working_days=20)
    sysadmin = users["sysadmin"]
    role_assign(actor=sysadmin, user=leader, role=Role.TEAM_LEADER, team=team, system=True)
    role_assign(actor=sysadmin, user=member, role=Role.TEAM_MEMBER, team=team, system=True)
    found = finding_create(actor=member, inspection=revisit, data=FindingData(
        title="专项资金购置的实训设备仍有部分闲置，盘活方案未落实",
        facts="回头看实地查看实训设备仓库：上轮巡察指出的闲置设备已建立台账，但调剂、盘活方案未执行，仍有部分设备未拆封。",
        rule_broken="专项资金专款专用、注重绩效的规定；巡察整改有关规定。", focus="rectification", disciplines=["work"]))
    finding_submit(actor=member, finding=found)
    finding_decide(actor=leader, finding=found, approve=True)
    earlier_finding = (Finding.objects.filter(inspection=earlier, state=Finding.State.APPROVED,
                                              items__status__in=[ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS])
                       .order_by("-number").first())
    if earlier_finding is not None:
        revisit_mark(actor=member, finding=found, earlier=earlier_finding, note="闲置设备盘活方案未落实，整改不到位")
