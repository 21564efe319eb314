"""Replies (回音, DESIGN §3 rule 7): what the reporter reads through the receipt code (and real-name
reporters are sent). What a report tracks of them (due dates, a reason why none is due, the last
look-up) are fields of the report (xuncha.intake.models.Report); the kinds are intake's ReplyKind,
so that the apps below (triage) can name a result reply without importing this app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.intake.models import ReplyKind, Report


class Reply(models.Model):
    """回音: one reply to a report (the table is intake's, from before the replies had an app)."""

    Kind = ReplyKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField("类型", max_length=16, choices=ReplyKind.choices, default=ReplyKind.OTHER)
    content = models.TextField("答复内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "intake_reply"
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["report", "created_at", "id"]
