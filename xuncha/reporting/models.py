"""The inspection report (巡察报告) and special reports (专题报告), their versions and their review chain
组务会 → 巡察办 → 领导小组; and the two feedback sessions (双反馈: to the principal and to the leadership team)
held from the approved report (docs/architecture.md, "巡察报告与反馈").

A version is never changed once written: an edit writes the next version. The version the leading group
approves is the report's `approved_version`, and the report is frozen from then on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Finding


class ReportKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "巡察报告"
    SPECIAL = "special", "专题报告"


class ReportState(models.TextChoices):
    DRAFT = "draft", "起草中"
    TEAM_MEETING = "team_meeting", "待组务会审议"
    OFFICE = "office", "待巡察办审核"
    LEADING_GROUP = "leading_group", "待领导小组审定"
    APPROVED = "approved", "已审定"
    RETURNED = "returned", "已退回修改"


class Step(models.TextChoices):
    TEAM_MEETING = "team_meeting", "组务会"
    OFFICE = "office", "巡察办"
    LEADING_GROUP = "leading_group", "领导小组"


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    RETURN = "return", "退回修改"


class InspectionReport(models.Model):
    """One report of an inspection: the 巡察报告 (at most one) or a 专题报告 on one matter."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="inspection_reports")
    number = models.PositiveIntegerField("编号")
    kind = models.CharField("种类", max_length=16, choices=ReportKind.choices)
    title = models.CharField("标题", max_length=200)
    topic = models.CharField("专题事项", max_length=200, blank=True)
    findings = models.ManyToManyField(Finding, related_name="+", verbose_name="报告的问题")
    state = models.CharField("状态", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_version = models.ForeignKey("ReportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡察报告"
        verbose_name_plural = "巡察报告"
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_inspection_report_number"),
            models.UniqueConstraint(fields=["inspection"], condition=models.Q(kind="comprehensive"),
                                    name="one_comprehensive_report"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    """One version of a report's text, kept as written; `figures` are the fieldwork figures it was drafted from."""

    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    text = models.TextField("正文")
    note = models.CharField("修改说明", max_length=300, blank=True)
    figures = models.JSONField("工作数据", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version")]

    def __str__(self) -> str:
        return f"第{self.number}版"


class ReviewStep(models.Model):
    """One decision of the review chain on one version: approve (the next step follows) or return with an opinion."""

    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="steps")
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("环节", max_length=16, choices=Step.choices)
    decision = models.CharField("决定", max_length=16, choices=Decision.choices)
    opinion = models.TextField("意见", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    meeting_on = models.DateField("会议日期", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "at", "id"]


class Audience(models.TextChoices):
    PRINCIPAL = "principal", "向主要负责人反馈"
    LEADERSHIP = "leadership", "向领导班子反馈"


class FeedbackMeeting(models.Model):
    """反馈会: one of the two feedback sessions (双反馈) held from the approved 巡察报告."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="feedback_meetings")
    report = models.ForeignKey(InspectionReport, on_delete=models.PROTECT, related_name="feedback_meetings")
    audience = models.CharField("反馈对象", max_length=16, choices=Audience.choices)
    held_on = models.DateField("反馈日期")
    place = models.CharField("地点", max_length=120)
    host = models.CharField("主持人", max_length=64)
    attendees = models.TextField("参加人员")
    notes = models.TextField("反馈会情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "反馈会"
        verbose_name_plural = "反馈会"
        ordering = ["inspection", "held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "audience"], name="uniq_feedback_meeting")]
