"""An export made in the background (issue 17): the job, its progress, and the file it produced.

The file is kept in the sealed attachment storage (xuncha.uploads.attachment_storage: encrypted at rest,
re-wrapped by the key rotation like every case file) and only until `expires_at`; the scheduler's
`exports_cleanup` deletes it and the row afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.uploads import attachment_storage


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(max_length=60)
    title = models.CharField("导出内容", max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", storage=attachment_storage, blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with every progress step: a running job whose heartbeat is older than EXPORT_LEASE_SECONDS
    # belongs to a process that died (xuncha.exports.services.exports_reap marks it failed).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "导出"
        verbose_name_plural = "导出"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"], name="exports_owner_status"),
                   models.Index(fields=["expires_at"], name="exports_expires")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
