"""Pages of document requests: who reaches which page (role × page), the request form, the liaison's
delivery, the register with its counts for the office, the hand-over form and the search."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import PERSONAS
from xuncha.fieldwork import services_documents as svc
from xuncha.fieldwork.models.documents import DocumentItem, DocumentRequest

from .helpers_documents import docx_bytes, sent_request, upload

pytestmark = pytest.mark.django_db


def _delivered(demo: dict[str, Any]) -> DocumentRequest:
    req = sent_request(demo)
    liaison = demo["users"]["liaison"]
    svc.document_item_deliver(actor=liaison, item=req.items.get(number=1), on_paper=True, handed_over_on=timezone.localdate(),
                              handed_over_by="王主任")
    svc.document_item_deliver(actor=liaison, item=req.items.get(number=2), files=[upload("招标.docx", docx_bytes("体育馆维修招标"))])
    return req


def test_role_by_page(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    req = _delivered(demo)
    item = req.items.get(number=1)
    f = req.items.get(number=2).files.get()
    pk = demo["practice"].pk
    team_pages = [f"/fieldwork/inspections/{pk}/documents/new/", f"/fieldwork/inspections/{pk}/documents/search/?q=体育馆",
                  f"/fieldwork/document-items/{item.pk}/record/", f"/fieldwork/document-requests/{req.pk}/handover.docx"]
    liaison_pages = ["/target/document-requests/", f"/target/document-requests/{req.pk}/", f"/target/document-items/{item.pk}/deliver/"]
    assert "党委会会议记录" not in clients["other_liaison"].get("/target/document-requests/").content.decode()
    for persona in PERSONAS:
        client = clients[persona]
        team = persona in ("leader", "member")
        for url in team_pages:
            code = client.get(url).status_code
            # The liaison opening a team page of their own request is sent to their page of it.
            want = 200 if team else 302 if persona == "liaison" and ("/record/" in url or "handover" in url) else 404
            assert code == want, (persona, url, code)
        for url in liaison_pages:
            code = client.get(url).status_code
            if persona == "liaison" or (persona == "other_liaison" and url == "/target/document-requests/"):
                assert code == 200, (persona, url, code)  # another organisation's liaison: their own (empty) list
            elif team:
                assert code in (302, 404), (persona, url, code)  # the team is sent to its own page of the request
            else:
                assert code == 404, (persona, url, code)
        register = client.get(f"/fieldwork/inspections/{pk}/documents/").status_code
        assert register == (200 if team or persona == "office" else 404), persona
        detail = client.get(f"/fieldwork/document-requests/{req.pk}/").status_code
        assert detail == (200 if team else 302 if persona == "liaison" else 404), persona
        download = client.get(f"/fieldwork/document-files/{f.pk}/").status_code
        assert download == (200 if team or persona == "liaison" else 404), persona


def test_the_office_sees_counts_only(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    _delivered(demo)
    page = clients["office"].get(f"/fieldwork/inspections/{demo['practice'].pk}/documents/").content.decode()
    assert "已报送 2 项" in page and "党委会会议记录" not in page and "王主任" not in page
    team = clients["member"].get(f"/fieldwork/inspections/{demo['practice'].pk}/documents/").content.decode()
    assert "党委会会议记录" in team and "王主任" in team


def test_request_form_keeps_input_and_sends(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    url = f"/fieldwork/inspections/{demo['practice'].pk}/documents/new/"
    r = clients["member"].post(url, {"due_days": "3", "item0_name": "", "item0_period": "2023年", "item0_form": "copy", "purpose": "了解情况"})
    assert r.status_code == 400 and "第1项：请填写资料名称。" in r.content.decode() and "了解情况" in r.content.decode()
    r = clients["member"].post(url, {"due_days": "3", "item0_name": "财务报表", "item0_period": "2023年", "item0_form": "copy",
                                     "sensitive": "on"})
    req = DocumentRequest.objects.get(items__name="财务报表")
    assert r.status_code == 302 and req.state == "pending"
    r = clients["leader"].post(f"/fieldwork/document-requests/{req.pk}/decide/", {"decision": "approve", "note": ""})
    assert r.status_code == 302 and DocumentRequest.objects.get(pk=req.pk).state == "sent"


def test_the_liaison_delivers_on_the_page(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    req = sent_request(demo)
    item = req.items.get(number=2)
    url = f"/target/document-items/{item.pk}/deliver/"
    r = clients["liaison"].post(url, {"how": "paper", "handed_over_by": "王主任"})
    assert r.status_code == 400 and "请填写移交日期。" in r.content.decode()
    r = clients["liaison"].post(url, {"how": "files", "uploads": SimpleUploadedFile("记录.docx", docx_bytes("会议记录"))})
    assert r.status_code == 302 and DocumentItem.objects.get(pk=item.pk).state == "uploaded"
    todo = clients["liaison"].get("/todo/").content.decode()
    assert "待报送的调阅资料" in todo


def test_handover_docx_reopens(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    from docx import Document

    req = _delivered(demo)
    r = clients["member"].get(f"/fieldwork/document-requests/{req.pk}/handover.docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    assert "王主任" in [c.text for t in doc.tables for row in t.rows for c in row.cells]


def test_search_page_finds_by_content(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    _delivered(demo)
    page = clients["member"].get(f"/fieldwork/inspections/{demo['practice'].pk}/documents/search/", {"q": "体育馆"}).content.decode()
    assert "招标.docx" in page
    from xuncha.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="document.search", summary__contains="体育馆").exists()
