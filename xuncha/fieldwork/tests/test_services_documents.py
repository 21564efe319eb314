"""Document requests (调阅资料): request, approval of sensitive ones, delivery, register, search, hand-over form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from xuncha.audit.models import AuditEvent
from xuncha.errors import Invalid, NotAllowed, NotFound
from xuncha.fieldwork import selectors_documents as sel
from xuncha.fieldwork import services_documents as svc
from xuncha.fieldwork.models.documents import DocumentItem, DocumentRequest
from xuncha.inspections.selectors import calendar_get
from xuncha.notify.models import Notification

from .helpers_documents import docx_bytes, pdf_bytes, sent_request, upload

pytestmark = pytest.mark.django_db


def test_a_request_is_sent_with_a_due_date_in_working_days_and_the_liaison_is_told(demo: dict[str, Any]) -> None:
    req = sent_request(demo)
    assert req.state == DocumentRequest.State.SENT and req.items.count() == 2
    assert req.due_on == calendar_get().add_working_days_after(timezone.localdate(), 3)
    liaison = demo["users"]["liaison"]
    assert Notification.objects.filter(user=liaison, key=f"document-request-{req.pk}").exists()
    assert AuditEvent.objects.filter(action="document_request.create", object_id=str(req.pk)).exists()
    assert [r.pk for r in sel.liaison_requests(user=liaison)] == [req.pk]


def test_a_sensitive_request_waits_for_the_leader(demo: dict[str, Any]) -> None:
    req = sent_request(demo, ("干部人事档案", "2020—2024年", "original"), sensitive=True)
    liaison, leader, member = (demo["users"][n] for n in ("liaison", "leader", "member"))
    assert req.state == DocumentRequest.State.PENDING and req.due_on is None
    assert not sel.liaison_requests(user=liaison).exists()
    with pytest.raises(NotFound):
        sel.request_get(user=liaison, pk=req.pk)
    assert Notification.objects.filter(user=leader, key=f"document-request-approve-{req.pk}").exists()
    with pytest.raises(NotAllowed):
        svc.document_request_decide(actor=member, req=req, approve=True)
    with pytest.raises(Invalid):
        svc.document_request_decide(actor=leader, req=req, approve=False)
    req = svc.document_request_decide(actor=leader, req=req, approve=True, note="同意")
    assert req.state == DocumentRequest.State.SENT and req.due_on
    assert sel.request_get(user=liaison, pk=req.pk) == req


def test_request_input_is_checked(demo: dict[str, Any]) -> None:
    member = demo["users"]["member"]
    with pytest.raises(Invalid) as exc:
        svc.document_request_create(actor=member, inspection=demo["practice"], items=[svc.ItemData("", "2023年", "scan")], due_days=0)
    assert {"第1项：请填写资料名称。", "第1项：请选择形式（原件、复印件或电子版）。", "报送期限应为 1 到 60 个工作日。"} <= set(exc.value.messages)
    with pytest.raises(NotFound):
        svc.document_request_create(actor=demo["users"]["other_member"], inspection=demo["practice"],
                                    items=[svc.ItemData("x")], due_days=3)
    with pytest.raises(NotFound):
        svc.document_request_create(actor=demo["users"]["liaison"], inspection=demo["practice"], items=[svc.ItemData("x")], due_days=3)


def test_the_liaison_delivers_files_paper_or_says_why_not(demo: dict[str, Any]) -> None:
    req = sent_request(demo, ("会议记录", "2023年", "original"), ("招投标文件", "2023年", "electronic"), ("财务凭证", "2023年", "copy"))
    liaison, member = demo["users"]["liaison"], demo["users"]["member"]
    first, second, third = req.items.order_by("number")
    svc.document_item_deliver(actor=liaison, item=second, files=[upload("招标文件.docx", docx_bytes("体育馆维修工程招标文件", "中标人：某建筑公司"))])
    svc.document_item_deliver(actor=liaison, item=first, on_paper=True, handed_over_on=timezone.localdate(), handed_over_by="王办公室主任")
    svc.document_item_deliver(actor=liaison, item=third, decline_reason="凭证已移交审计部门")
    states = dict(DocumentItem.objects.filter(request=req).values_list("number", "state"))
    assert states == {1: "paper", 2: "uploaded", 3: "declined"}
    assert Notification.objects.filter(user=member, text__contains=f"调阅资料第{req.number}号第2项已报送").exists()
    f = second.files.get()
    assert "体育馆维修工程" in f.text and f.sha256
    # Team only: search, and the team records where it is kept and when it went back.
    hits = sel.document_search(user=member, inspection=demo["practice"], q="体育馆维修")
    assert [h.file.pk for h in hits] == [f.pk] and "体育馆维修" in hits[0].snippet
    with pytest.raises(NotFound):
        sel.document_search(user=liaison, inspection=demo["practice"], q="体育馆")
    svc.document_item_record(actor=member, item=first, kept_at="巡察组资料柜A", returned_on=timezone.localdate())
    with pytest.raises(NotFound):
        svc.document_item_record(actor=liaison, item=first, kept_at="x", returned_on=None)


def test_delivery_is_checked(demo: dict[str, Any]) -> None:
    req = sent_request(demo)
    item = req.items.first()
    assert item is not None
    liaison = demo["users"]["liaison"]
    with pytest.raises(Invalid):
        svc.document_item_deliver(actor=liaison, item=item)
    with pytest.raises(Invalid) as exc:
        svc.document_item_deliver(actor=liaison, item=item, on_paper=True, handed_over_on=timezone.localdate() + dt.timedelta(days=2))
    assert {"移交日期不能晚于今天。", "请填写移交人。"} <= set(exc.value.messages)
    with pytest.raises(Invalid):
        svc.document_item_deliver(actor=liaison, item=item, files=[upload("a.pdf", b"not really a pdf")])
    for outsider in ("member", "other_liaison", "office"):
        with pytest.raises(NotFound):
            svc.document_item_deliver(actor=demo["users"][outsider], item=item, decline_reason="x")
    assert DocumentItem.objects.get(pk=item.pk).state == DocumentItem.State.WAITING


def test_register_flags_overdue_in_working_days(demo: dict[str, Any]) -> None:
    req = sent_request(demo)
    DocumentRequest.objects.filter(pk=req.pk).update(due_on=dt.date(2026, 11, 13))  # a Friday
    rows = sel.register_rows(user=demo["users"]["member"], inspection=demo["practice"], today=dt.date(2026, 11, 17),
                             calendar=calendar_get())
    assert [r.overdue_days for r in rows] == [2, 2]  # Monday and Tuesday
    counts = sel.request_counts(inspection=demo["practice"], today=dt.date(2026, 11, 17))
    assert counts["overdue"] == 2 and counts["requests"] >= 1
    with pytest.raises(NotFound):
        sel.register_rows(user=demo["users"]["office"], inspection=demo["practice"], today=dt.date(2026, 11, 17), calendar=calendar_get())


def test_handover_form_lists_the_paper_items(demo: dict[str, Any]) -> None:
    from docx import Document

    req = sent_request(demo)
    member, liaison = demo["users"]["member"], demo["users"]["liaison"]
    with pytest.raises(Invalid):
        svc.handover_docx(actor=member, req=req)
    item = req.items.get(number=1)
    svc.document_item_deliver(actor=liaison, item=item, on_paper=True, handed_over_on=timezone.localdate(), handed_over_by="王主任")
    doc = Document(io.BytesIO(svc.handover_docx(actor=member, req=req)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "2023年党委会会议记录" in cells and "王主任" in cells and "原件" in cells
    assert "调阅资料交接单" in doc.paragraphs[0].text


def test_a_pdf_upload_is_searchable(demo: dict[str, Any]) -> None:
    req = sent_request(demo)
    item = req.items.get(number=2)
    svc.document_item_deliver(actor=demo["users"]["liaison"], item=item, files=[upload("bid.pdf", pdf_bytes("Tender 2023 gymnasium"))])
    assert sel.document_search(user=demo["users"]["leader"], inspection=demo["practice"], q="gymnasium")
