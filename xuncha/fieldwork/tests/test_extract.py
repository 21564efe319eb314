"""The text extractor (xuncha/core/extract.py): PDF, Word, Excel; bounded in size and time; never raises."""

from __future__ import annotations

import time

from xuncha.core.extract import DOCX, PDF, XLSX, extract_text

from .helpers_documents import bomb_docx, docx_bytes, pdf_bytes, xlsx_bytes


def test_docx_paragraphs_and_entities() -> None:
    text = extract_text(docx_bytes("食堂承包合同", "金额 <120> 万元 & 附件"), DOCX)
    assert "食堂承包合同" in text and "金额 <120> 万元 & 附件" in text


def test_xlsx_cells() -> None:
    text = extract_text(xlsx_bytes([["项目", "金额"], ["体育馆维修", 1200000]]), XLSX)
    assert "体育馆维修" in text and "1200000" in text


def test_pdf_text() -> None:
    assert "Canteen contract 2023" in extract_text(pdf_bytes("Canteen contract 2023"), PDF)


def test_max_chars_bounds_output() -> None:
    text = extract_text(docx_bytes(*["一二三四五六七八九十"] * 1000), DOCX, max_chars=50)
    assert len(text) == 50


def test_archive_bomb_is_cut_quickly() -> None:
    content = bomb_docx()
    assert len(content) < 1_000_000  # 64 MB inflated, under 1 MB packed
    started = time.monotonic()
    text = extract_text(content, DOCX)
    assert time.monotonic() - started < 10
    assert text == ""  # refused by its sizes (xuncha/core/extract.py), not inflated


def test_broken_and_unknown_files_give_nothing() -> None:
    assert extract_text(b"%PDF-1.4 garbage", PDF) == ""
    assert extract_text(b"PK\x03\x04 not a zip", DOCX) == ""
    assert extract_text(b"\xff\xd8\xff", "image/jpeg") == ""
    assert extract_text(docx_bytes("x"), DOCX, max_chars=0) == ""
