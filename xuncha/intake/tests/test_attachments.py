"""Attachments: sealed at rest, read by OCR, searchable, opened by the team only (audited)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.scans import letter_png, needs_ocr
from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.core import crypto, ocr
from xuncha.inspections.models import Inspection
from xuncha.intake import services
from xuncha.intake.attachments import stored_text
from xuncha.intake.models import Attachment, Report

pytestmark = pytest.mark.django_db

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


@needs_ocr
def test_a_photo_of_texture_gives_no_content_and_the_member_is_told_to_check_the_original(seed000: Inspection,
                                                                                      clients: Any) -> None:
    import random

    from PIL import Image, ImageFilter

    from xuncha.intake.reading import attachments_read_pending

    rng = random.Random(7)
    img = Image.new("L", (400, 240), 200)
    px = img.load()
    assert px is not None
    for _ in range(12_000):  # a texture, no text: the engine invents characters out of it
        px[rng.randrange(img.width), rng.randrange(img.height)] = rng.choice((0, 40, 90, 250))
    out = io.BytesIO()
    img.filter(ImageFilter.GaussianBlur(0.8)).save(out, format="PNG")
    report = register_letter(seed000, [("照片.png", out.getvalue())])
    assert attachments_read_pending() == {"done": 1, "failed": 0}
    att = report.attachments.get()
    report.refresh_from_db()
    assert stored_text(att) == "" and report.content == "" and not report.content_machine_read
    assert att.text_error.startswith(ocr.LOW_CONFIDENCE_NOTICE)
    viewer = clients["member"].get(f"/attachments/{att.pk}/").content.decode()
    assert 'id="ocr-low-confidence"' in viewer and "识别可信度低，请对照原件" in viewer and "（未识别出文字）" in viewer
    api_text = clients["member"].get(f"/api/v1/attachments/{att.pk}/text").json()
    assert api_text["text"] == "" and api_text["note"] == att.text_error


def _png(color: str = "white", size: tuple[int, int] = (60, 40)) -> bytes:
    """An image with detail in it (a checkerboard on `color`): blurring it changes it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 8):
        for y in range(0, size[1], 8):
            if (x + y) // 8 % 2:
                draw.rectangle((x, y, x + 7, y + 7), fill="black")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def test_the_team_opens_attachments_each_opening_audited(seed000: Inspection, clients: Any) -> None:
    png = _png("red")
    report = register_letter(seed000, [("照片.png", png)], content="附照片一张")
    att = report.attachments.get()
    page = clients["member"].get(f"/reports/{report.pk}/")
    assert f"/attachments/{att.pk}/" in page.content.decode()
    viewer = clients["member"].get(f"/attachments/{att.pk}/")
    assert viewer.status_code == 200 and f"/attachments/{att.pk}/file" in viewer.content.decode()
    before = AuditEvent.objects.filter(action="attachment.open").count()
    got = clients["member"].get(f"/attachments/{att.pk}/file")
    assert got.status_code == 200 and got.content == png and got["Content-Type"] == "image/png"
    assert got["Content-Disposition"].startswith("inline") and "default-src 'none'" in got["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="attachment.open").count() == before + 1
    assert clients["liaison"].get(f"/attachments/{att.pk}/file").status_code == 404
    assert clients["recipient"].get(f"/attachments/{att.pk}/").status_code == 404


def test_office_files_are_downloaded(seed000: Inspection, clients: Any) -> None:
    report = register_letter(seed000, [("材料.docx", _docx("材料正文"))], content="附材料")
    att = report.attachments.get()
    got = clients["member"].get(f"/attachments/{att.pk}/file")
    assert got["Content-Disposition"].startswith("attachment")


def test_an_attachment_marked_as_identity_is_blurred_for_members_and_revealed_to_the_leader(seed000: Inspection, clients: Any) -> None:
    png = _png("blue", (200, 100))
    report = register_letter(seed000, [("署名页.png", png)], content="来信署名页")
    att = report.attachments.get()
    member, leader = clients["member"], clients["leader"]
    assert member.post(f"/attachments/{att.pk}/identity/", {"contains": "1"}).status_code == 302
    att.refresh_from_db()
    assert att.contains_identity
    blurred = member.get(f"/attachments/{att.pk}/file")
    assert blurred.status_code == 200 and blurred.content != png and blurred["Content-Type"] == "image/png"
    # A member cannot lift the mark; the leader sees it masked too until a reasoned reveal.
    assert member.post(f"/attachments/{att.pk}/identity/", {"contains": "0"}).status_code == 403
    assert leader.get(f"/attachments/{att.pk}/file").content != png
    short = leader.post(f"/attachments/{att.pk}/reveal/", {"reason": "看"})
    assert short.status_code == 200 and "至少5个字" in short.content.decode()
    assert member.post(f"/attachments/{att.pk}/reveal/", {"reason": "需要核实来信人情况"}).status_code == 200  # the form, refused
    assert not AuditEvent.objects.filter(action="attachment.reveal", actor__username="member").exists()
    done = leader.post(f"/attachments/{att.pk}/reveal/", {"reason": "需要核实来信人所述情况"})
    assert done.status_code == 302
    assert leader.get(f"/attachments/{att.pk}/file").content == png
    assert AuditEvent.objects.filter(action="attachment.reveal").count() == 1
    assert member.get(f"/attachments/{att.pk}/file").content != png


def test_an_identity_marked_pdf_is_withheld_from_members(seed000: Inspection, clients: Any) -> None:
    pdf = _pdf_with_text()
    report = register_letter(seed000, [("署名.pdf", pdf)], content="来信")
    att = report.attachments.get()
    clients["member"].post(f"/attachments/{att.pk}/identity/", {"contains": "1"})
    assert clients["member"].get(f"/attachments/{att.pk}/file").status_code == 403
    assert "不可查看" in clients["member"].get(f"/attachments/{att.pk}/").content.decode()


def _pdf_with_text() -> bytes:
    from reportlab.pdfgen import canvas

    from xuncha.documents import pdf_font

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setFont(pdf_font(), 14)
    c.drawString(72, 720, "学院财务处违规发放津贴补贴")
    c.save()
    return out.getvalue()


def test_a_pdf_with_a_text_layer_is_extracted_not_ocred(seed000: Inspection) -> None:
    from xuncha.intake.reading import attachments_read_pending

    report = register_letter(seed000, [("举报.pdf", _pdf_with_text())])
    attachments_read_pending()
    att = report.attachments.get()
    assert att.text_engine == "pdf-text" and "津贴补贴" in stored_text(att)
    report.refresh_from_db()
    assert report.content_machine_read and "津贴补贴" in report.content


def test_the_member_confirms_machine_read_content(seed000: Inspection, clients: Any) -> None:
    from xuncha.intake.reading import attachments_read_pending

    report = register_letter(seed000, [("举报.pdf", _pdf_with_text())])
    attachments_read_pending()
    page = clients["member"].get(f"/reports/{report.pk}/")
    assert "尚未核对" in page.content.decode()
    form = clients["member"].get(f"/reports/{report.pk}/content/")
    assert "津贴补贴" in form.content.decode()
    assert clients["member"].post(f"/reports/{report.pk}/content/", {"content": ""}).status_code == 200
    assert clients["member"].post(f"/reports/{report.pk}/content/", {"content": "学院财务处违规发放津贴补贴（已核对）"}).status_code == 302
    report.refresh_from_db()
    assert not report.content_machine_read and report.content.endswith("（已核对）")
    assert clients["liaison"].get(f"/reports/{report.pk}/content/").status_code == 404


def test_api_registers_a_letter_as_multipart_and_serves_its_files(seed000: Inspection, demo: Any) -> None:
    from django.test import Client

    from xuncha.accounts.services import api_token_create
    from xuncha.intake.reading import attachments_read_pending

    token = api_token_create(user=demo["users"]["member"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    channel = seed000.channels.filter(kind="letterbox").first()
    assert channel is not None
    pdf = _pdf_with_text()
    answer = Client().post(f"/api/v1/inspections/{seed000.pk}/reports", {
        "channel": str(channel.pk), "received_at": "2024-09-26T10:00:00+08:00",
        "subjects": '[{"name": "李某", "post": "财务处处长", "category": "key_post"}]',
        "attachments": [SimpleUploadedFile("来信.pdf", pdf), SimpleUploadedFile("照片.png", _png())]}, **auth)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["content"] == "" and len(body["receipt_code"]) == 16
    listed = Client().get(f"/api/v1/reports/{body['id']}/attachments", **auth).json()
    assert [a["name"] for a in listed] == ["来信.pdf", "照片.png"]
    assert listed[0]["ocr_status"] == "pending" and len(listed[0]["sm3"]) == 64
    attachments_read_pending()
    text = Client().get(f"/api/v1/attachments/{listed[0]['id']}/text", **auth).json()
    assert "津贴补贴" in text["text"] and text["engine"] == "pdf-text"
    got = Client().get(f"/api/v1/attachments/{listed[0]['id']}", **auth)
    assert got.status_code == 200 and got.content == pdf
    again = Client().get(f"/api/v1/reports/{body['id']}", **auth).json()
    assert again["content_machine_read"] and "津贴补贴" in again["content"]
    bad = Client().post(f"/api/v1/inspections/{seed000.pk}/reports", {
        "channel": str(channel.pk), "received_at": "2024-09-26T10:00:00+08:00"}, **auth)
    assert bad.status_code == 400
    liaison = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=demo['users']['liaison'])}"}
    assert Client().get(f"/api/v1/attachments/{listed[0]['id']}", **liaison).status_code == 404


def test_extract_text_is_bounded() -> None:
    import zipfile

    from xuncha.core.extract import DOCX, extract_text

    assert extract_text(b"not a pdf", "application/pdf") == ""
    assert "材料正文" in extract_text(_docx("材料正文"), DOCX)
    assert len(extract_text(_docx("字" * 5000), DOCX, max_chars=100)) == 100
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("word/document.xml", b"<a>" + b" " * 60_000_000 + b"</a>")
    assert extract_text(bomb.getvalue(), DOCX) == ""


def test_the_staff_form_registers_a_letter_from_its_scan_alone(clients: Any, seed000: Inspection) -> None:
    from django.urls import reverse

    from tests.formdata import post_form

    url = reverse("intake:register", args=[seed000.pk, "letterbox"])
    form = post_form(clients["member"].get(url), having="content")
    box = seed000.channels.filter(kind="letterbox").first()
    assert box is not None
    data = form.data({"received_at": "2024-09-27T16:00", "content": "", "channel": str(box.pk)})
    refused = clients["member"].post(url, data)
    assert refused.status_code == 200 and "或上传来信扫描件" in refused.content.decode()
    data["attachments"] = SimpleUploadedFile("来信.png", _png())
    assert clients["member"].post(url, data).status_code == 302
    report = Report.objects.get()
    assert report.content == "" and report.attachments.get().ocr_status == "pending"


def test_the_text_of_an_identity_page_leaves_the_search_index(seed000: Inspection, clients: Any) -> None:
    from xuncha.intake.reading import attachments_read_pending

    report = register_letter(seed000, [("署名.pdf", _pdf_with_text())], content="来信反映违规发放问题")
    attachments_read_pending()
    search = f"/inspections/{seed000.pk}/reports/"
    assert report.reference in clients["member"].get(search, {"q": "津贴补贴"}).content.decode()
    att = report.attachments.get()
    clients["member"].post(f"/attachments/{att.pk}/identity/", {"contains": "1"})
    assert report.reference not in clients["member"].get(search, {"q": "津贴补贴"}).content.decode()
    text = clients["member"].get(f"/api/v1/attachments/{att.pk}/text").json()
    assert text["withheld"] and text["text"] == ""


@pytest.mark.django_db(transaction=True)
def test_the_embedded_deployment_reads_attachments_in_a_background_thread(demo: Any, settings: Any) -> None:
    import time

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot host threads")
    settings.ATTACHMENT_READING = "thread"
    report = register_letter(demo["seed000"], [("举报.pdf", _pdf_with_text())])
    att = report.attachments.get()
    for _ in range(120):
        att.refresh_from_db()
        if att.ocr_status != "pending":
            break
        time.sleep(0.5)
    # The thread goes on to triage the machine-read content: let it finish inside the test (a thread still
    # touching the database after the test would be cut off by the next test's setup).
    import threading

    for thread in threading.enumerate():
        if thread.name == "xuncha-attachment-reading":
            thread.join(timeout=120)
            assert not thread.is_alive()
    assert att.ocr_status == "done"
    report.refresh_from_db()
    assert report.content_machine_read and "津贴补贴" in report.content
