"""Exports: the ledger as .xlsx (reopened with openpyxl) and PDF (text read back with pypdf), the feedback
as .docx (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from xuncha.rectification.exports import LEDGER_COLUMNS, cn_number, feedback_docx, ledger_pdf, ledger_title, ledger_xlsx, ledger_xlsx_file
from xuncha.rectification.services import feedback_record, progress_report

from .test_services_ledger import make_finding, make_item, user

pytestmark = pytest.mark.django_db

HEADER = ["序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态"]


@pytest.fixture
def ledger(seed000: Any) -> dict[str, Any]:
    gifts = make_finding(seed000, 1, title="违规收受礼品礼金")
    hiring = make_finding(seed000, 2, title="干部选拔程序不规范", focus="party_building")
    first = make_item(gifts, measures="清退礼品礼金\n开展警示教育", deadline=dt.date(2024, 12, 31))
    second = make_item(gifts, measures="=1+1 建立礼品登记制度", deadline=None, long_term=True, dept="纪委办公室")
    third = make_item(hiring, measures="修订干部选拔任用办法", deadline=dt.date(2025, 3, 31), dept="组织部")
    progress_report(actor=user("liaison"), item=first, text="已清退全部礼金。", status="in_progress")
    return {"items": [first, second, third], "inspection": seed000}


def test_xlsx_has_the_title_the_header_and_one_row_per_item(ledger: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    assert ledger_xlsx(ledger["inspection"], buffer) == 3
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == ledger_title(ledger["inspection"]) == "省委教育工委提级巡察二组巡察中国计量大学机电工程学院党委反馈问题整改台账"
    assert list(rows[1]) == HEADER == list(LEDGER_COLUMNS)
    assert rows[2] == (1, "问题1：违规收受礼品礼金", "清退礼品礼金\n开展警示教育", "王副院长", "后勤处", dt.datetime(2024, 12, 31),
                       "已清退全部礼金。", "整改中（逾期）")  # past its deadline: marked as the page marks it
    assert rows[3] == (2, "问题1：违规收受礼品礼金", "=1+1 建立礼品登记制度", "王副院长", "纪委办公室", "长期坚持", "", "未启动")
    assert rows[4][:3] == (3, "问题2：干部选拔程序不规范", "修订干部选拔任用办法") and rows[4][5] == dt.datetime(2025, 3, 31)
    assert len(rows) == 5
    assert sheet["C4"].data_type == "s"  # text that looks like a formula stays text
    assert "A1:H1" in [str(r) for r in sheet.merged_cells.ranges]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:H5"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_xlsx_is_written_in_constant_memory_mode(ledger: dict[str, Any]) -> None:
    stream, count = ledger_xlsx_file(ledger["inspection"])
    with stream, zipfile.ZipFile(stream) as z:
        names = set(z.namelist())
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert count == 3
    # constant_memory writes strings inline, row by row, instead of collecting them in a shared string table.
    assert "xl/sharedStrings.xml" not in names and 't="inlineStr"' in sheet_xml


def test_empty_ledger_exports(seed001: Any) -> None:
    buffer = io.BytesIO()
    assert ledger_xlsx(seed001, buffer) == 0
    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert list(rows[1]) == HEADER and len(rows) == 2
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(ledger_pdf(seed001))).pages)
    assert "暂无整改事项" in text


def test_pdf_is_landscape_with_the_columns_on_every_page(ledger: dict[str, Any]) -> None:
    gifts = ledger["items"][0].finding
    for _ in range(40):
        make_item(gifts, measures="逐项核查礼品登记台账，对未登记的一律清退并通报。" * 3)
    reader = PdfReader(io.BytesIO(ledger_pdf(ledger["inspection"])))
    assert len(reader.pages) > 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    texts = [p.extract_text() for p in reader.pages]
    assert ledger_title(ledger["inspection"]).replace("反馈问题整改台账", "") in texts[0].replace("\n", "")
    for text in texts:
        assert all(name in text for name in HEADER)  # the header row repeats on every page
    whole = "".join(texts)
    assert "违规收受礼品礼金" in whole and "长期坚持" in whole and "修订干部选拔任用办法" in whole and "2024-12-31" in whole
    assert "第1页" in texts[0]


def test_feedback_docx_groups_the_approved_findings_by_focus(seed000: Any) -> None:
    make_finding(seed000, 1, title="干部选拔程序不规范", focus="party_building")
    make_finding(seed000, 2, title="违规收受礼品礼金", focus="corruption")
    make_finding(seed000, 3, title="尚未审定的问题", state="submitted")
    make_finding(seed000, 4, title="公车私用", focus="corruption")
    fb = feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 10, 31))
    paragraphs = [p.text for p in Document(io.BytesIO(feedback_docx(fb))).paragraphs]
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "巡察反馈意见"
    assert "中国计量大学机电工程学院党委：" in paragraphs
    assert "2024年9月25日" in text and "对中国计量大学机电工程学院党委进行了巡察" in text
    # The four focuses' order: corruption comes before party building; numbering restarts in each group.
    assert paragraphs.index("一、聚焦群众身边不正之风和腐败问题方面") < paragraphs.index("（一）违规收受礼品礼金") \
        < paragraphs.index("（二）公车私用") < paragraphs.index("二、聚焦基层党组织和党员队伍建设方面") \
        < paragraphs.index("（一）干部选拔程序不规范") < paragraphs.index("三、整改要求")
    assert "主要事实：问题2的事实：某处长收受购物卡。" in paragraphs
    assert "违反的规定：《中国共产党纪律处分条例》第九十七条" in paragraphs
    assert "尚未审定的问题" not in text
    assert "于2024年12月31日前（反馈之日起2个月内）报送整改情况报告" in text
    assert paragraphs[-1].endswith("2024年10月31日")


def test_cn_number() -> None:
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 25, 99)] == ["一", "九", "十", "十一", "二十", "二十五", "九十九"]
