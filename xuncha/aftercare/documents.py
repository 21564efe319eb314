"""The documents of aftercare, through xuncha.documents (python-docx): the publication (整改公开) for the
party-affairs bulletin and the assessment report (整改评估报告)."""

from __future__ import annotations

import datetime as dt

from xuncha.documents import (
    cn_number,
    doc_bytes,
    doc_centered,
    doc_paragraph,
    doc_signature,
    doc_table,
    doc_title,
    local_date,
    new_document,
    run_font,
)

from .models import Assessment, Publication
from .selectors import assessment_figures, grade_of, indicator_total, item_average


def publication_docx(publication: Publication) -> bytes:
    content = publication.content
    doc = new_document()
    doc_title(doc, content["title"])
    doc_paragraph(doc, content["intro"])
    s = content["summary"]
    doc_paragraph(doc, f"巡察反馈的问题中，本次公开{s['problems']}个问题、{s['items']}项整改措施："
                       f"已完成{s['completed']}项，长期坚持{s['long_term']}项，正在推进{s['in_progress']}项。"
                       + (f"另有{s['exempted']}项依规不予公开。" if s["exempted"] else ""))
    for problem in content["problems"]:
        run = doc_paragraph(doc).add_run(f"{cn_number(problem['number'])}、{problem['title']}")
        run_font(run, "黑体")
        doc_table(doc, ("序号", "整改措施", "责任部门", "完成时限", "进展情况"), [
            (str(i["number"]), i["measures"], i["department"], "长期坚持" if i["long_term"] else (i["deadline"] or "—"), i["status_label"])
            for i in problem["items"]])
    doc_signature(doc, content["target"], dt.date.fromisoformat(content["published_on"]))
    return doc_bytes(doc)


def assessment_docx(assessment: Assessment) -> bytes:
    inspection = assessment.inspection
    figures = assessment_figures(inspection)
    lines = list(assessment.indicator_scores.all())
    items = list(assessment.item_scores.select_related("item", "item__finding"))
    total, maximum = indicator_total(lines)
    doc = new_document()
    doc_title(doc, "巡察整改评估报告")
    doc_centered(doc, f"关于{inspection.target.name}巡察整改情况的评估")
    doc_paragraph(doc, f"根据巡察工作有关规定，巡察办对{inspection.target.name}落实{inspection.team.name}巡察反馈问题的整改情况进行了评估。"
                       f"整改台账共{figures['items']}项，已销号{figures['signed_off']}项，长期坚持{figures['long_term']}项，"
                       f"逾期未完成{figures['overdue']}项，有佐证材料的{figures['with_evidence']}项。")
    run = doc_paragraph(doc).add_run(f"一、总体评分：{total}分（满分{maximum}分），评估等次：{grade_of(total, maximum)}")
    run_font(run, "黑体")
    doc_table(doc, ("评估指标", "分值", "得分", "说明"),
              [(line.name, str(line.max_score), "—" if line.score is None else str(line.score), line.note) for line in lines])
    average = item_average(items)
    run = doc_paragraph(doc).add_run("二、逐项评分" + (f"（平均{average}分）" if average is not None else ""))
    run_font(run, "黑体")
    doc_table(doc, ("事项", "问题", "评价", "得分", "说明"),
              [(str(s.item.number), s.item.finding.title, s.get_rating_display(), str(s.score), s.note) for s in items])
    run = doc_paragraph(doc).add_run("三、评估结论")
    run_font(run, "黑体")
    for paragraph in (assessment.conclusion or "（未填写）").splitlines():
        if paragraph.strip():
            doc_paragraph(doc, paragraph.strip())
    day = local_date(assessment.finalized_at) if assessment.finalized_at else local_date(assessment.created_at)
    doc_signature(doc, "巡察工作领导小组办公室", day)
    return doc_bytes(doc)
