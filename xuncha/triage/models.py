from __future__ import annotations

from django.db import models


class ReportSearch(models.Model):
    """The full-text index row of a report: CJK bigram tokens (xuncha.core.cjk) of its content,
    subjects and additions. SQLite indexes it with an FTS5 table kept in sync by triggers;
    PostgreSQL with a GIN index on to_tsvector('simple', tokens) (see the migration)."""

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, primary_key=True, related_name="search")
    tokens = models.TextField()

    class Meta:
        verbose_name = "全文索引"
        verbose_name_plural = "全文索引"
