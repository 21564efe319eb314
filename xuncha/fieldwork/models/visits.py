"""Visits, meetings and the other methods of fieldwork (走访/下沉, 座谈会, 列席会议, 个人有关事项抽查,
听取汇报) and the team's own meetings (组务会) with their decisions: one record each, with attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.uploads import attachment_storage


class VisitKind(models.TextChoices):
    VISIT = "visit", "走访、下沉"
    FORUM = "forum", "座谈会"
    SIT_IN = "sit_in", "列席会议"
    SPOT_CHECK = "spot_check", "个人有关事项抽查"
    BRIEFING = "briefing", "听取汇报"
    TEAM_MEETING = "team_meeting", "组务会"


class FieldRecord(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="field_records", verbose_name="巡察任务")
    number = models.PositiveIntegerField("编号")
    kind = models.CharField("方式", max_length=16, choices=VisitKind.choices)
    held_on = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=120, blank=True)
    title = models.CharField("事由", max_length=200)
    # 座谈会: [{"category": "教师", "count": 8}, ...]
    participants = models.JSONField("参加人员", default=list, blank=True)
    topics = models.TextField("议题", blank=True)
    notes = models.TextField("情况记录", blank=True)
    decisions = models.TextField("议定事项", blank=True)  # 组务会
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "走访座谈等记录"
        verbose_name_plural = "走访座谈等记录"
        ordering = ["inspection", "-held_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_field_record_number")]

    @property
    def label(self) -> str:
        return f"{self.get_kind_display()}记录 第{self.number}号"


class FieldAttachment(models.Model):
    record = models.ForeignKey(FieldRecord, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to="fieldwork/records/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
