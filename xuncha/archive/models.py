"""立卷归档: each filing of an inspection (a version: filed again after the office reopened it), with its
package (.zip, sealed at rest like every case file) and the digest of its signed manifest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection
from xuncha.uploads import attachment_storage


class Filing(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="filings", verbose_name="巡察任务")
    version = models.PositiveIntegerField("版本")
    filed_at = models.DateTimeField("立卷归档时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="归档人")
    package = models.FileField("档案包", upload_to="archive/%Y/", storage=attachment_storage)
    package_sm3 = models.CharField("档案包SM3", max_length=64)
    manifest_sm3 = models.CharField("清单SM3", max_length=64)
    # The manifest's files (path, sm3, step, kind, title, retention), for the pages without opening the zip.
    files: Any = models.JSONField("文件", default=list)
    reopened_at = models.DateTimeField("重新打开时间", null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="重新打开人")
    reopen_reason = models.TextField("重新打开理由", blank=True)

    class Meta:
        verbose_name = "立卷归档"
        verbose_name_plural = "立卷归档"
        ordering = ["inspection", "-version"]
        constraints = [models.UniqueConstraint(fields=["inspection", "version"], name="uniq_filing_version")]

    def __str__(self) -> str:
        return f"{self.inspection} 第{self.version}次归档"
