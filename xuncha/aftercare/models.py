"""After the ledger (docs/architecture.md §6 "整改公开、评估与回头看"): the publication of the rectification
(整改公开) with the items the office exempts from it, the office's assessment (整改评估) with its configurable
indicators and per-item scores, and the marks of a 回头看 inspection's findings as 整改不到位 against the
findings of the inspection it revisits (`Inspection.revisit_of`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Finding, RectificationItem


class ExemptionReason(models.TextChoices):
    SECRET = "secret", "涉及国家秘密"
    PRIVACY = "privacy", "涉及个人隐私"
    INVESTIGATION = "investigation", "正在调查处理"
    OTHER = "other", "其他依规不宜公开的情形"


class PublicationExemption(models.Model):
    """An item the office leaves out of the publication, with the rule that allows it."""

    item = models.OneToOneField(RectificationItem, on_delete=models.CASCADE, related_name="publication_exemption")
    reason = models.CharField("不予公开的理由", max_length=16, choices=ExemptionReason.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "不予公开的整改事项"
        verbose_name_plural = "不予公开的整改事项"


class Publication(models.Model):
    """One published version of an inspection's rectification status. `content` is the snapshot the public
    page and the .docx show (built from the ledger when published, never from reports or fieldwork); the
    latest version is the public one."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField("版本")
    content = models.JSONField("公开内容")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公开时间")

    class Meta:
        verbose_name = "整改公开"
        verbose_name_plural = "整改公开"
        ordering = ["inspection", "-version"]
        constraints = [models.UniqueConstraint(fields=["inspection", "version"], name="uniq_publication_version")]


class Indicator(models.Model):
    """An indicator of the assessment score sheet, configured by the office (an assessment copies the
    active indicators when it starts, so later changes do not alter it)."""

    name = models.CharField("指标", max_length=60, unique=True)
    max_score = models.PositiveSmallIntegerField("分值")
    hint = models.CharField("评分说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "评估指标"
        verbose_name_plural = "评估指标"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_score}分）"


class Assessment(models.Model):
    """整改评估: the office's scored assessment of an inspection's rectification."""

    class State(models.TextChoices):
        DRAFT = "draft", "评估中"
        FINAL = "final", "已完成"

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="assessment")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.DRAFT)
    conclusion = models.TextField("评估结论", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finalized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "整改评估"
        verbose_name_plural = "整改评估"


class IndicatorScore(models.Model):
    """One line of the overall score sheet: an indicator as it was when the assessment started, and its score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicator_scores")
    order = models.PositiveSmallIntegerField()
    name = models.CharField("指标", max_length=60)
    max_score = models.PositiveSmallIntegerField("分值")
    hint = models.CharField("评分说明", max_length=200, blank=True)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField("扣分说明", max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "order", "id"]


class ItemRating(models.TextChoices):
    DONE = "done", "整改到位"
    MOSTLY = "mostly", "基本到位"
    ONGOING = "ongoing", "持续推进"
    NOT_DONE = "not_done", "整改不到位"


class ItemScore(models.Model):
    """The score of one ledger item in an assessment (0–100) with its rating."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="item_scores")
    item = models.ForeignKey(RectificationItem, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField("评价", max_length=16, choices=ItemRating.choices)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "item__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="uniq_item_score")]


class RevisitMark(models.Model):
    """回头看: a finding of the follow-up inspection marked as 整改不到位 against a finding of the inspection it revisits."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="revisit_marks")
    earlier = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="revisited_by")
    note = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改不到位"
        verbose_name_plural = "整改不到位"
        ordering = ["finding", "earlier__number"]
        constraints = [models.UniqueConstraint(fields=["finding", "earlier"], name="uniq_revisit_mark")]


ZERO = Decimal("0")
