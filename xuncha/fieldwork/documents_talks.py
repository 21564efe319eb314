"""The printable interview schedule (谈话安排表) for the target's liaison, .docx and .pdf: times, rooms
and whom the target is to send — never a category, a reason or a 主动约谈 (xuncha.fieldwork.selectors_talks
builds the liaison's rows)."""

from __future__ import annotations

import io

from django.utils import timezone

from xuncha import documents
from xuncha.inspections.models import Inspection

from .selectors_talks import ScheduleRow

HEAD = ("序号", "日期", "时间", "地点", "谈话对象")


def _rows(rows: list[ScheduleRow]) -> list[tuple[str, str, str, str, str]]:
    out = []
    for i, r in enumerate(rows, 1):
        start, end = timezone.localtime(r.start), timezone.localtime(r.end)
        out.append((str(i), f"{start:%Y-%m-%d}", f"{start:%H:%M}—{end:%H:%M}", r.room, r.who))
    return out


def title(inspection: Inspection) -> str:
    return f"{inspection.team.name}个别谈话安排表"


def schedule_docx(inspection: Inspection, rows: list[ScheduleRow]) -> bytes:
    doc = documents.new_document()
    documents.doc_title(doc, title(inspection))
    documents.doc_paragraph(doc, f"请{inspection.target.name}按下表通知有关同志准时到达谈话地点。")
    documents.doc_table(doc, HEAD, _rows(rows))
    documents.doc_signature(doc, inspection.team.name, timezone.localdate())
    return documents.doc_bytes(doc)


def schedule_pdf(inspection: Inspection, rows: list[ScheduleRow]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = documents.pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 25 * mm
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, title(inspection))
    y -= 12 * mm
    pdf.setFont(font, 10)
    pdf.drawString(20 * mm, y, f"请{inspection.target.name}按下表通知有关同志准时到达谈话地点。")
    y -= 10 * mm
    columns = [20, 32, 60, 92, 135]
    for line in [HEAD, *_rows(rows)]:
        if y < 20 * mm:
            pdf.showPage()
            pdf.setFont(font, 10)
            y = height - 20 * mm
        for x, text in zip(columns, line, strict=True):
            pdf.drawString(x * mm, y, text[:28])
        y -= 7 * mm
    pdf.save()
    return buffer.getvalue()
