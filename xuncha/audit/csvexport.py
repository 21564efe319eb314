"""The audit log as CSV rows: one header and one row per event, shared by the streamed download
(xuncha.audit.views.export_csv) and the background export (xuncha/exports/platform_kinds.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent
from .names import action_name, object_kind_name

HEADER = ["编号", "时间", "操作人", "操作代码", "操作", "对象类型代码", "对象类型", "对象编号", "摘要", "来源地址", "前序哈希", "哈希"]
CHUNK = 2000


def audit_csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The events oldest first, read CHUNK at a time (constant memory)."""
    for e in events.order_by("id").iterator(chunk_size=CHUNK):
        yield [e.pk, e.at.isoformat(), e.actor_name, e.action, action_name(e.action), e.object_type,
               object_kind_name(e.object_type), e.object_id, e.summary, e.ip, e.prev_hash, e.hash]
