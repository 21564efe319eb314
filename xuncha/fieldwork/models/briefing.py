"""The briefing before entry (巡前情况通报): before the team enters, it asks the discipline commission, the
organisation department, audit, the petitions office and others for what they know of the target (a
request letter each); each body's answer is registered with its attachments (sealed at rest, the team's
only); the team drafts a summary of the problems to look at, each of which becomes a lead (待核实问题)
that a later finding (问题底稿) takes in."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.uploads import attachment_storage


class BriefingBody(models.TextChoices):
    DISCIPLINE = "discipline", "纪委监委"
    ORGANISATION = "organisation", "党委组织部"
    AUDIT = "audit", "审计部门"
    PETITIONS = "petitions", "信访部门"
    PROPAGANDA = "propaganda", "党委宣传部"
    FINANCE = "finance", "财务部门"
    OTHER = "other", "其他单位"


# What each body is usually asked for (the request letter's list; the team may edit it).
DEFAULT_ASKS: dict[str, str] = {
    BriefingBody.DISCIPLINE: "被巡察党组织领导班子及其成员遵守党纪、廉洁自律情况，问题线索处置、案件查办情况，以及政治生态分析有关情况。",
    BriefingBody.ORGANISATION: "领导班子建设、干部选拔任用、干部考核、个人有关事项报告、基层党组织建设和党员发展有关情况。",
    BriefingBody.AUDIT: "近年来审计发现的问题及其整改情况，经济责任审计有关情况。",
    BriefingBody.PETITIONS: "近年来反映被巡察党组织及其领导干部的信访举报情况及办理结果。",
    BriefingBody.PROPAGANDA: "意识形态工作责任制落实情况、舆情有关情况。",
    BriefingBody.FINANCE: "预算执行、大额资金使用、政府采购有关情况。",
    BriefingBody.OTHER: "掌握的被巡察党组织有关情况和问题。",
}


class BriefingRequest(models.Model):
    """One body asked for its briefing, and its answer once registered."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="briefings", verbose_name="巡察任务")
    number = models.PositiveIntegerField("编号")
    body_kind = models.CharField("单位类别", max_length=16, choices=BriefingBody.choices)
    body_name = models.CharField("通报单位", max_length=120)
    asks = models.TextField("请求通报的内容")
    requested_on = models.DateField("发函日期")
    due_on = models.DateField("回复期限", null=True, blank=True)
    answered_on = models.DateField("回复日期", null=True, blank=True)
    answer = models.TextField("通报情况", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="登记人")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡前情况通报"
        verbose_name_plural = "巡前情况通报"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_briefing_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"情况通报 第{self.number}号（{self.body_name}）"


class BriefingAttachment(models.Model):
    briefing = models.ForeignKey(BriefingRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to="fieldwork/briefings/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


class BriefingSummary(models.Model):
    """The team's summary of the briefings: the problems to look at (each one a lead, source 巡前通报)."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="briefing_summary")
    text = models.TextField("综合分析", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "巡前情况综合"
        verbose_name_plural = "巡前情况综合"
