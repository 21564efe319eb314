"""Writes of the assessment (整改评估): the office configures the indicators, starts an assessment (which copies
them and proposes a rating for every ledger item from its status), scores the sheet overall and per item,
finishes it (frozen), and exports the assessment report (.docx)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid, NotFound
from xuncha.inspections.models import Inspection

from . import documents
from .access import can_assess, can_read, require
from .models import Assessment, Indicator, IndicatorScore, ItemRating, ItemScore
from .selectors import DEFAULT_INDICATORS, assessment_items, indicators_current, suggested_rating

ITEM_SCORE_FOR = {"done": Decimal(100), "mostly": Decimal(80), "ongoing": Decimal(70), "not_done": Decimal(40)}
MAX_CONCLUSION = 5000


@dataclass(frozen=True)
class ScoreIn:
    score: str
    note: str = ""


@dataclass(frozen=True)
class ItemScoreIn:
    rating: str
    score: str
    note: str = ""


def _office(actor: User) -> None:
    if not allows(actor, Kind.INSPECTION, Purpose.WORK, None):
        raise NotFound


def indicator_save(*, actor: User, name: str, max_score: int, hint: str = "", order: int = 0, active: bool = True,
                   indicator: Indicator | None = None, request: HttpRequest | None = None) -> Indicator:
    """Add or change an indicator of the score sheet (the office). The first change keeps the defaults as rows."""
    _office(actor)
    name, hint = name.strip(), hint.strip()
    problems = []
    if not name or len(name) > 60:
        problems.append("指标名称须填写，且不超过60字。")
    if not 1 <= max_score <= 100:
        problems.append("分值应在1到100之间。")
    if len(hint) > 200:
        problems.append("评分说明不能超过200字。")
    if Indicator.objects.filter(name=name).exclude(pk=indicator.pk if indicator else 0).exists():
        problems.append(f"已有名为“{name}”的指标。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        if not Indicator.objects.exists():
            Indicator.objects.bulk_create([Indicator(name=n, max_score=m, hint=h, order=i)
                                           for i, (n, m, h) in enumerate(DEFAULT_INDICATORS, 1) if n != name])
        obj = indicator or Indicator()
        obj.name, obj.max_score, obj.hint, obj.order, obj.active = name, max_score, hint, order, active
        obj.save()
        audit_record(actor=actor, action="indicator.save", obj=obj, request=request,
                     summary=f"{'修改' if indicator else '增加'}评估指标：{obj}{'' if active else '（停用）'}")
    return obj


def _decide(actor: User, inspection: Inspection) -> None:
    require(can_assess(actor, inspection), can_read(actor, inspection), "只有巡察办可以评估整改情况。")


def _open(assessment: Assessment) -> None:
    if assessment.state == Assessment.State.FINAL:
        raise Conflict("该评估已完成，不能再修改。")


def assessment_start(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> Assessment:
    """Start the assessment of an inspection's rectification: the current indicators copied, every ledger
    item given the rating its status suggests (the office then corrects the sheet)."""
    _decide(actor, inspection)
    items = assessment_items(inspection)
    if not items:
        raise Invalid("整改台账中还没有整改事项，无法评估。")
    indicators = indicators_current()
    if not indicators:
        raise Invalid("没有启用的评估指标，请先在“评估指标”中设置。")
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        if Assessment.objects.filter(inspection=inspection).exists():
            raise Conflict("该巡察任务已开始评估。")
        assessment = Assessment.objects.create(inspection=inspection, created_by=actor)
        IndicatorScore.objects.bulk_create([IndicatorScore(assessment=assessment, order=n, name=i.name, max_score=i.max_score,
                                                           hint=i.hint) for n, i in enumerate(indicators, 1)])
        ItemScore.objects.bulk_create([ItemScore(assessment=assessment, item=item, rating=suggested_rating(item),
                                                 score=ITEM_SCORE_FOR[suggested_rating(item)]) for item in items])
        audit_record(actor=actor, action="assessment.start", obj=assessment, request=request,
                     summary=f"开始整改评估：{inspection}，指标{len(indicators)}项、事项{len(items)}项")
    return assessment


def _decimal(text: str, low: Decimal, high: Decimal, label: str, problems: list[str]) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        problems.append(f"{label}：请填写数字。")
        return None
    if not low <= value <= high:
        problems.append(f"{label}：应在{low}到{high}之间。")
        return None
    return value


def assessment_score(*, actor: User, assessment: Assessment, indicators: Mapping[int, ScoreIn],
                     items: Mapping[int, ItemScoreIn], conclusion: str, request: HttpRequest | None = None) -> Assessment:
    """Save the score sheet: indicator lines (by id) and item lines (by item id); all checked before any is saved."""
    _decide(actor, assessment.inspection)
    _open(assessment)
    problems: list[str] = []
    lines = {line.pk: line for line in assessment.indicator_scores.all()}
    scores = {s.item_id: s for s in assessment.item_scores.select_related("item")}
    if set(indicators) - set(lines) or set(items) - set(scores):
        raise Invalid("评分表已变化，请刷新页面后重新填写。")
    for pk, given in indicators.items():
        line = lines[pk]
        line.score = _decimal(given.score, Decimal(0), Decimal(line.max_score), line.name, problems)
        line.note = given.note.strip()[:300]
    for pk, item_in in items.items():
        score = scores[pk]
        label = f"整改事项{score.item.number}"
        if item_in.rating not in ItemRating.values:
            problems.append(f"{label}：请选择评价。")
        if not item_in.score.strip():
            problems.append(f"{label}：请填写得分。")
        value = _decimal(item_in.score, Decimal(0), Decimal(100), label, problems)
        score.rating, score.note = item_in.rating, item_in.note.strip()[:300]
        if value is not None:
            score.score = value
    if len(conclusion) > MAX_CONCLUSION:
        problems.append(f"评估结论不能超过{MAX_CONCLUSION}字。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        IndicatorScore.objects.bulk_update([lines[pk] for pk in indicators], ["score", "note"])
        ItemScore.objects.bulk_update([scores[pk] for pk in items], ["rating", "score", "note"])
        assessment.conclusion = conclusion.strip()
        assessment.save(update_fields=["conclusion"])
        audit_record(actor=actor, action="assessment.score", obj=assessment, request=request,
                     summary=f"填写整改评估评分表：{assessment.inspection}")
    return assessment


def assessment_finish(*, actor: User, assessment: Assessment, request: HttpRequest | None = None) -> Assessment:
    """Finish the assessment: every indicator scored and a conclusion written; then it is frozen."""
    _decide(actor, assessment.inspection)
    _open(assessment)
    missing = [line.name for line in assessment.indicator_scores.all() if line.score is None]
    problems = [f"指标“{name}”尚未评分。" for name in missing]
    if not assessment.conclusion.strip():
        problems.append("请先填写评估结论。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        assessment.state, assessment.finalized_by, assessment.finalized_at = Assessment.State.FINAL, actor, timezone.now()
        assessment.save(update_fields=["state", "finalized_by", "finalized_at"])
        audit_record(actor=actor, action="assessment.finish", obj=assessment, request=request,
                     summary=f"完成整改评估：{assessment.inspection}")
    return assessment


def assessment_docx_export(*, actor: User, assessment: Assessment, request: HttpRequest | None = None) -> bytes:
    require(can_read(actor, assessment.inspection), False, "")
    content = documents.assessment_docx(assessment)
    with transaction.atomic():
        audit_record(actor=actor, action="assessment.export", obj=assessment, request=request,
                     summary=f"导出整改评估报告：{assessment.inspection}")
    return content
