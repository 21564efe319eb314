"""Word 97-2003 (.doc) attachments: their text is read (wvWare), searchable, and a damaged, huge or unreadable
file fails cleanly, keeping the file. The .doc files are real Word files with real published Chinese texts
(tests/fixtures/doc/, how they were made is in make_fixtures.py there)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xuncha.core import word97
from xuncha.inspections.models import Inspection
from xuncha.intake.attachments import stored_text
from xuncha.intake.reading import attachments_read_pending

from .test_attachments import register_letter

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "doc"
needs_wv = pytest.mark.skipif(not word97.reader_available(), reason="wvWare (Debian package wv) is installed by scripts/system-deps.sh")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def corrupt_doc() -> bytes:
    """A real .doc whose compound-file allocation table is overwritten: still an OLE file with a Word stream
    by its look, unreadable by any reader."""
    good = fixture("letter_table.doc")
    return good[:76] + b"\xff" * 400 + good[476:]


@needs_wv
def test_a_doc_letter_is_read_and_the_workbench_finds_it_by_a_word_only_in_the_doc(seed000: Inspection, clients: Any) -> None:
    report = register_letter(seed000, [("举报信.doc", fixture("letter_table.doc"))], content="附举报信一份，请查收。")
    att = report.attachments.get()
    assert att.content_type == "application/x-ole-storage" and att.ocr_status == "pending"
    assert attachments_read_pending() == {"done": 1, "failed": 0}
    att.refresh_from_db()
    assert att.ocr_status == "done" and att.text_engine == "wvWare"
    text = stored_text(att)
    assert "“保姆式”服务" in text and "违规拥有非上市公司股份" in text
    assert "序号" in text and "问题" in text  # the table's cells
    report.refresh_from_db()
    assert report.content == "附举报信一份，请查收。" and not report.content_machine_read  # the member's content stays
    search = f"/inspections/{seed000.pk}/reports/"
    assert report.reference in clients["member"].get(search, {"q": "保姆式"}).content.decode()
    assert report.reference not in clients["member"].get(search, {"q": "统计执法检查"}).content.decode()
    listed = clients["member"].get(f"/api/v1/reports/{report.pk}/attachments").json()
    assert listed[0]["ocr_status"] == "done"
    api_text = clients["member"].get(f"/api/v1/attachments/{att.pk}/text").json()
    assert api_text["engine"] == "wvWare" and "保姆式" in api_text["text"]


@needs_wv
def test_a_letter_registered_from_its_doc_alone_gets_its_content_from_it(seed000: Inspection) -> None:
    report = register_letter(seed000, [("情况反映.doc", fixture("case_report.doc"))])
    assert report.content == ""
    attachments_read_pending()
    report.refresh_from_db()
    assert report.content_machine_read and "临港经济区有关专业统计数据严重失实" in report.content


def test_a_damaged_doc_fails_cleanly_and_the_file_is_kept(seed000: Inspection, clients: Any) -> None:
    bad = corrupt_doc()
    report = register_letter(seed000, [("损坏.doc", bad)], content="附件损坏")
    att = report.attachments.get()
    assert att.ocr_status == "pending"
    assert attachments_read_pending() == {"done": 0, "failed": 1}
    att.refresh_from_db()
    assert att.ocr_status == "failed" and att.text_error
    page = clients["member"].get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and "识别失败" in page.content.decode()
    viewer = clients["member"].get(f"/attachments/{att.pk}/")
    assert viewer.status_code == 200 and att.text_error in viewer.content.decode()
    got = clients["member"].get(f"/attachments/{att.pk}/file")
    assert got.status_code == 200 and got.content == bad  # nothing lost
    assert clients["member"].get(f"/api/v1/reports/{report.pk}/attachments").json()[0]["ocr_status"] == "failed"
    assert clients["member"].get(f"/api/v1/attachments/{att.pk}/text").json()["note"] == att.text_error  # the reason


@needs_wv
def test_a_huge_doc_is_refused_by_its_size_and_a_long_text_is_cut(seed000: Inspection, monkeypatch: Any) -> None:
    from xuncha.intake import reading

    monkeypatch.setattr(word97, "MAX_INPUT_BYTES", 12 * 1024)  # letter_table.doc is 14 KB, case_report.doc 9 KB
    monkeypatch.setattr(reading, "MAX_TEXT_CHARS", 40)
    report = register_letter(seed000, [("大.doc", fixture("letter_table.doc")), ("长.doc", fixture("case_report.doc"))], content="附件两份")
    assert attachments_read_pending() == {"done": 1, "failed": 1}
    big, long = report.attachments.order_by("id")
    assert big.ocr_status == "failed" and "MB" in big.text_error
    assert long.ocr_status == "done" and len(stored_text(long)) == 40 and stored_text(long).startswith("2018年1月统计执法检查")


def test_without_the_reader_the_doc_fails_saying_so_and_is_read_once_it_is_installed(seed000: Inspection, clients: Any,
                                                                                    monkeypatch: Any) -> None:
    installed = word97.READER
    monkeypatch.setattr(word97, "READER", "wvWare-not-installed")
    report = register_letter(seed000, [("举报信.doc", fixture("letter_table.doc"))], content="附举报信")
    assert attachments_read_pending() == {"done": 0, "failed": 1}
    att = report.attachments.get()
    assert att.ocr_status == "failed" and "未安装" in att.text_error and "wv" in att.text_error
    assert "未安装" in clients["member"].get(f"/attachments/{att.pk}/").content.decode()
    # The .doc is still there, whole; the other extractors (fieldwork's delivered files) just get no text.
    assert clients["member"].get(f"/attachments/{att.pk}/file").content == fixture("letter_table.doc")
    if not word97.shutil.which(installed):
        return
    monkeypatch.setattr(word97, "READER", installed)
    out = io.StringIO()
    call_command("attachments_read", "--failed", stdout=out)
    assert "重新排队识别失败的附件 1 个" in out.getvalue() and "识别完成 1 个附件" in out.getvalue()
    att.refresh_from_db()
    assert att.ocr_status == "done" and att.text_error == "" and "保姆式" in stored_text(att)


def test_excel_and_powerpoint_97_files_wait_for_no_reading(seed000: Inspection) -> None:
    doc = fixture("announcement.doc")
    not_word = doc.replace("WordDocument".encode("utf-16-le"), "Workbook\0\0\0\0".encode("utf-16-le"))
    report = register_letter(seed000, [("表格.xls", not_word)], content="附表格")
    assert report.attachments.get().ocr_status == "none"


@needs_wv
def test_every_fixture_reads_back_its_published_text() -> None:
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))

    def squeeze(s: str) -> str:
        return "".join(s.split())

    for name, facts in expected.items():
        text = squeeze(word97.read_word97(fixture(name)))
        for part in facts["paragraphs"] + facts["cells"]:
            assert squeeze(part) in text, (name, part[:20])


@needs_wv
def test_the_reader_is_bounded_in_output_and_time(tmp_path: Path, monkeypatch: Any) -> None:
    from xuncha.core.extract import OLE, extract_text

    # Output: once the limit is reached the child is killed and the text read so far is kept.
    monkeypatch.setattr(word97, "OUTPUT_SLACK_BYTES", 0)
    cut = word97.read_word97(fixture("announcement.doc"), max_chars=10)
    assert 0 < len(cut) <= 10
    monkeypatch.undo()
    # Time: a reader that never answers is killed at the limit (a stand-in program: sleep).
    slow = tmp_path / "bin" / "wvWare"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    (tmp_path / "share" / "wv").mkdir(parents=True)
    (tmp_path / "share" / "wv" / "wvText.xml").write_text("<wv/>")
    monkeypatch.setattr(word97, "READER", str(slow))
    with pytest.raises(word97.Word97Error, match="超时"):
        word97.read_word97(fixture("announcement.doc"), timeout=0.5)
    monkeypatch.undo()
    # extract_text (delivered documents' search) never raises: a damaged .doc gives no text.
    assert extract_text(corrupt_doc(), OLE) == ""
    assert "巡察一组" in extract_text(fixture("announcement.doc"), OLE)


def test_the_api_takes_a_doc_as_a_letter(seed000: Inspection, demo: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.accounts.services import api_token_create

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=demo['users']['member'])}"}
    channel = seed000.channels.filter(kind="letterbox").first()
    assert channel is not None
    answer = Client().post(f"/api/v1/inspections/{seed000.pk}/reports", {
        "channel": str(channel.pk), "received_at": "2024-09-26T10:00:00+08:00",
        "attachments": [SimpleUploadedFile("公告.doc", fixture("announcement_traditional.doc"))]}, **auth)
    assert answer.status_code == 201, answer.content
    listed = Client().get(f"/api/v1/reports/{answer.json()['id']}/attachments", **auth).json()
    assert listed[0]["name"] == "公告.doc" and listed[0]["ocr_status"] == "pending"


@needs_wv
def test_doc_files_registered_before_they_were_read_are_read_by_the_command(seed000: Inspection) -> None:
    from xuncha.intake.models import Attachment

    report = register_letter(seed000, [("旧.doc", fixture("announcement_traditional.doc"))], content="升级前登记的来信")
    Attachment.objects.filter(report=report).update(ocr_status="none")  # as an older version left it
    call_command("attachments_read", "--failed", stdout=io.StringIO())
    att = report.attachments.get()
    assert att.ocr_status == "done" and "集團公司黨委2個巡視組" in stored_text(att)


def _rezip(docx: bytes, document_xml: bytes) -> bytes:
    """The same .docx with its word/document.xml replaced (deflated, as Word writes it)."""
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def test_a_damaged_docx_and_a_zip_bomb_fail_saying_why_like_a_damaged_doc(seed000: Inspection, clients: Any) -> None:
    from .test_attachments import _docx

    good = _docx("食堂承包合同由院长亲属签订。")
    damaged = _rezip(good, b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body><w:p>")
    bomb = _rezip(good, b"<a>" + b" " * 30_000_000 + b"</a>")  # 30 MB of spaces deflate to ~30 kB: ratio ~1000
    report = register_letter(seed000, [("损坏.docx", damaged), ("炸弹.docx", bomb)], content="两个附件")
    assert attachments_read_pending() == {"done": 0, "failed": 2}
    first, second = report.attachments.order_by("id")
    assert first.ocr_status == "failed" and "已损坏" in first.text_error
    assert second.ocr_status == "failed" and "压缩炸弹" in second.text_error
    viewer = clients["member"].get(f"/attachments/{second.pk}/")
    assert viewer.status_code == 200 and "压缩炸弹" in viewer.content.decode()
    assert clients["member"].get(f"/attachments/{first.pk}/file").content == damaged  # the file itself is kept
