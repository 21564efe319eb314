"""Per-office settings (巡察办设置): the term for full coverage (届内全覆盖), the time limits that differ from
the platform's defaults, and the office's templates (what a briefing request asks each kind of body).
A blank value inherits from the office above, then from the deployment's settings (xuncha.settings)."""

from __future__ import annotations

from django.db import models

# Time limits an office may set: field name → (setting name in xuncha.settings, Chinese label, unit).
LIMITS: dict[str, tuple[str, str, str]] = {
    "receipt_notice_working_days": ("RECEIPT_NOTICE_WORKING_DAYS", "实名举报受理告知期限（收到后）", "个工作日"),
    "result_notice_working_days": ("RESULT_NOTICE_WORKING_DAYS", "实名举报结果告知期限（受理、反馈后）", "个工作日"),
    "handover_working_days": ("HANDOVER_WORKING_DAYS", "移交、转办签收期限", "个工作日"),
    "handover_result_months": ("HANDOVER_RESULT_MONTHS", "移交、转办处置结果反馈期限（签收后）", "个月"),
    "notice_default_working_days": ("NOTICE_DEFAULT_WORKING_DAYS", "立行立改通知默认整改期限", "个工作日"),
    "rectification_plan_months": ("RECTIFICATION_PLAN_MONTHS", "整改方案报送期限（反馈后）", "个月"),
    "rectification_plan_working_days": ("RECTIFICATION_PLAN_WORKING_DAYS", "整改方案报送期限按工作日计（填0则按月计）", "个工作日"),
    "feedback_report_months": ("FEEDBACK_REPORT_MONTHS", "整改报告报送期限（反馈后）", "个月"),
    "feedback_report_working_days": ("FEEDBACK_REPORT_WORKING_DAYS", "整改报告报送期限按工作日计（填0则按月计）", "个工作日"),
}
# Limits where 0 means something (count the limit in months instead); every other limit is 1 or more.
ZERO_ALLOWED = frozenset({"rectification_plan_working_days", "feedback_report_working_days"})


class OfficeSettings(models.Model):
    office = models.OneToOneField("inspections.Office", on_delete=models.CASCADE, related_name="settings",
                                  verbose_name="巡察办")
    term_start = models.DateField("本届起始日期", null=True, blank=True, help_text="届内巡察全覆盖自此日起计算")
    term_years = models.PositiveSmallIntegerField("每届年限", default=5)
    handover_working_days = models.PositiveSmallIntegerField("移交、转办签收期限（工作日）", null=True, blank=True)
    feedback_report_months = models.PositiveSmallIntegerField("整改报告报送期限（月）", null=True, blank=True)
    result_notice_working_days = models.PositiveSmallIntegerField("实名举报结果告知期限（工作日）", null=True, blank=True)
    receipt_notice_working_days = models.PositiveSmallIntegerField("实名举报受理告知期限（工作日）", null=True, blank=True)
    handover_result_months = models.PositiveSmallIntegerField("移交、转办处置结果反馈期限（月）", null=True, blank=True)
    notice_default_working_days = models.PositiveSmallIntegerField("立行立改通知默认整改期限（工作日）", null=True, blank=True)
    rectification_plan_months = models.PositiveSmallIntegerField("整改方案报送期限（月）", null=True, blank=True)
    rectification_plan_working_days = models.PositiveSmallIntegerField("整改方案报送期限（工作日，0为按月计）", null=True,
                                                                       blank=True)
    feedback_report_working_days = models.PositiveSmallIntegerField("整改报告报送期限（工作日，0为按月计）", null=True,
                                                                    blank=True)
    # {"discipline": "…", "organisation": "…"}: what a briefing request asks each kind of body (巡前情况通报).
    briefing_asks = models.JSONField("巡前情况通报函件内容", default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "巡察办设置"
        verbose_name_plural = "巡察办设置"
