"""The request letter for a briefing before entry (关于商请通报被巡察党组织有关情况的函), .docx."""

from __future__ import annotations

from xuncha import documents

from .models.briefing import BriefingRequest


def letter_title(briefing: BriefingRequest) -> str:
    return f"关于商请通报{briefing.inspection.target.name}有关情况的函"


def letter_docx(briefing: BriefingRequest) -> bytes:
    inspection = briefing.inspection
    team, target = inspection.team.name, inspection.target.name
    doc = documents.new_document()
    documents.doc_title(doc, letter_title(briefing), f"（第{briefing.number}号）")
    doc.add_paragraph(f"{briefing.body_name}：")
    documents.doc_paragraph(doc, (
        f"根据{inspection.round.name}工作安排，{team}将于{documents.cn_date(inspection.start_date)}起对{target}开展巡察。"
        "为全面了解被巡察党组织有关情况，提高巡察工作的针对性，请贵单位通报以下情况："))
    for line in briefing.asks.splitlines():
        if line.strip():
            documents.doc_paragraph(doc, line.strip())
    due = f"于{documents.cn_date(briefing.due_on)}前" if briefing.due_on else "在巡察组进驻前"
    documents.doc_paragraph(doc, f"请{due}将书面材料加盖公章后密封报送{team}，由专人交接。通报内容仅供巡察工作使用，巡察组将严格保密。")
    documents.doc_paragraph(doc, "特此函告。")
    documents.doc_signature(doc, team, briefing.requested_on)
    return documents.doc_bytes(doc)
