"""Archive source (docs/architecture.md, "立卷归档"): the register of reports received (numbers, channels,
dates and states: no content, no reporter) and every report's attachments as they are at rest (sealed:
identities stay sealed; neutral file names, since an original name may carry one)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import PurePath

from openpyxl import Workbook

from xuncha.documents import local_date
from xuncha.inspections.models import Inspection
from xuncha.uploads import stored_bytes

from .models import Attachment, Report


def _register_xlsx(inspection: Inspection) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "信访件登记簿"
    sheet.append(["编号", "受理渠道", "收到日期", "受理期内", "状态"])
    for report in Report.objects.filter(inspection=inspection).order_by("received_at", "id"):
        sheet.append([report.reference, report.get_channel_kind_display(), local_date(report.received_at).isoformat(),
                      "是" if report.in_window else "否", report.get_status_display()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    yield "fieldwork", "report_register", "信访件登记簿.xlsx", _register_xlsx(inspection)
    attachments = (Attachment.objects.filter(report__inspection=inspection).select_related("report")
                   .order_by("report__received_at", "report_id", "id"))
    numbers: dict[int, int] = {}
    for att in attachments:
        numbers[att.report_id] = n = numbers.get(att.report_id, 0) + 1
        content, sealed = stored_bytes(att.file)
        name = f"信访件{att.report.reference}-附件{n}{PurePath(att.original_name).suffix.lower()}" + (".sealed" if sealed else "")
        yield "fieldwork", "report_attachment", name, content
