"""The announcement import page takes a Word 97-2003 (.doc) file too (xuncha.core.word97)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.core import word97

pytestmark = pytest.mark.django_db

URL = "/inspections/import/"
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "doc"


@pytest.mark.skipif(not word97.reader_available(), reason="wvWare (Debian package wv) is installed by scripts/system-deps.sh")
def test_upload_doc(clients: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("巡察公告.doc", (FIXTURES / "announcement.doc").read_bytes())
    r = clients["office"].post(URL, {"file": upload, "parse": "1"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "人文社会科学学院" in page and "校党委巡察一组" in page


def test_a_doc_that_cannot_be_read_says_why_and_keeps_the_pasted_text(clients: dict[str, Any], monkeypatch: Any) -> None:
    not_word = SimpleUploadedFile("公告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    page = clients["office"].post(URL, {"file": not_word, "text": "我粘贴的文字", "parse": "1"}).content.decode()
    assert "不是 Word 97-2003 文档" in page and "我粘贴的文字" in page
    monkeypatch.setattr(word97, "READER", "wvWare-not-installed")
    upload = SimpleUploadedFile("公告.doc", (FIXTURES / "announcement.doc").read_bytes())
    page = clients["office"].post(URL, {"file": upload, "text": "我粘贴的文字", "parse": "1"}).content.decode()
    assert "未安装" in page and "我粘贴的文字" in page
