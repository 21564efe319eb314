"""Documents of a survey: the printable slips of a batch of codes (PDF), the results as .xlsx (per
question and group) and the 民主测评情况报告 as .docx with bar charts (drawn with Pillow: no network, no
plotting library)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from xuncha.documents import FONT_CANDIDATES, cn_date, doc_centered, doc_paragraph, doc_signature, doc_table, doc_title, new_document, pdf_font

from .models import CodeBatch, QuestionType, Survey
from .results import POOLED, POOLED_LABEL, QuestionResult, Results
from .services import format_code

SLIPS_PER_PAGE = 10  # 2 columns × 5 rows on A4


def slips_pdf(survey: Survey, batch: CodeBatch, codes: list[str], site_url: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{survey.title} 测评码第{batch.number}批")
    width, height = A4
    cell_w, cell_h = (width - 20 * mm) / 2, (height - 20 * mm) / 5
    for i, code in enumerate(codes):
        if i and i % SLIPS_PER_PAGE == 0:
            pdf.showPage()
        col, row = (i % SLIPS_PER_PAGE) % 2, (i % SLIPS_PER_PAGE) // 2
        x, y = 10 * mm + col * cell_w, height - 10 * mm - (row + 1) * cell_h
        pdf.setDash(3, 3)
        pdf.rect(x, y, cell_w, cell_h)
        pdf.setDash()
        pdf.setFont(font, 11)
        pdf.drawString(x + 6 * mm, y + cell_h - 10 * mm, survey.title[:26])
        pdf.setFont(font, 9)
        pdf.drawString(x + 6 * mm, y + cell_h - 16 * mm, f"{survey.inspection}"[:34])
        pdf.drawString(x + 6 * mm, y + cell_h - 22 * mm, f"参加群体：{batch.get_group_display()}")
        pdf.setFont(font, 18)
        pdf.drawString(x + 6 * mm, y + cell_h - 33 * mm, f"测评码 {format_code(code)}")
        pdf.setFont(font, 8)
        pdf.drawString(x + 6 * mm, y + 9 * mm, "扫描巡察公告二维码（码上巡察）或打开下列网址，选择本测评，输入测评码。")
        pdf.drawString(x + 6 * mm, y + 4 * mm, f"{site_url}  每码只能提交一次；测评不记录姓名，答卷与测评码无法对应。"[:70])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _group_label(results: Results, group: str) -> str:
    if group == POOLED:
        return POOLED_LABEL
    return next((g.label for g in results.groups if g.group == group), group)


def _cells(r: QuestionResult, dist: dict[str, Any]) -> list[list[Any]]:
    """Rows (label, n, share) of one distribution; a matrix gives one row per (row, grade)."""
    labels = r.question.labels()
    out: list[list[Any]] = []
    if r.question.kind == QuestionType.MATRIX:
        rows = r.question.row_labels()
        for row, row_label in rows.items():
            cell = dist.get(row, {})
            total = sum(cell.values()) or 1
            out.extend([f"{row_label}：{label}", cell.get(v, 0), cell.get(v, 0) / total] for v, label in labels.items())
        return out
    total = (r.respondents if r.question.kind == QuestionType.MULTIPLE else sum(dist.values())) or 1
    return [[label, dist.get(v, 0), dist.get(v, 0) / total] for v, label in labels.items()]


def results_xlsx(results: Results) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    pct = book.add_format({"num_format": "0.0%"})
    flag = book.add_format({"num_format": "0.0%", "font_color": "#b3261e", "bold": True})
    sheet = book.add_worksheet("参与情况")
    sheet.write_row(0, 0, ["群体", "发放测评码", "答卷", "单独显示"], bold)
    for i, g in enumerate(results.groups, start=1):
        sheet.write_row(i, 0, [g.label, "—" if g.issued is None else g.issued, g.answered, "是" if g.shown else "否（人数不足）"])
    sheet.write(len(results.groups) + 2, 0, f"答卷共 {results.responses} 份，计入结果 {results.counted} 份。{results.note}")
    sheet.set_column(0, 0, 24)
    detail = book.add_worksheet("各题结果")
    detail.write_row(0, 0, ["题号", "题目", "选项", "总体人数", "总体比例", "群体", "人数", "比例"], bold)
    line = 1
    for r in results.questions:
        if r.question.kind == QuestionType.TEXT:
            continue
        if r.hidden_reason:
            detail.write_row(line, 0, [r.question.number, r.question.text, r.hidden_reason])
            line += 1
            continue
        for label, n, share in _cells(r, r.distribution):
            is_flag = any(label.endswith(r.question.labels().get(v, "\0")) for v in r.question.flag_values) and share >= 0.1
            detail.write_row(line, 0, [r.question.number, r.question.text, label, n])
            detail.write(line, 4, share, flag if is_flag else pct)
            line += 1
            for group, dist in r.by_group.items():
                match = next((c for c in _cells(r, dist) if c[0] == label), None)
                if match:
                    detail.write_row(line, 0, [r.question.number, r.question.text, label, "", ""])
                    detail.write(line, 5, _group_label(results, group))
                    detail.write(line, 6, match[1])
                    detail.write(line, 7, match[2], pct)
                    line += 1
        if r.average is not None:
            detail.write_row(line, 0, [r.question.number, r.question.text, "平均分", round(r.average, 2)])
            line += 1
    detail.set_column(1, 1, 40)
    detail.set_column(2, 2, 28)
    book.close()
    return buffer.getvalue()


def _font_path() -> str | None:
    for path in [settings.PDF_FONT_PATH, *FONT_CANDIDATES]:
        if path and Path(path).exists():
            return str(path)
    return None


def bar_chart_png(title: str, bars: list[tuple[str, float, bool]]) -> bytes:
    """A horizontal bar chart (label, share 0..1, flagged) as PNG, CJK labels in the system font."""
    from PIL import Image, ImageDraw, ImageFont

    width, bar_h, left = 900, 34, 330
    height = 60 + bar_h * len(bars) + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    path = _font_path()
    font = ImageFont.truetype(path, 20) if path else ImageFont.load_default()
    small = ImageFont.truetype(path, 18) if path else ImageFont.load_default()
    draw.text((10, 12), title[:40], fill="black", font=font)
    for i, (label, share, flagged) in enumerate(bars):
        y = 60 + i * bar_h
        draw.text((10, y + 4), label[:16], fill="black", font=small)
        length = int((width - left - 110) * max(0.0, min(share, 1.0)))
        draw.rectangle((left, y + 4, left + max(length, 1), y + bar_h - 6), fill="#b3261e" if flagged else "#0b5cad")
        draw.text((left + length + 8, y + 4), f"{share * 100:.1f}%", fill="black", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _chart_for(r: QuestionResult) -> bytes | None:
    q = r.question
    labels = q.labels()
    if r.hidden_reason or not r.distribution:
        return None
    if q.kind == QuestionType.MATRIX:
        # The share of 好 and 较好 (the first two grades) per row: the usual figure of a 民主测评.
        favourable = list(labels)[:2]
        bars = []
        for row, row_label in q.row_labels().items():
            cell = r.distribution.get(row, {})
            total = sum(cell.values())
            if total:
                bars.append((row_label, sum(cell.get(v, 0) for v in favourable) / total, r.row_flags.get(row, 0) >= 0.1))
        return bar_chart_png(f"{q.text}（“{'”“'.join(labels[v] for v in favourable)}”比例）", bars) if bars else None
    total = (r.respondents if q.kind == QuestionType.MULTIPLE else sum(r.distribution.values())) or 1
    bars = [(label, r.distribution.get(v, 0) / total, v in q.flag_values) for v, label in labels.items()]
    return bar_chart_png(q.text, bars)


def results_docx(results: Results) -> bytes:
    from docx.shared import Cm

    survey = results.survey
    doc = new_document()
    doc_title(doc, f"{survey.title}情况报告")
    doc_centered(doc, f"（{survey.inspection}）")
    opened, closed = timezone.localtime(survey.opens_at), timezone.localtime(survey.closes_at)
    issued = sum(g.issued or 0 for g in results.groups)
    doc_paragraph(doc, "一、基本情况")
    doc_paragraph(doc, f"根据巡察工作安排，{survey.inspection.team.name}于{cn_date(opened.date())}至{cn_date(closed.date())}"
                       f"组织开展{survey.title}，采取不记名方式进行。" +
                  (f"共发放测评码 {issued} 个，收回有效答卷 {results.responses} 份，参与率 {results.responses / issued * 100:.1f}%。"
                   if issued else f"共收回有效答卷 {results.responses} 份。"))
    doc_table(doc, ["参加群体", "发放", "收回", "单独统计"],
              [[g.label, "—" if g.issued is None else str(g.issued), str(g.answered), "是" if g.shown else "否"] for g in results.groups])
    if results.note:
        doc_paragraph(doc, results.note)
    doc_paragraph(doc, "二、测评结果")
    for r in results.questions:
        q = r.question
        if q.kind == QuestionType.TEXT:
            continue
        doc_paragraph(doc, f"（{q.number}）{q.text}")
        if r.hidden_reason:
            doc_paragraph(doc, r.hidden_reason)
            continue
        head = ["项目", "人数", "比例"]
        doc_table(doc, head, [[str(label), str(n), f"{share * 100:.1f}%"] for label, n, share in _cells(r, r.distribution)])
        summary = []
        if r.average is not None:
            summary.append(f"平均分 {r.average:.2f}")
        if r.flagged:
            summary.append(f"“差”或“不满意”等评价占比 {r.flagged_share * 100:.1f}%，需重点关注")  # type: ignore[operator]
        if summary:
            doc_paragraph(doc, "；".join(summary) + "。")
        chart = _chart_for(r)
        if chart:
            doc.add_picture(io.BytesIO(chart), width=Cm(15))
    texts = [r for r in results.questions if r.question.kind == QuestionType.TEXT]
    if texts:
        doc_paragraph(doc, "三、意见建议")
        doc_paragraph(doc, "文字意见建议已逐条整理，按六项纪律和四个聚焦归类，另附清单，供巡察组研判。")
    doc_signature(doc, survey.inspection.team.name, timezone.localdate())
    from xuncha.documents import doc_bytes

    return doc_bytes(doc)
