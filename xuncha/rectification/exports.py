"""Documents of the feedback and the ledger: the ledger as .xlsx (the layout offices use, written in
constant memory whatever its size) and as PDF (landscape A4, for printing), and the feedback (巡察反馈意见)
as .docx in the style of xuncha.inspections.documents.

The ledger carries each finding's title only, never its facts, evidence or related reports.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils import timezone

from xuncha.core.classify import FOCUS_LABELS
from xuncha.documents import (
    cn_date,
    cn_number,
    doc_bytes,
    doc_centered,
    doc_paragraph,
    doc_signature,
    doc_title,
    new_document,
    pdf_font,
    run_font,
)
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors_offices import office_limit

from .models import Feedback, Finding, ItemStatus, RectificationItem
from .selectors import OPEN_STATUSES

LEDGER_COLUMNS = ("序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态")
XLSX_WIDTHS = (6, 32, 50, 10, 16, 12, 50, 10)
PDF_WIDTHS_MM = (12, 45, 72, 18, 26, 20, 65, 15)  # 273 mm: landscape A4 less 12 mm margins
STATUS_LABELS = dict(ItemStatus.choices)
LONG_TERM = "长期坚持"
CHUNK = 2000


def ledger_title(inspection: Inspection) -> str:
    return f"{inspection.team.name}巡察{inspection.target.name}反馈问题整改台账"


def ledger_rows(inspection: Inspection) -> Iterator[tuple[int, str, str, str, str, dt.date | None, str, str]]:
    """(序号, 问题, 整改措施, 责任领导, 责任部门, 完成时限 (None: 长期坚持), 进展情况, 状态), streamed from the
    database CHUNK rows at a time; no row is kept after it is yielded."""
    qs = (RectificationItem.objects.filter(inspection=inspection).order_by("number")
          .values_list("number", "finding__number", "finding__title", "measures", "responsible_leader", "responsible_dept",
                       "deadline", "long_term", "progress", "status"))
    today = timezone.localdate()
    for number, f_number, f_title, measures, leader, dept, deadline, long_term, progress, status in qs.iterator(chunk_size=CHUNK):
        label = STATUS_LABELS.get(status, status)
        # Marked as the ledger page marks it (rectification.selectors.overdue_q).
        if not long_term and deadline is not None and deadline < today and status in OPEN_STATUSES:
            label += "（逾期）"
        yield (number, f"问题{f_number}：{f_title}", measures, leader, dept, None if long_term else deadline, progress, label)


PROGRESS_EVERY = 200


def ledger_xlsx(inspection: Inspection, stream: str | IO[bytes],
                progress: Callable[[int, int | None], None] | None = None) -> int:
    """Write the ledger to `stream` (a path or a binary file) as .xlsx; returns the number of items.
    `progress(done, total)` (a background export's, xuncha.exports) hears every PROGRESS_EVERY rows.

    XlsxWriter in constant_memory mode flushes each row to a temporary file once the next row starts,
    so memory stays flat however many rows there are. Every value is written as what it is (text with
    write_string, never a formula)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
    sheet = workbook.add_worksheet("整改台账")
    title = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "黑体"})
    head = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "bg_color": "#D9D9D9",
                                "font_name": "宋体"})
    text = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_name": "宋体"})
    center = workbook.add_format({"align": "center", "valign": "top", "border": 1, "font_name": "宋体"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "center", "valign": "top", "border": 1, "font_name": "宋体"})
    for col, width in enumerate(XLSX_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    sheet.freeze_panes(2, 0)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, len(LEDGER_COLUMNS) - 1, ledger_title(inspection), title)
    for col, name in enumerate(LEDGER_COLUMNS):
        sheet.write_string(1, col, name, head)
    row = 1
    total = RectificationItem.objects.filter(inspection=inspection).count() if progress else None
    if progress:
        progress(0, total)
    for number, problem, measures, leader, dept, deadline, reported, status in ledger_rows(inspection):
        row += 1
        if progress and (row - 1) % PROGRESS_EVERY == 0:
            progress(row - 1, total)
        sheet.write_number(row, 0, number, center)
        sheet.write_string(row, 1, problem, text)
        sheet.write_string(row, 2, measures, text)
        sheet.write_string(row, 3, leader, center)
        sheet.write_string(row, 4, dept, text)
        if deadline is None:
            sheet.write_string(row, 5, LONG_TERM, center)
        else:
            sheet.write_datetime(row, 5, dt.datetime.combine(deadline, dt.time()), date)
        sheet.write_string(row, 6, reported, text)
        sheet.write_string(row, 7, status, center)
    sheet.autofilter(1, 0, max(row, 1), len(LEDGER_COLUMNS) - 1)
    workbook.close()
    return row - 1


