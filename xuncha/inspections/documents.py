"""Published documents of an inspection: the announcement (text, .docx) and the letterbox notice (PDF).

The announcement follows the style of the source announcements' last paragraph: the task
arrangement, every channel with its hours, the acceptance window and the scope.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from xuncha.core.workdays import WorkdayCalendar
from xuncha.documents import cn_date, doc_bytes, doc_paragraph, doc_signature, doc_table, doc_title, new_document, pdf_font

from .models import AcceptanceHours, Channel, ChannelKind, Inspection


def _clock(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def hours_phrase(hours: Iterable[AcceptanceHours]) -> str:
    """工作日上午8:30-11:30，下午13:30-16:30 ; 每天9:00-17:00."""
    groups: dict[str, list[str]] = {}
    for h in hours:
        part = "" if h.start < dt.time(12) < h.end else ("上午" if h.start < dt.time(12) else "下午")
        groups.setdefault(h.days, []).append(f"{part}{_clock(h.start)}-{_clock(h.end)}")
    names = {"workdays": "工作日", "everyday": "每天"}
    return "；".join(names[d] + "，".join(ranges) for d, ranges in groups.items())


def channel_phrase(channel: Channel) -> str:
    hours = list(channel.hours.all())
    when = f"（受理时间为{hours_phrase(hours)}）" if hours else ""
    label = channel.label
    if channel.kind == ChannelKind.PHONE:
        return f"{label or '举报电话'}：{channel.value}{when}"
    if channel.kind == ChannelKind.SMS:
        return f"{label or '短信举报号码'}：{channel.value}{when}"
    if channel.kind == ChannelKind.EMAIL:
        return f"{label or '电子邮箱'}：{channel.value}"
    if channel.kind == ChannelKind.POST:
        postcode = f"（邮编{channel.postcode}）" if channel.postcode else ""
        return f"{label or '邮政信箱'}：{channel.value}{postcode}"
    if channel.kind == ChannelKind.VISIT:
        where = channel.location or channel.value
        return f"{label or '来访接待地点'}：{where}" + (f"（接待时间为{hours_phrase(hours)}）" if hours else "")
    if channel.kind == ChannelKind.ONLINE:
        return f"{label or '网上反映'}：{channel.value}"
    return f"{channel.display_label}：{channel.value or channel.location}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def period_sentence(inspection: Inspection) -> str:
    team, target = inspection.team.name, inspection.target.name
    organizer = inspection.round.organizer or inspection.round.name
    head = f"根据{organizer}统一部署，{team}对{target}开展巡察"
    if inspection.working_days:
        duration = inspection.duration_text or f"{inspection.working_days}个工作日"
        return (f"{head}，计划从{cn_date(inspection.start_date)}开始，用{duration}进行集中巡察了解"
                f"（{cn_date(inspection.start_date)}至{cn_date(inspection.end_date)}）。")
    stay = f"，工作{inspection.duration_text}" if inspection.duration_text else ""
    return f"{head}{stay}。巡察期间为{cn_date(inspection.start_date)}至{cn_date(inspection.end_date)}。"


def channels_sentence(inspection: Inspection) -> str:
    channels = list(inspection.channels.all())
    main = [channel_phrase(c) for c in channels if c.kind != ChannelKind.LETTERBOX]
    boxes = [c.location for c in channels if c.kind == ChannelKind.LETTERBOX]
    parts = []
    if main:
        parts.append("为便于广大干部群众反映情况，巡察期间设立" + "，".join(main) + "。")
    if boxes:
        count = f"等{len(boxes)}处" if len(boxes) > 2 else ""
        parts.append(f"巡察组在{_join(boxes)}{count}设置联系信箱。")
    return "".join(parts)


def intake_sentence(inspection: Inspection) -> str:
    text = f"巡察组受理信访时间为{cn_date(inspection.intake_start)}至{cn_date(inspection.intake_end)}。"
    if inspection.intake_end < inspection.end_date:
        text += f"受理期结束后巡察组仍在{inspection.target.short_name or '被巡察单位'}工作至{cn_date(inspection.end_date)}。"
    if inspection.postmark_counts:
        text += "来信以邮戳日期为准。"
    return text


def announcement_paragraphs(inspection: Inspection) -> list[str]:
    return [
        period_sentence(inspection),
        channels_sentence(inspection) + intake_sentence(inspection),
        inspection.scope_text if inspection.scope_text.startswith("根据") else "根据巡视工作条例等有关规定，" + inspection.scope_text,
    ]


def announcement_title(inspection: Inspection) -> str:
    return f"{inspection.team.name}巡察{inspection.target.name}公告"


def announcement_text(inspection: Inspection) -> str:
    """The text as published. Internal notes (e.g. a year whose holidays are not entered yet) are the
    staff pages' business and never appear here."""
    return "\n".join(announcement_paragraphs(inspection))


