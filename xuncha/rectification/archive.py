"""Archive source (docs/architecture.md, "立卷归档"): the immediate-rectification notices issued, the
feedback (巡察反馈意见), the rectification ledger, and the evidence the target uploaded (as at rest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from xuncha.inspections.models import Inspection
from xuncha.uploads import stored_bytes

from .documents_notice import immediate_notice_docx
from .exports import feedback_docx, ledger_xlsx_file
from .models import Evidence, Feedback, ImmediateNotice, RectificationItem


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    notices = ImmediateNotice.objects.filter(inspection=inspection).exclude(state=ImmediateNotice.State.DRAFT).order_by("number")
    for notice in notices:
        yield "fieldwork", "immediate_notice", f"立行立改通知-第{notice.number}号.docx", immediate_notice_docx(notice)
    feedback = Feedback.objects.filter(inspection=inspection).first()
    if feedback is not None:
        yield "feedback", "feedback", "巡察反馈意见.docx", feedback_docx(feedback)
    if RectificationItem.objects.filter(inspection=inspection).exists():
        stream, _count = ledger_xlsx_file(inspection)
        with stream:
            yield "rectification", "rectification_ledger", "整改台账.xlsx", stream.read()
    evidence = (Evidence.objects.filter(progress__item__inspection=inspection).select_related("progress__item")
                .order_by("progress__item__number", "id"))
    numbers: dict[int, int] = {}
    for ev in evidence:
        assert ev.progress is not None
        item = ev.progress.item
        numbers[item.pk] = n = numbers.get(item.pk, 0) + 1
        content, sealed = stored_bytes(ev.file)
        name = f"整改事项{item.number}-佐证{n}{PurePath(ev.original_name).suffix.lower()}" + (".sealed" if sealed else "")
        yield "rectification", "rectification_evidence", name, content
