"""The rectification reports: generated as drafts from the ledger (progress, evidence), edited and submitted by the
liaison, reviewed by the office; the .docx of a report and of the plan, reopened."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.rectification.models import RectificationItem, ReportKind, ReportState
from xuncha.rectification.services import (
    plan_docx_export,
    progress_report,
    rectification_report_decide,
    rectification_report_docx_export,
    rectification_report_generate,
    rectification_report_submit,
    rectification_report_update,
)

from .plan_helpers import approved_plan, fed_back, submitted_plan, user

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_no_report_before_the_ledger_has_items(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    submitted_plan(seed000, findings)
    with pytest.raises(Conflict, match="整改台账尚无事项"):
        rectification_report_generate(actor=user("liaison"), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)


def test_the_draft_comes_from_the_ledger_and_goes_through_the_office(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    approved_plan(seed000, findings)
    item = RectificationItem.objects.filter(inspection=seed000).order_by("number").first()
    assert item is not None
    progress_report(actor=user("liaison"), item=item, status="done", text="已完成招投标专项检查，问题线索已移送。",
                    files=[SimpleUploadedFile("检查报告.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")])
    for name in ("member", "office"):
        with pytest.raises(NotAllowed):
            rectification_report_generate(actor=user(name), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)
    with pytest.raises(NotFound):
        rectification_report_generate(actor=user("other_liaison"), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)
    report = rectification_report_generate(actor=user("liaison"), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)
    assert report.state == ReportState.DRAFT and seed000.target.name in report.title
    body = report.body
    assert "整改台账共3项" in body and "已完成待销号1项" in body and "问题1：" in body
    assert "已完成招投标专项检查" in body and "佐证材料1份" in body and "整改任务1-1" in body
    principal = rectification_report_generate(actor=user("liaison"), inspection_id=seed000.pk, kind=ReportKind.PRINCIPAL)
    assert "履行整改第一责任人职责情况" in principal.body and "主要负责人" in principal.title
    # The prompts must be filled before submitting.
    with pytest.raises(Invalid, match="请补充"):
        rectification_report_submit(actor=user("liaison"), report=report)
    edited = body.replace("（请补充存在的不足和下一步工作打算。）", "部分制度建设仍需加强。")
    report = rectification_report_update(actor=user("liaison"), report=report, title=report.title, body=edited)
    report = rectification_report_submit(actor=user("liaison"), report=report)
    assert report.state == ReportState.SUBMITTED
    with pytest.raises(Conflict):
        rectification_report_update(actor=user("liaison"), report=report, title="改", body="改")
    with pytest.raises(NotAllowed):
        rectification_report_decide(actor=user("leader"), report=report, accept=True)
    report = rectification_report_decide(actor=user("office"), report=report, accept=False, opinion="请补充制度建设成效。")
    assert report.state == ReportState.RETURNED
    report = rectification_report_submit(actor=user("liaison"), report=report)
    report = rectification_report_decide(actor=user("office"), report=report, accept=True)
    assert report.state == ReportState.ACCEPTED and report.submissions == 2
    assert [r.action for r in report.reviews.all()] == ["submit", "return", "submit", "approve"]
    with pytest.raises(Conflict):
        rectification_report_generate(actor=user("liaison"), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)

    text = _text(rectification_report_docx_export(actor=user("office"), report=report))
    assert report.title in text and "部分制度建设仍需加强" in text and "请补充制度建设成效" in text and "审核通过" in text
    # The principal's draft: the office does not see it yet; the team reads the plan .docx.
    with pytest.raises(NotFound):
        rectification_report_docx_export(actor=user("office"), report=principal)
    plan_text = _text(plan_docx_export(actor=user("member"), plan=seed000.rectification_plan))
    assert "问题、任务和责任清单" in plan_text and "整改任务2-1" in plan_text and "长期坚持" in plan_text
    with pytest.raises(NotFound):
        plan_docx_export(actor=user("other_member"), plan=seed000.rectification_plan)
    assert AuditEvent.objects.filter(action="rectification_report.export", actor=user("office")).exists()


def test_the_archive_source_files_what_reached_the_office(seed000: Any) -> None:
    from xuncha.rectification.archive_plan import archive_files

    _fb, findings = fed_back(seed000)
    assert list(archive_files(seed000)) == []
    approved_plan(seed000, findings)
    rectification_report_generate(actor=user("liaison"), inspection_id=seed000.pk, kind=ReportKind.LEADERSHIP)  # a draft: not filed
    files = list(archive_files(seed000))
    assert [(step, kind) for step, kind, _name, _content in files] == [("rectification", "rectification_plan")]
    step, kind, name, content = files[0]
    assert name == f"整改方案-{seed000.target.name}.docx" and "审核通过" in _text(content)
