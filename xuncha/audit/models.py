from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One event of the tamper-evident log. `hash` = HMAC-SM3(audit key, prev_hash + canonical fields);
    events older than the keyed chain (id < the key's `keyed_from`, installations from before the key)
    keep their plain SM3(prev_hash + canonical fields).

    An event is written in its service's transaction without a link (`seq`, `prev_hash`, `hash` empty)
    and sealed into the chain after it commits, within seconds, by the sealer (xuncha.audit.sealing):
    `seq` is its place in the chain (1, 2, 3, ... in the order the sealer met committed events, which is
    id order among the events committed at that moment)."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.actor_name}"


class AuditChainHead(models.Model):
    """A single row holding the chain's last link; locked by the sealer while it links events (never by
    the services that write events). `count` is the number of sealed events, i.e. the last `seq`."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
    # The keyed chain: events from this id on are HMAC-SM3 with the audit key (None: not started yet).
    # A copy of what the key file says; verification trusts the file (xuncha.audit.keys).
    keyed_from = models.BigIntegerField(null=True, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
