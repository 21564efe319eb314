"""Document requests (调阅资料): the team asks the inspected organisation for documents — a list of
items, each with its period and form (original, copy, electronic) — due in working days. A request for
sensitive material waits for the team leader's approval before it reaches the liaison. The liaison
delivers each item (files uploaded, or handed over on paper with the date and the person) or says why
not; the team records where each item is kept and when an original was returned (调阅台账).

The text of delivered PDF/Word/Excel files is extracted once, bounded (xuncha.core.extract), so that the
team can search the inspection's documents by content."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.uploads import attachment_storage


class DocumentRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待组长批准"
        SENT = "sent", "已发出"
        REJECTED = "rejected", "未批准"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="document_requests")
    number = models.PositiveIntegerField("编号")
    purpose = models.CharField("说明", max_length=300, blank=True)
    sensitive = models.BooleanField("涉及敏感资料", default=False)
    due_days = models.PositiveSmallIntegerField("报送期限（工作日）")
    state = models.CharField("状态", max_length=16, choices=State.choices, db_index=True)
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)
    due_on = models.DateField("报送期限", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.CharField("批准意见", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调阅资料通知"
        verbose_name_plural = "调阅资料通知"
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_document_request_number")]

    def __str__(self) -> str:
        return f"调阅资料第{self.number}号"


class DocumentItem(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", "原件"
        COPY = "copy", "复印件"
        ELECTRONIC = "electronic", "电子版"

    class State(models.TextChoices):
        WAITING = "waiting", "待报送"
        UPLOADED = "uploaded", "已上传"
        PAPER = "paper", "已纸质移交"
        DECLINED = "declined", "无法提供"

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("资料名称", max_length=200)
    period = models.CharField("所属期间", max_length=60, blank=True)
    form = models.CharField("形式", max_length=16, choices=Form.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.WAITING, db_index=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField("报送时间", null=True, blank=True)
    handed_over_on = models.DateField("移交日期", null=True, blank=True)
    handed_over_by = models.CharField("移交人", max_length=64, blank=True)
    decline_reason = models.CharField("无法提供的原因", max_length=300, blank=True)
    kept_at = models.CharField("存放位置", max_length=120, blank=True)
    returned_on = models.DateField("退还日期", null=True, blank=True)

    class Meta:
        verbose_name = "调阅资料事项"
        verbose_name_plural = "调阅台账"
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="uniq_document_item_number")]

    def __str__(self) -> str:
        return f"调阅资料第{self.request.number}-{self.number}项：{self.name}"


class DeliveredFile(models.Model):
    """A file the liaison uploaded for an item, with its text extracted once (bounded) for the search."""

    item = models.ForeignKey(DocumentItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="documents/%Y/%m/", storage=attachment_storage)
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField("提取的文字", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
