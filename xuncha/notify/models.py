"""A notification to one user: in the app, and by email where SMTP is configured. Its text carries only
numbers and links (never a report's content, a name or an identity): it may leave the platform by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One notice of an event or a reminder; `key` makes each event idempotent (one per user and key).
    The table keeps the name it had when rectification owned the model."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    text = models.CharField("内容", max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        db_table = "rectification_notification"
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_notification_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="rectificati_user_id_d4ad37_idx")]