def ledger_xlsx_file(inspection: Inspection) -> tuple[IO[bytes], int]:
    """The ledger as .xlsx in an anonymous temporary file (rewound), for a streamed download, and its item count."""
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        count = ledger_xlsx(inspection, stream)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    return stream, count


def _cell(value: Any) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def ledger_pdf(inspection: Inspection) -> bytes:
    """The ledger as a landscape A4 PDF: one table, header row repeated on every page, page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1, fontSize=9)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, wordWrap="CJK")
    note = ParagraphStyle("note", fontName=font, fontSize=9, leading=12, alignment=2)
    data: list[list[Any]] = [[Paragraph(name, head) for name in LEDGER_COLUMNS]]
    for number, problem, measures, leader, dept, deadline, progress, status in ledger_rows(inspection):
        when = LONG_TERM if deadline is None else deadline.isoformat()
        data.append([Paragraph(_cell(v), cell) for v in (number, problem, measures, leader, dept, when, progress, status)])
    empty = len(data) == 1
    if empty:
        data.append([Paragraph("暂无整改事项", cell)] + [""] * (len(LEDGER_COLUMNS) - 1))
    table = Table(data, colWidths=[w * mm for w in PDF_WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle([
        *([("SPAN", (0, 1), (-1, 1))] if empty else []),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(landscape(A4)[0] / 2, 7 * mm, f"第{doc.page}页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=ledger_title(inspection), author="巡察通")
    generated = f"导出日期：{cn_date(timezone.localdate())}"
    doc.build([Paragraph(escape(ledger_title(inspection)), title), Paragraph(generated, note), Spacer(1, 3 * mm), table],
              onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- the feedback ------------------------------------------------------------------------------------

def findings_by_focus(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings grouped by focus, in the order of the four focuses (unknown codes last)."""
    order = {code: i for i, code in enumerate(FOCUS_LABELS)}
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (order.get(f.focus, len(order)), f.number)):
        groups.setdefault(finding.focus, []).append(finding)
    return [(FOCUS_LABELS.get(code, code or "其他"), items) for code, items in groups.items()]


def _report_limit_text(office_id: int | None) -> str:
    """The rectification report's time limit as the feedback states it (the inspection's office's)."""
    days = office_limit(office_id, "feedback_report_working_days")
    if days > 0:
        return f"反馈之日起{days}个工作日内"
    return f"反馈之日起{office_limit(office_id, 'feedback_report_months')}个月内"


def feedback_paragraphs(feedback: Feedback, findings: list[Finding]) -> list[tuple[str, str]]:
    """(kind, text) of the document body: kind is "heading", "finding" or "text"."""
    inspection = feedback.inspection
    organizer = inspection.round.organizer
    basis = f"根据{organizer}统一部署" if organizer else f"根据{inspection.round.name}工作安排"
    out = [("text", f"{basis}，{inspection.team.name}于{cn_date(inspection.start_date)}至{cn_date(inspection.end_date)}"
                    f"对{inspection.target.name}进行了巡察。现将巡察发现的问题反馈如下。")]
    groups = findings_by_focus(findings)
    for i, (label, items) in enumerate(groups, start=1):
        out.append(("heading", f"{cn_number(i)}、聚焦{label}方面"))
        for j, finding in enumerate(items, start=1):
            out.append(("finding", f"（{cn_number(j)}）{finding.title}"))
            out.append(("text", f"主要事实：{' '.join(finding.facts.split())}"))
            out.append(("text", f"违反的规定：{' '.join(finding.rule_broken.split())}"))
    out.append(("heading", f"{cn_number(len(groups) + 1)}、整改要求"))
    out.append(("text", f"请{inspection.target.name}认真研究反馈意见，逐项制定整改措施，明确责任领导、责任部门和完成时限，"
                        f"建立整改台账，于{cn_date(feedback.report_due)}前（{_report_limit_text(inspection.office_id)}）"
                        "报送整改情况报告；整改进展和佐证材料通过巡察通整改台账报送，整改完成后逐项销号。"))
    return out


def feedback_docx(feedback: Feedback) -> bytes:
    """巡察反馈意见: the approved findings of the feedback grouped by focus (title, facts, rule broken) and the
    due date of the rectification report."""
    inspection = feedback.inspection
    findings = list(feedback.findings.order_by("number"))
    doc = new_document()
    doc_title(doc, "巡察反馈意见")
    doc_centered(doc, f"{inspection.team.name}关于巡察{inspection.target.name}的反馈意见")
    doc.add_paragraph(f"{inspection.target.name}：")
    for kind, text in feedback_paragraphs(feedback, findings):
        run = doc_paragraph(doc).add_run(text)
        if kind == "heading":
            run_font(run, "黑体")
        elif kind == "finding":
            run_font(run, "楷体")
            run.bold = True
    doc_signature(doc, inspection.team.name, feedback.feedback_on)
    return doc_bytes(doc)
