"""Exchange between deployments: the stable ids of exchanged rows, the packages imported, and the audit
events that came with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.uploads import attachment_storage


class ExchangeRef(models.Model):
    """The exchange id of one row: given on the first export (origin ""), or taken from the package that
    brought the row (origin = the sending deployment). Both sides then speak of the row by this id, so a
    package imported twice finds its rows and ids never collide with local ones."""

    model = models.CharField(max_length=64)
    local_id = models.CharField(max_length=64)
    uid = models.UUIDField()
    origin = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "uid"], name="uniq_exchange_uid"),
            models.UniqueConstraint(fields=["model", "local_id"], name="uniq_exchange_local"),
        ]


class PackageImport(models.Model):
    """One uploaded package: checked and waiting for confirmation, then imported (or discarded). The
    package is kept sealed at rest like every attachment."""

    class State(models.TextChoices):
        PENDING = "pending", "待确认"
        DONE = "done", "已导入"
        DISCARDED = "discarded", "已放弃"

    package_id = models.CharField("数据包编号", max_length=36, db_index=True)
    origin = models.CharField("来源部署", max_length=32)
    office = models.ForeignKey("inspections.Office", on_delete=models.PROTECT, related_name="+", verbose_name="导入到巡察办")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="exchange/%Y/%m/", storage=attachment_storage, max_length=200)
    summary = models.JSONField("内容", default=dict)
    result = models.JSONField("导入结果", default=dict, blank=True)
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入的数据包"
        verbose_name_plural = "导入的数据包"
        ordering = ["-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["package_id"], condition=models.Q(state="done"),
                                               name="uniq_package_imported_once")]


class ImportedAuditEvent(models.Model):
    """An audit event of the sending deployment, as it was there (its id, fields, previous hash and hash),
    so that whoever holds the sender's audit key can recompute it. The set imported by one package is
    covered by a digest recorded in this deployment's own chain (the `exchange.import` event)."""

    package = models.ForeignKey(PackageImport, on_delete=models.PROTECT, related_name="events")
    origin = models.CharField(max_length=32)
    original_id = models.BigIntegerField()
    at = models.DateTimeField()
    actor_id_original = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_uid = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["origin", "original_id"]
        constraints = [models.UniqueConstraint(fields=["origin", "hash"], name="uniq_imported_event")]
