"""Shared by the document-request tests: files made in memory and a request sent to the practice target."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.fieldwork import services_documents as svc
from xuncha.fieldwork.models.documents import DocumentRequest


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def pdf_bytes(*lines: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from xuncha.documents import pdf_font

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(pdf_font(), 12)
    y = 780
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 20
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def bomb_docx(size: int = 64 * 1024 * 1024) -> bytes:
    """A .docx whose document part inflates to `size` bytes of one repeated run (an archive bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        run = b"<w:p><w:r><w:t>\xe7\x82\xb8</w:t></w:r></w:p>"
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(size // len(run)):
                part.write(run)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def sent_request(demo: dict[str, Any], *items: tuple[str, str, str], sensitive: bool = False, inspection: Any = None) -> DocumentRequest:
    member = demo["users"]["member"]
    data = [svc.ItemData(n, p, f) for n, p, f in (items or (("2023年党委会会议记录", "2023年", "original"),
                                                             ("基建项目招投标资料", "2022—2024年", "electronic")))]
    return svc.document_request_create(actor=member, inspection=inspection or demo["practice"], items=data, due_days=3,
                                       sensitive=sensitive, purpose="了解基建项目决策情况")