def announcement_docx(inspection: Inspection) -> bytes:
    doc = new_document()
    doc_title(doc, announcement_title(inspection))
    for text in announcement_text(inspection).split("\n"):
        doc_paragraph(doc, text)
    doc.add_paragraph("受理渠道一览").runs[0].bold = True
    rows = []
    for c in inspection.channels.all():
        where = c.value + (f"（邮编{c.postcode}）" if c.postcode else "")
        rows.append((c.display_label, "，".join(x for x in (where, c.location) if x), hours_phrase(c.hours.all()) or "—"))
    doc_table(doc, ("渠道", "号码/地址/地点", "受理时间"), rows)
    doc_signature(doc, inspection.team.name, inspection.start_date)
    return doc_bytes(doc)


def qr_png(url: str) -> bytes:
    import qrcode

    img = qrcode.make(url, box_size=10, border=2)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def letterbox_notice_pdf(inspection: Inspection, calendar: WorkdayCalendar, url: str) -> bytes:
    """A4 notice to post beside each letterbox (one page per letterbox; one page if there is none)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = pdf_font()
    width, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"联系信箱告示 {inspection}")
    qr = ImageReader(io.BytesIO(qr_png(url)))
    boxes: list[Channel | None] = [c for c in inspection.channels.all() if c.kind == ChannelKind.LETTERBOX]
    boxes = boxes or [None]
    others = [channel_phrase(c) for c in inspection.channels.all() if c.kind != ChannelKind.LETTERBOX]
    margin = 20 * mm
    for box in boxes:
        y = height - 35 * mm
        pdf.setFont(font, 30)
        pdf.drawCentredString(width / 2, y, "巡察组联系信箱")
        y -= 14 * mm
        pdf.setFont(font, 15)
        for line in _wrap(f"{inspection.team.name}巡察{inspection.target.name}", font, 15, width - 2 * margin):
            pdf.drawCentredString(width / 2, y, line)
            y -= 8 * mm
        y -= 4 * mm
        paragraphs = [
            f"巡察期间：{cn_date(inspection.start_date)}至{cn_date(inspection.end_date)}；"
            f"受理信访时间：{cn_date(inspection.intake_start)}至{cn_date(inspection.intake_end)}。",
            "本信箱由巡察组专人定期开启，来信内容严格保密。反映问题请写明被反映人姓名、职务和具体事实；"
            "实名反映请留下联系方式，以便巡察组回复。",
            *([f"本信箱位置：{box.location}。"] if box is not None else []),
            "其他受理渠道：" + "；".join(others) + "。" if others else "",
            "受理范围：" + inspection.scope_text,
        ]
        pdf.setFont(font, 12)
        for para in filter(None, paragraphs):
            for line in _wrap(para, font, 12, width - 2 * margin):
                pdf.drawString(margin, y, line)
                y -= 6.5 * mm
            y -= 2 * mm
        size = 55 * mm
        pdf.drawImage(qr, (width - size) / 2, 30 * mm, size, size)
        pdf.setFont(font, 11)
        pdf.drawCentredString(width / 2, 24 * mm, "扫描二维码查看巡察公告、在线反映问题")
        pdf.setFont(font, 8)
        pdf.drawCentredString(width / 2, 18 * mm, url)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
