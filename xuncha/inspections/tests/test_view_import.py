"""The announcement import page: paste or upload, review beside the source sentences, create."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"
SEED_001 = (SEEDS / "001_595cd17377021b4d.txt").read_text(encoding="utf-8")
URL = "/inspections/import/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_seed001(demo: dict) -> None:
    # The demo already holds seed 001; remove it so that importing it again is not a duplicate.
    Inspection.objects.filter(pk=demo["seed001"].pk).delete()


def test_source_page_for_the_office(clients: dict) -> None:
    r = clients["office"].get(URL)
    assert r.status_code == 200
    assert "导入巡察公告" in r.content.decode()


@pytest.mark.parametrize("persona", ["leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"])
def test_only_the_office_imports(clients: dict, persona: str) -> None:
    assert clients[persona].get(URL).status_code == 404
    assert clients[persona].post(URL, {"text": SEED_001, "parse": "1"}).status_code == 404


def test_anonymous_is_sent_to_login(clients: dict) -> None:
    r = clients["anonymous"].get(URL)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_paste_review_and_create_seed_001(clients: dict, fresh_seed001: None) -> None:
    c = clients["office"]
    r = c.post(URL, {"text": SEED_001, "parse": "1"})
    page = r.content.decode()
    assert r.status_code == 200
    # The cleaned text and each field beside the sentence it came from.
    assert "根据七届市委第六轮常规巡察工作统一部署" in page
    assert "巡察组受理信访时间为2024年3月6日至2024年6月14日" in page
    assert 'value="18877009155"' in page
    assert "工作日 08:30-12:00；工作日 15:00-18:00" in page
    data = post_form(r, having="parsed_json").data({"create": "1"})
    assert data["i0-team"] == "市委第五巡察组"
    assert data["i0-intake_end"] == "2024-06-14"
    before = Inspection.objects.count()
    r = c.post(URL, data)
    assert r.status_code == 302
    assert Inspection.objects.count() == before + 1
    created = Inspection.objects.latest("id")
    assert created.target.name == "防城港职业技术学院党委"
    assert (created.start_date.isoformat(), created.end_date.isoformat()) == ("2024-03-06", "2024-06-21")
    assert created.intake_end.isoformat() == "2024-06-14"
    channels = list(created.channels.all())
    assert [c.kind for c in channels].count("letterbox") == 5
    phone = next(c for c in channels if c.kind == "phone")
    assert [str(h) for h in phone.hours.all()] == ["工作日08:30-12:00", "工作日15:00-18:00"]
    assert AuditEvent.objects.filter(action="announcement.import").exists()


def test_reviewer_corrections_are_what_gets_created(clients: dict, fresh_seed001: None) -> None:
    c = clients["office"]
    review = c.post(URL, {"text": SEED_001, "parse": "1"})
    data = post_form(review, having="parsed_json").data(
        {"i0-intake_end": "2024-06-15", "i0-ch-0-hours": "每天 09:00-17:00", "create": "1"})
    assert c.post(URL, data).status_code == 302
    created = Inspection.objects.latest("id")
    assert created.intake_end.isoformat() == "2024-06-15"
    phone = created.channels.get(kind="phone")
    assert [str(h) for h in phone.hours.all()] == ["每天09:00-17:00"]


def test_bad_hours_in_review_say_what_to_fix_and_create_nothing(clients: dict, fresh_seed001: None) -> None:
    c = clients["office"]
    review = c.post(URL, {"text": SEED_001, "parse": "1"})
    data = post_form(review, having="parsed_json").data({"i0-ch-0-hours": "上班时间", "create": "1"})
    before = Inspection.objects.count()
    r = c.post(URL, data)
    page = r.content.decode()
    assert r.status_code == 200
    assert "无法识别受理时间“上班时间”" in page
    assert 'value="18877009155"' in page  # what was reviewed is kept
    assert Inspection.objects.count() == before


def test_importing_the_same_inspection_twice_is_refused(clients: dict, demo: dict) -> None:
    c = clients["office"]
    review = c.post(URL, {"text": SEED_001, "parse": "1"})
    data = post_form(review, having="parsed_json").data({"create": "1"})
    r = c.post(URL, data)
    assert r.status_code == 200
    assert "已存在，请勿重复导入" in r.content.decode()


def _docx(text: str) -> bytes:
    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_upload_docx(clients: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("公告.docx", _docx(SEED_001))
    r = clients["office"].post(URL, {"file": upload, "parse": "1"})
    assert r.status_code == 200
    assert 'value="市委第五巡察组"' in r.content.decode()


def test_upload_html_in_gb18030(clients: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = f"<html><head><title>x</title><script>var a=1;</script></head><body><p>{SEED_001}</p></body></html>"
    upload = SimpleUploadedFile("news.html", html.encode("gb18030"))
    r = clients["office"].post(URL, {"file": upload, "parse": "1"})
    page = r.content.decode()
    assert 'value="18877009155"' in page
    assert "var a=1" not in page


def test_unsupported_file_keeps_the_pasted_text(clients: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("公告.pdf", b"%PDF-1.4")
    r = clients["office"].post(URL, {"file": upload, "text": "我粘贴的文字", "parse": "1"})
    page = r.content.decode()
    assert "不支持的文件类型" in page
    assert "我粘贴的文字" in page


def test_empty_submission_has_a_chinese_error(clients: dict) -> None:
    r = clients["office"].post(URL, {"text": "  ", "parse": "1"})
    assert "请粘贴公告文字或上传文件" in r.content.decode()


def test_demo_seeds_are_the_source_announcements() -> None:
    corpus = Path(__file__).resolve().parents[3] / "tests" / "corpus" / "announcements"
    for seed in SEEDS.glob("*.txt"):
        copies = list(corpus.glob(seed.name[:4] + "*.txt"))
        assert copies and copies[0].read_bytes() == seed.read_bytes()


def test_review_shows_each_warning_next_to_its_field(clients: dict) -> None:
    # No end date, no intake deadline, no scope: those inputs stay empty, each with what the parser says.
    text = "县委第一巡察组于2024年5月6日进驻县林业局党组开展常规巡察。值班电话：0771-1234567，受理时间为8:00-12:00。"
    r = clients["office"].post(URL, {"text": text, "parse": "1"})
    page = r.content.decode()
    assert r.status_code == 200
    form = post_form(r, having="parsed_json").data({})
    assert form["i0-end_date"] == "" and form["i0-scope"] == ""
    assert '<span class="field-warning">未能确定结束日期</span>' in page
    assert '<span class="field-warning">未找到受理范围</span>' in page
    assert '<p class="field-warning">受理时间未注明适用于工作日还是每天，按每天处理</p>' in page
    # A field found has no note; its sentence is shown.
    assert "县委第一巡察组于2024年5月6日进驻县林业局党组开展常规巡察。" in page
