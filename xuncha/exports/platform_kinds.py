"""Kinds of background export of the platform's own apps, registered by ExportsConfig.ready() (the audit
app is below this one and cannot register itself): the audit log as CSV, for the auditor, with the same
filters as the log's page. The direct, streamed CSV stays on the page too."""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from xuncha.accounts.models import User
from xuncha.audit.csvexport import HEADER, audit_csv_rows
from xuncha.audit.forms import AuditFilterForm
from xuncha.audit.models import AuditEvent
from xuncha.audit.selectors import audit_event_list
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid

from .registry import Built, Progress, register

AUDIT_CSV = "audit.csv"
PROGRESS_EVERY = 1000


def _filters(params: dict[str, Any]) -> dict[str, Any]:
    form = AuditFilterForm({k: v for k, v in params.items() if isinstance(v, str)})
    if not form.is_valid():
        raise Invalid([str(m) for errors in form.errors.values() for m in errors])
    return {k: v for k, v in form.cleaned_data.items() if v}


def _events(params: dict[str, Any], actor: User) -> tuple[dict[str, Any], Any]:
    filters = _filters(params)
    return filters, audit_event_list(user=actor, **filters)  # NotFound for anyone but the auditor


def audit_csv_check(*, params: dict[str, Any], actor: User) -> str:
    filters, _ = _events(params, actor)
    return "审计日志（CSV）" + ("，已筛选" if filters else "")


def audit_csv_build(*, params: dict[str, Any], actor: User, progress: Progress, out: IO[bytes]) -> Built:
    filters, events = _events(params, actor)
    total = events.count()
    progress(0, total)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")  # a byte order mark: Excel reads the Chinese
    writer = csv.writer(text)
    writer.writerow(HEADER)
    done = 0
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for row in audit_csv_rows(events.filter(id__lte=last)):  # the events up to the start, not the ones it adds
        writer.writerow(row)
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    text.flush()
    text.detach()  # leave `out` open for the runner
    audit_record(actor=actor, action="export.audit_csv", summary=f"后台导出审计日志（{done}条）",
                 data={k: str(v) for k, v in filters.items()})
    return Built(filename="audit-log.csv", content_type="text/csv; charset=utf-8")


def register_platform_exports() -> None:
    register(AUDIT_CSV, title="审计日志（CSV）", check=audit_csv_check, builder=audit_csv_build)
