"""The target's rectification plan (整改方案) and rectification reports (整改报告), docs/architecture.md §6 "整改方案与整改报告".

After the feedback the target's liaison drafts the plan: for each problem of the feedback its tasks, each with
measures, a responsible leader and department and a deadline (or 长期坚持); submits it; the office returns it
with an opinion or approves it, and the approval turns every task into a ledger item (no retyping). The
leadership team's and the principal's rectification reports are drafted from the ledger, edited and submitted
by the liaison and reviewed by the office. Every submission, return and approval is a row of the trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection

from .models import Finding, RectificationItem


class PlanState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待巡察办审核"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已批准"


class RectificationPlan(models.Model):
    """整改方案: one per inspection, drafted by the target's liaison after the feedback."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="rectification_plan")
    state = models.CharField("状态", max_length=16, choices=PlanState.choices, default=PlanState.DRAFT, db_index=True)
    summary = models.TextField("总体安排", blank=True)
    submissions = models.PositiveSmallIntegerField("报送次数", default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField("审核意见", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改方案"
        verbose_name_plural = "整改方案"

    def __str__(self) -> str:
        return f"整改方案（巡察任务{self.inspection_id}）"


class PlanTask(models.Model):
    """One task of the plan for one problem of the feedback; on approval it becomes a ledger item (`item`)."""

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="tasks")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    task = models.CharField("整改任务", max_length=300)
    measures = models.TextField("整改措施")
    responsible_leader = models.CharField("责任领导", max_length=64)
    responsible_dept = models.CharField("责任部门", max_length=120)
    deadline = models.DateField("完成时限", null=True, blank=True)
    long_term = models.BooleanField("长期坚持", default=False)
    item = models.OneToOneField(RectificationItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_task")

    class Meta:
        verbose_name = "整改任务"
        verbose_name_plural = "整改任务"
        ordering = ["plan", "finding__number", "id"]


class ReportKind(models.TextChoices):
    LEADERSHIP = "leadership", "领导班子整改情况报告"
    PRINCIPAL = "principal", "主要负责人组织落实整改情况报告"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待巡察办审核"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "已审核通过"


class RectificationReport(models.Model):
    """整改报告: the leadership team's, or the principal's, drafted from the ledger and edited by the liaison."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rectification_reports")
    kind = models.CharField("种类", max_length=16, choices=ReportKind.choices)
    state = models.CharField("状态", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    submissions = models.PositiveSmallIntegerField("报送次数", default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField("审核意见", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改报告"
        verbose_name_plural = "整改报告"
        ordering = ["inspection", "kind"]
        constraints = [models.UniqueConstraint(fields=["inspection", "kind"], name="uniq_rectification_report_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class RectificationReview(models.Model):
    """One step of the trail of a plan or a report: submitted by the liaison, returned or approved by the office."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "报送"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"

    plan = models.ForeignKey(RectificationPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    report = models.ForeignKey(RectificationReport, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField("环节", max_length=16, choices=Action.choices)
    opinion = models.CharField("意见", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(plan__isnull=False, report__isnull=True) | models.Q(plan__isnull=True, report__isnull=False),
            name="review_of_plan_or_report")]
