"""Attachments: sealed at rest, read by OCR, searchable, opened by the team only (audited)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.core import crypto, ocr
from xuncha.inspections.models import Inspection
from xuncha.intake import services
from xuncha.intake.attachments import stored_text
from xuncha.intake.models import Attachment, Report

pytestmark = pytest.mark.django_db

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
LETTER = [
    "尊敬的巡察组领导：",
    "学院后勤处处长利用职务便利，",
    "收受食堂承包商购物卡和礼金，",
    "并安排亲属承包食堂经营。",
    "请巡察组依纪依规调查处理。",
]
needs_ocr = pytest.mark.skipif(not ocr.engine_available() or not Path(FONT).exists(),
                               reason="tesseract with chi_sim and the CJK font are installed by scripts/system-deps.sh")


def letter_png(lines: list[str] = LETTER, *, angle: float = 0.8) -> bytes:
    """A scanned letter: the text rendered in the project's CJK font, grey paper, speckles, a slight tilt."""
    import random

    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (1000, 120 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        draw.text((60, 60 + 60 * n), line, fill=0, font=font)
    img = img.rotate(angle, fillcolor=240).filter(ImageFilter.GaussianBlur(0.6))
    rng = random.Random(3)
    px = img.load()
    for _ in range(2000):
        px[rng.randrange(img.width), rng.randrange(img.height)] = rng.choice((0, 120, 200))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def register_letter(inspection: Inspection, files: list[tuple[str, bytes]], content: str = "") -> Report:
    member = User.objects.get(username="member")
    return services.report_register(actor=member, data=services.ReportInput(
        inspection=inspection, content=content, kind="letterbox", channel=inspection.channels.filter(kind="letterbox").first(),
        received_at=dt.datetime(2024, 9, 26, 2, 0, tzinfo=dt.UTC),
        files=[SimpleUploadedFile(name, data) for name, data in files])).report


def media_bytes(settings: Any) -> bytes:
    return b"".join(p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_stored_files_hold_no_plaintext_and_open_again(seed000: Inspection, settings: Any) -> None:
    docx = _docx("食堂承包合同由院长亲属签订，价格虚高。")
    png = letter_png()
    report = register_letter(seed000, [("来信.png", png), ("合同.docx", docx)], content="附件为来信扫描件")
    stored = media_bytes(settings)
    assert stored, "the files were written"
    for needle in (png[:64], png[-64:], b"word/document.xml", "食堂承包合同".encode(), docx[:64]):
        assert needle not in stored
    atts = list(report.attachments.order_by("id"))
    assert [a.sm3 for a in atts] == [crypto_sm3(png), crypto_sm3(docx)]
    with atts[0].file.open("rb") as f:
        assert f.read() == png
    assert atts[0].file.size == len(png)


def crypto_sm3(data: bytes) -> str:
    from xuncha.core.sm import sm3_hex

    return sm3_hex(data)


def _docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_rotation_rewraps_every_file_and_each_still_opens(seed000: Inspection, settings: Any) -> None:
    from xuncha.intake import keys_rotation
    from xuncha.uploads import attachment_storage

    png = letter_png(["测试"])
    report = register_letter(seed000, [("a.png", png), ("b.png", letter_png(["其他"]))], content="两张图片")
    names = [a.file.name for a in report.attachments.all()]
    before = {n: crypto.file_key_id(attachment_storage().raw(n)) for n in names}
    new_id, _count = keys_rotation.rotate(actor="测试")
    for name in names:
        blob = attachment_storage().raw(name)
        assert crypto.file_key_id(blob) == new_id != before[name]
    first = report.attachments.order_by("id").first()
    assert first is not None
    with first.file.open("rb") as f:
        assert f.read() == png
    assert keys_rotation.files_check()[1] == []


def test_unsealed_files_of_an_older_version_are_sealed_by_the_command(seed000: Inspection, settings: Any) -> None:
    from django.core.management import call_command

    from xuncha.uploads import attachment_storage

    report = register_letter(seed000, [("a.png", letter_png(["旧"]))], content="旧文件")
    att = report.attachments.get()
    path = Path(attachment_storage().path(att.file.name))
    plain = attachment_storage().open(att.file.name).read()
    path.write_bytes(plain)  # as an older version left it
    Attachment.objects.filter(pk=att.pk).update(sm3="")
    assert not attachment_storage().is_sealed(att.file.name)
    call_command("attachments_seal", stdout=io.StringIO())
    assert attachment_storage().is_sealed(att.file.name)
    assert attachment_storage().open(att.file.name).read() == plain
    att.refresh_from_db()
    assert att.sm3 == crypto_sm3(plain)


@needs_ocr
def test_a_scanned_letter_is_read_found_by_a_word_of_the_scan_and_classified(seed000: Inspection, clients: Any,
                                                                            django_capture_on_commit_callbacks: Any) -> None:
    from xuncha.intake.reading import attachments_read_pending
    from xuncha.triage.models import Triage

    report = register_letter(seed000, [("来信扫描件.png", letter_png())])
    assert report.content == ""
    att = report.attachments.get()
    assert att.ocr_status == "pending"
    with django_capture_on_commit_callbacks(execute=True):  # the hook: triage proposes again on the text read
        assert attachments_read_pending() == {"done": 1, "failed": 0}
    att.refresh_from_db()
    report.refresh_from_db()
    assert att.ocr_status == "done" and att.text_engine.startswith("tesseract")
    text = stored_text(att)
    for word in ("后勤处", "购物卡", "礼金", "食堂"):
        assert word in text
    assert report.content_machine_read and "购物卡" in report.content
    # The workbench search finds it by a word that appears only in the image.
    page = clients["member"].get(f"/inspections/{seed000.pk}/reports/", {"q": "购物卡"})
    assert report.reference in page.content.decode()
    triage = Triage.objects.get(pk=report.pk)
    from xuncha.triage.models import DISCIPLINE_BITS, from_mask

    assert "integrity" in from_mask(triage.disciplines, DISCIPLINE_BITS)
    assert AuditEvent.objects.filter(action="attachment.read").exists()
