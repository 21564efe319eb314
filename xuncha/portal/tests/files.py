"""Real files for upload tests, generated on the fly (Pillow, reportlab, python-docx)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def png_bytes(size: tuple[int, int] = (16, 16)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (179, 38, 30)).save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "evidence page 1")
    c.showPage()
    c.save()
    return buf.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("补充材料：会议记录摘抄")
    doc.save(buf)
    return buf.getvalue()


def exe_bytes() -> bytes:
    # A PE header ("MZ" ... "PE\0\0"), the start of a Windows program.
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    header += b"\x00" * (0x3C - len(header)) + (0x80).to_bytes(4, "little")
    header += b"\x00" * (0x80 - len(header)) + b"PE\x00\x00"
    return bytes(header) + b"\x00" * 256


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name: str = "照片.png") -> SimpleUploadedFile:
    return upload(name, png_bytes(), "image/png")


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes(), "application/pdf")


def docx(name: str = "说明.docx") -> SimpleUploadedFile:
    return upload(name, docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def exe_as_pdf(name: str = "发票.pdf") -> SimpleUploadedFile:
    return upload(name, exe_bytes(), "application/pdf")


def png_as_pdf(name: str = "截图.pdf") -> SimpleUploadedFile:
    return upload(name, png_bytes(), "application/pdf")
