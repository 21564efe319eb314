"""The announcement page and the published documents (.docx, letterbox notice PDF)."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def test_announcement_page_states_the_arrangements(clients: Any, seed000: Inspection) -> None:
    response = clients["leader"].get(reverse("inspections:announcement", args=[seed000.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for fact in ("2024年9月25日", "2024年10月18日", "0571-86837284", "tjxcz2@zjedu.gov.cn", "310014", "仰仪南楼", "仰仪中楼"):
        assert fact in html


def test_liaison_reads_the_announcement_page_but_gets_no_documents(clients: Any, seed000: Inspection) -> None:
    client = clients["liaison"]
    assert client.get(reverse("inspections:announcement", args=[seed000.pk])).status_code == 200
    events = AuditEvent.objects.filter(action__startswith="export.").count()
    for name in ("announcement_docx", "letterbox_notice"):
        assert client.get(reverse(f"inspections:{name}", args=[seed000.pk])).status_code == 404
    assert AuditEvent.objects.filter(action__startswith="export.").count() == events


def test_docx_download(clients: Any, seed000: Inspection) -> None:
    response = clients["member"].get(reverse("inspections:announcement_docx", args=[seed000.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(f"巡察公告-{seed000.target.name}.docx")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode()
    assert "0571-86837284" in body and "2024年10月18日" in body
    event = AuditEvent.objects.filter(action="export.announcement_docx").latest("id")
    assert (event.actor_name, event.object_id) == ("member", str(seed000.pk))


def test_letterbox_notice_pdf(clients: Any, seed001: Inspection) -> None:
    response = clients["office"].get(reverse("inspections:letterbox_notice", args=[seed001.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith(quote(f"联系信箱告示-{seed001.target.name}.pdf"))
    assert AuditEvent.objects.filter(action="export.letterbox_notice_pdf", object_id=str(seed001.pk), actor_name="office").exists()
