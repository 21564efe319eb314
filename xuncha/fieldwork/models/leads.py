"""Leads (待核实问题): a problem raised by any kind of fieldwork (a matter in a talk record, something seen
on a visit, a document, a survey answer) that the team still has to verify. A lead is merged into a
finding (问题底稿, rectification) or closed with a reason; the team sees the open ones before feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.core.classify import FOCUS_LABELS
from xuncha.inspections.models import Inspection


class Lead(models.Model):
    class Source(models.TextChoices):
        INTERVIEW = "interview", "个别谈话"
        DOCUMENT = "document", "调阅资料"
        VISIT = "visit", "走访、座谈等"
        MEETING = "meeting", "组务会"
        SURVEY = "survey", "民主测评、问卷"
        BRIEFING = "briefing", "巡前情况通报"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        OPEN = "open", "待核实"
        MERGED = "merged", "已并入问题底稿"
        CLOSED = "closed", "已了结"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="leads")
    number = models.PositiveIntegerField("编号")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    # The id of the record it came from (an interview, a visit …), read through xuncha.fieldwork.evidence.
    source_id = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
    text = models.TextField("问题")
    disciplines = models.JSONField("涉及纪律", default=list, blank=True)
    focus = models.CharField("聚焦领域", max_length=20, choices=list(FOCUS_LABELS.items()), blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    close_reason = models.CharField("了结理由", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "待核实问题"
        verbose_name_plural = "待核实问题"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_lead_number")]

    def __str__(self) -> str:
        return f"线索{self.number}"
