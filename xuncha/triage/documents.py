"""Documents of what is handed over: the referral letter (转办函) and the clue transfer list
(问题线索移交清单), as .docx in the house style of xuncha.documents.

Both carry the report's matter only: its content, the subjects and the team's reasons. The
reporter's identity (sealed or masked) never appears in them.
"""

from __future__ import annotations

from typing import Any

from xuncha.documents import cn_date, doc_bytes, doc_paragraph, doc_signature, doc_table, doc_title, document_number, local_date, new_document

from .models import Clue, Referral, TransferBatch
from .selectors import result_months

SUMMARY_CHARS = 200


def subjects_phrase(report: Any) -> str:
    """赵某（副院长）、钱某 — the subjects' names and posts, or a dash when none was given."""
    return "、".join(f"{s.name}（{s.post}）" if s.post else s.name for s in report.subjects.all()) or "—"


def discipline_phrase(report: Any) -> str:
    triage = getattr(report, "triage", None)
    labels = triage.discipline_labels if triage is not None else []
    return "、".join(labels) or "—"


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "……"


def referral_letter_paragraphs(referral: Referral) -> list[str]:
    report = referral.report
    inspection = report.inspection
    months = result_months(inspection.office_id)
    return [
        f"{inspection.team.name}在巡察{inspection.target.name}期间，收到反映有关问题的信访件（编号{report.reference}）。"
        "经研究，该件反映的问题根据巡察受理范围不属于本次巡察受理范围，按规定由有关部门处理，现转你单位办理。",
        f"一、被反映人：{subjects_phrase(report)}。",
        f"二、反映的主要问题：{' '.join(report.content.split())}",
        f"三、转办理由：{referral.reason}",
        f"四、办理要求：请你单位按照职责认真研究处理，于收到本函之日起{months}个月内将办理情况和结果书面反馈{inspection.team.name}。"
        "对反映人的有关信息，请严格保密。",
    ]


def referral_letter_docx(referral: Referral) -> bytes:
    """巡察组信访件转办函 for one referral (its report's content and subjects, never the reporter)."""
    report = referral.report
    inspection = report.inspection
    doc = new_document()
    doc_title(doc, "巡察组信访件转办函", document_number(referral.created_at, referral.number))
    doc.add_paragraph(f"{referral.body.name}：")
    for text in referral_letter_paragraphs(referral):
        doc_paragraph(doc, text)
    doc_signature(doc, inspection.team.name, local_date(referral.created_at))
    return doc_bytes(doc)


TRANSFER_COLUMNS = ("序号", "编号", "被反映人及职务", "反映问题摘要", "涉及纪律", "移交理由")


def transfer_rows(clues: list[Clue]) -> list[tuple[str, ...]]:
    return [(str(i), c.report.reference, subjects_phrase(c.report), summary(c.report.content), discipline_phrase(c.report), c.reason)
            for i, c in enumerate(clues, start=1)]


def batch_clues(batch: TransferBatch) -> list[Clue]:
    return list(batch.clues.select_related("report__triage").prefetch_related("report__subjects").order_by("report__number", "id"))


def transfer_list_docx(batch: TransferBatch) -> bytes:
    """问题线索移交清单 of one batch, with the lines for the handing-over and the signing-for."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    clues = batch_clues(batch)
    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc_title(doc, "问题线索移交清单", document_number(batch.created_at, batch.number))
    doc.add_paragraph(f"巡察任务：{batch.inspection}")
    doc.add_paragraph(f"接收单位：{batch.body.name}")
    doc.add_paragraph(f"移交问题线索共{len(clues)}件。")
    doc_table(doc, TRANSFER_COLUMNS, transfer_rows(clues))
    blank = "__________"
    signed = batch.signed_at is not None
    doc.add_paragraph(f"移交人（{batch.inspection.team.name}）：{batch.created_by}    日期：{cn_date(local_date(batch.created_at))}")
    doc.add_paragraph(f"接收人签收（{batch.body.name}）：{batch.signed_by if signed else blank}    "
                      f"日期：{cn_date(local_date(batch.signed_at)) if batch.signed_at is not None else blank}")
    note = doc.add_paragraph("本清单及所列问题线索请严格保密、妥善保管；"
                             f"请于签收之日起{result_months(batch.inspection.office_id)}个月内反馈处置情况和结果。")
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return doc_bytes(doc)
