"""Rectification (docs/architecture.md §5 rules 6–7): findings (问题底稿), immediate-rectification notices (立行立改)
and the target's answers, the feedback (反馈), the rectification ledger (整改台账) with progress,
evidence and sign-off (销号), and in-app reminders.

The liaison of the inspected organisation sees issued notices and ledger items of their organisation
only; never a finding's evidence, a report or a reporter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.core.classify import FOCUS_LABELS
from xuncha.inspections.models import Inspection

FOCUS_CHOICES = list(FOCUS_LABELS.items())


class Finding(models.Model):
    """问题底稿: a problem the team establishes, with its facts, the rule broken and its evidence."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        DEPUTY = "deputy", "待副组长审核"
        SUBMITTED = "submitted", "待组长审定"
        APPROVED = "approved", "已审定"
        RETURNED = "returned", "已退回"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField("编号")
    title = models.CharField("问题", max_length=200)
    facts = models.TextField("事实")
    rule_broken = models.TextField("违反的规定")
    focus = models.CharField("聚焦领域", max_length=20, choices=FOCUS_CHOICES)
    disciplines = models.JSONField("违反纪律", default=list, blank=True)
    reports = models.ManyToManyField("intake.Report", blank=True, related_name="findings", verbose_name="相关信访件")
    attachments = models.ManyToManyField("intake.Attachment", blank=True, related_name="+", verbose_name="证据附件")
    interview_notes = models.TextField("谈话、调阅记录", blank=True)
    # Leads (fieldwork) merged into this finding; the rest of its evidence is FindingEvidence.
    leads = models.ManyToManyField("fieldwork.Lead", blank=True, related_name="findings", verbose_name="并入的线索")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    return_note = models.CharField("退回意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "问题底稿"
        verbose_name_plural = "问题底稿"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_finding_number")]

    def __str__(self) -> str:
        return f"问题{self.number}：{self.title}"


class FindingEvidence(models.Model):
    """One piece of a finding's evidence, cited by kind (xuncha.fieldwork.evidence: report, interview,
    document, visit, meeting …) and id, with a page (of a document) and a note; resolved for each reader."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("种类", max_length=16)
    object_id = models.PositiveBigIntegerField("对象")
    page = models.PositiveIntegerField("页码", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "问题底稿证据"
        verbose_name_plural = "问题底稿证据"
        ordering = ["finding", "id"]
        indexes = [models.Index(fields=["kind", "object_id"])]


class FindingReview(models.Model):
    """One step of a finding's approval (问题底稿审批): 承办人 submits, 副组长 reviews (when the
    inspection has that step), 组长 approves; each with its opinion, a return ends the round."""

    class Step(models.TextChoices):
        HANDLER = "handler", "承办人"
        DEPUTY = "deputy", "副组长"
        LEADER = "leader", "组长"

    class Decision(models.TextChoices):
        SUBMIT = "submit", "提交审核"
        APPROVE = "approve", "同意"
        RETURN = "return", "退回"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField("环节", max_length=16, choices=Step.choices)
    decision = models.CharField("意见", max_length=16, choices=Decision.choices)
    opinion = models.CharField("意见内容", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "at", "id"]


class FindingReviewSetting(models.Model):
    """Per inspection: whether findings pass a deputy leader (副组长) before the leader (no row: they do not)."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="finding_review_setting")
    deputy_step = models.BooleanField("副组长审核", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class ImmediateNotice(models.Model):
    """立行立改通知: a handling suggestion to the target during the inspection (rule 6)."""

    class State(models.TextChoices):
        DRAFT = "draft", "待组长签发"
        ISSUED = "issued", "已下发，待答复"
        ANSWERED = "answered", "已答复，待核查"
        ACCEPTED = "accepted", "已通过"
        RETURNED = "returned", "已退回，重新整改"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="immediate_notices")
    number = models.PositiveIntegerField("编号")
    group_key = models.BigIntegerField("重复件组", null=True, blank=True)
    reports = models.ManyToManyField("intake.Report", blank=True, related_name="+", verbose_name="相关信访件")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    title = models.CharField("事项", max_length=200)
    problem = models.TextField("反映的问题")
    suggestion = models.TextField("处理建议")
    clear_violation = models.BooleanField("明显违反规定", default=False)
    fixable = models.BooleanField("能够立即整改", default=False)
    deadline_days = models.PositiveSmallIntegerField("整改期限（工作日）")
    due_on = models.DateField("整改期限", null=True, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "立行立改通知"
        verbose_name_plural = "立行立改通知"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_notice_number")]

    def __str__(self) -> str:
        return f"立行立改通知第{self.number}号：{self.title}"


class NoticeAnswer(models.Model):
    """The target's answer to a notice (measures and evidence) and the team's check of it."""

    class Decision(models.TextChoices):
        PENDING = "", "待核查"
        ACCEPTED = "accepted", "通过"
        RETURNED = "returned", "退回"

    notice = models.ForeignKey(ImmediateNotice, on_delete=models.CASCADE, related_name="answers")
    measures = models.TextField("整改措施及成效")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField("核查结果", max_length=16, choices=Decision.choices, default=Decision.PENDING, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("核查意见", max_length=300, blank=True)

    class Meta:
        ordering = ["notice", "answered_at", "id"]


class Feedback(models.Model):
    """反馈: the team's feedback of its approved findings to the target after the inspection."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="feedback")
    feedback_on = models.DateField("反馈日期")
    report_due = models.DateField("整改报告报送期限")
    findings = models.ManyToManyField(Finding, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡察反馈"
        verbose_name_plural = "巡察反馈"


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已完成"
    SIGNED_OFF = "signed_off", "已销号"
    LONG_TERM = "long_term", "长期坚持"


class RectificationItem(models.Model):
    """整改台账 row: one measure for one finding, with who answers for it and by when."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rectification_items")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveIntegerField("序号")
    measures = models.TextField("整改措施")
    responsible_leader = models.CharField("责任领导", max_length=64)
    responsible_dept = models.CharField("责任部门", max_length=120)
    deadline = models.DateField("完成时限", null=True, blank=True)
    long_term = models.BooleanField("长期坚持", default=False)
    status = models.CharField("状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED, db_index=True)
    progress = models.TextField("进展情况", blank=True)
    returned_reason = models.CharField("退回原因", max_length=300, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改台账"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_item_number")]
        indexes = [models.Index(fields=["inspection", "status"]), models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"整改事项{self.number}"


class ProgressReport(models.Model):
    """The liaison's report of progress on an item (the ledger's 进展情况 is the latest)."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("进展情况")
    status = models.CharField("报告状态", max_length=16, choices=ItemStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "at", "id"]


class Evidence(models.Model):
    """A file the target uploads as evidence: for a notice answer or an item's progress report."""

    answer = models.ForeignKey(NoticeAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    progress = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


# The plan (整改方案) and the rectification reports (整改报告) live in their own module.
from .models_plan import (  # noqa: E402
    PlanState,
    PlanTask,
    RectificationPlan,
    RectificationReport,
    RectificationReview,
    ReportKind,
    ReportState,
)

__all__ = ["Evidence", "Feedback", "Finding", "FindingEvidence", "FindingReview", "FindingReviewSetting", "ImmediateNotice",
           "ItemStatus", "NoticeAnswer", "PlanState", "PlanTask", "ProgressReport", "RectificationItem", "RectificationPlan",
           "RectificationReport", "RectificationReview", "ReportKind", "ReportState"]
