"""The immediate-rectification notice (立行立改通知书, a 边巡边改 handling suggestion) as .docx, in
the style of xuncha.triage.documents (仿宋 body, 黑体 title).

It goes to the inspected organisation: the matter, the suggestion and the deadline. It never names a
reporter or a report; how many raised the matter appears only as a phrase such as 多名师生反映.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xuncha.documents import cn_date, doc_bytes, doc_paragraph, doc_signature, doc_title, document_number, local_date, new_document

from .models import ImmediateNotice
from .selectors import reporters_count

SCHOOL_WORDS = ("大学", "学院", "学校", "中学", "小学", "幼儿园")


def reporters_phrase(notice: ImmediateNotice) -> str:
    """多名师生反映 / 有师生反映 (干部群众 outside schools): a count phrase, never who."""
    target = notice.inspection.target.name
    people = "师生" if any(w in target for w in SCHOOL_WORDS) else "干部群众"
    return f"多名{people}反映" if reporters_count(notice) >= 2 else f"有{people}反映"


def due_phrase(notice: ImmediateNotice) -> str:
    if notice.due_on is None:
        return f"请自本通知签发之日起{notice.deadline_days}个工作日内完成整改"
    return f"请于{cn_date(notice.due_on)}前（{notice.deadline_days}个工作日内）完成整改"


def matter_phrase(title: str) -> str:
    """食堂饭菜价格 → 食堂饭菜价格的问题; a title that already ends in 问题 is not doubled (…问题的问题)."""
    title = title.strip().rstrip("。；;，,")
    return title if title.endswith("问题") else f"{title}的问题"


def notice_paragraphs(notice: ImmediateNotice) -> list[str]:
    inspection = notice.inspection
    team = inspection.team.name
    return [
        f"{team}在巡察{inspection.target.name}期间，{reporters_phrase(notice)}{matter_phrase(notice.title)}。"
        "经研究，该问题明显违反有关规定，能够立即整改。按照边巡边改、立行立改的要求，现将有关问题及处理建议通知如下。",
        f"一、反映的问题：{' '.join(notice.problem.split())}",
        f"二、处理建议：{' '.join(notice.suggestion.split())}",
        f"三、整改期限：{due_phrase(notice)}，并将整改措施、整改成效和佐证材料书面反馈{team}。",
        "请你单位党组织高度重视，明确责任领导和责任部门，举一反三、建章立制，确保整改到位。",
    ]


def immediate_notice_docx(notice: ImmediateNotice) -> bytes:
    """立行立改通知书 for one notice (a draft is marked 待签发 and counts its deadline from issue)."""
    inspection = notice.inspection
    moment = notice.issued_at or timezone.now()
    number = document_number(moment, notice.number)
    if notice.state == ImmediateNotice.State.DRAFT:
        number += "（待签发）"
    doc = new_document()
    doc_title(doc, "立行立改通知书", number)
    doc.add_paragraph(f"{inspection.target.name}：")
    for text in notice_paragraphs(notice):
        doc_paragraph(doc, text)
    day: dt.date = local_date(moment)
    doc_signature(doc, inspection.team.name, day)
    return doc_bytes(doc)
