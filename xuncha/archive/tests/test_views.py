"""The filing page and the archive API: who reaches them (role × object), filing and downloading through
the page, the reopen form keeping what was typed, 404 before filing."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from xuncha.access import FILED_MESSAGE
from xuncha.archive.services import archive_file
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db

# Who reaches the filing page and the package of seed 001 (expected by hand, not from the policy): the
# office that runs it. Those who see the inspection but may not file it get 403 on the API's POST.
PAGE = {p: 404 for p in PERSONAS} | {"office": 200}
FILE_API = {p: 404 for p in PERSONAS} | {"office": 201, "leader": 403, "member": 403, "liaison": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access(persona: str, clients: dict[str, Client], seed001: Inspection) -> None:
    response = clients[persona].get(reverse("archive:inspection", args=[seed001.pk]))
    assert response.status_code == PAGE[persona]


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client], seed001: Inspection) -> None:
    assert clients["anonymous"].get(reverse("archive:inspection", args=[seed001.pk])).status_code == 302
    assert clients["anonymous"].post(f"/api/v1/inspections/{seed001.pk}/archive").status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_file_access(persona: str, clients: dict[str, Client], seed001: Inspection) -> None:
    response = clients[persona].post(f"/api/v1/inspections/{seed001.pk}/archive")
    assert response.status_code == FILE_API[persona]
    zipped = clients[persona].get(f"/api/v1/inspections/{seed001.pk}/archive.zip")
    assert zipped.status_code == (200 if persona == "office" else 404)


def test_zip_is_404_before_filing(clients: dict[str, Client], seed001: Inspection) -> None:
    assert clients["office"].get(f"/api/v1/inspections/{seed001.pk}/archive.zip").status_code == 404
    assert clients["office"].get(reverse("archive:zip", args=[seed001.pk])).status_code == 404


def test_filing_twice_is_409(clients: dict[str, Client], seed001: Inspection) -> None:
    first = clients["office"].post(f"/api/v1/inspections/{seed001.pk}/archive")
    body = first.json()
    assert first.status_code == 201 and set(body) >= {"archive_id", "files", "manifest_sm3"}
    again = clients["office"].post(f"/api/v1/inspections/{seed001.pk}/archive")
    assert again.status_code == 409 and again.json()["detail"] == FILED_MESSAGE
    package = clients["office"].get(f"/api/v1/inspections/{seed001.pk}/archive.zip")
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(b"".join(package.streaming_content) if package.streaming else
                                                      package.content)).read("manifest.json"))
    assert len(manifest["files"]) == body["files"]


def test_file_download_verify_and_reopen_through_the_page(clients: dict[str, Client], seed001: Inspection,
                                                          demo: dict[str, Any]) -> None:
    office = clients["office"]
    page = office.get(reverse("archive:inspection", args=[seed001.pk])).content.decode()
    assert 'data-confirm=' in page and "立卷归档" in page
    done = office.post(reverse("archive:file", args=[seed001.pk]), follow=True)
    text = done.content.decode()
    assert "已立卷归档（第1次" in text and 'id="catalogue"' in text and "巡察准备" in text
    zipped = office.get(reverse("archive:zip", args=[seed001.pk]))
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    verified = office.post(reverse("archive:verify", args=[seed001.pk]), follow=True).content.decode()
    assert "每个文件的 SM3 与签名的清单一致" in verified
    # The reopen form: no reason → the form again with the message; what was typed is kept.
    blank = office.post(reverse("archive:reopen", args=[seed001.pk]), {"reason": "   "})
    assert blank.status_code == 400 and "重新打开的理由" in blank.content.decode() and "errorlist" in blank.content.decode()
    too_long = office.post(reverse("archive:reopen", args=[seed001.pk]), {"reason": "改" * 501})
    assert too_long.status_code == 400 and "改" * 501 in too_long.content.decode()
    reopened = office.post(reverse("archive:reopen", args=[seed001.pk]), {"reason": "补录整改报告"}, follow=True)
    assert "已重新打开" in reopened.content.decode()
    assert Inspection.objects.get(pk=seed001.pk).filed_at is None
    assert "补录整改报告" in office.get(reverse("archive:inspection", args=[seed001.pk])).content.decode()


def test_team_sees_the_read_only_notice_not_the_filing_page(clients: dict[str, Client], seed001: Inspection,
                                                             demo: dict[str, Any]) -> None:
    archive_file(actor=demo["users"]["office"], inspection=seed001)
    detail = clients["leader"].get(reverse("inspections:detail", args=[seed001.pk])).content.decode()
    assert "立卷归档：只能查阅" in detail and reverse("archive:inspection", args=[seed001.pk]) not in detail
    office_detail = clients["office"].get(reverse("inspections:detail", args=[seed001.pk])).content.decode()
    assert reverse("archive:inspection", args=[seed001.pk]) in office_detail
