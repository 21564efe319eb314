"""A delivered Word 97-2003 (.doc) file is found by the team's search of delivered documents by its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xuncha.core import word97
from xuncha.fieldwork import services_documents as svc

from .helpers_documents import sent_request, upload

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "doc"


@pytest.mark.skipif(not word97.reader_available(), reason="wvWare (Debian package wv) is installed by scripts/system-deps.sh")
def test_a_delivered_doc_is_found_by_a_word_of_its_text(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    req = sent_request(demo)
    doc = (FIXTURES / "announcement.doc").read_bytes()
    svc.document_item_deliver(actor=demo["users"]["liaison"], item=req.items.get(number=2), files=[upload("巡察公告.doc", doc)])
    search = f"/fieldwork/inspections/{demo['practice'].pk}/documents/search/"
    assert "巡察公告.doc" in clients["member"].get(search, {"q": "人文社会科学学院"}).content.decode()
    assert "巡察公告.doc" not in clients["member"].get(search, {"q": "体育馆维修"}).content.decode()
