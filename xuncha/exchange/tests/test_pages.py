"""The exchange pages: the whole flow through the test client, and who reaches which page (everyone but
the office that owns the object gets 404; the anonymous visitor is sent to log in)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS, client_for
from xuncha.audit.models import AuditEvent
from xuncha.exchange.models import PackageImport
from xuncha.exchange.services import inspection_export, package_upload
from xuncha.inspections.models import Office

pytestmark = pytest.mark.django_db

OFFICES = ["office_cjlu", "office_city"]


def _client(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> Client:
    return clients[persona] if persona in clients else client_for(demo["users"][persona])


def _expected(persona: str, allowed: set[str]) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in allowed else 404


@pytest.fixture
def pending(demo: dict[str, Any], as_deployment: Any) -> PackageImport:
    data, _, _ = inspection_export(actor=demo["users"]["office"], inspection_id=demo["seed000"].pk, peer="prov")
    as_deployment("prov")
    return package_upload(actor=demo["users"]["office"], office_id=Office.objects.get(parent=None).pk, content=data)


@pytest.mark.parametrize("persona", [*PERSONAS, *OFFICES, "anonymous"])
def test_export_page_access(clients: dict[str, Client], demo: dict[str, Any], persona: str, as_deployment: Any) -> None:
    client = _client(clients, demo, persona)
    # seed000 is the provincial office's (the university office only co-organises it); practice the city's.
    for key, allowed in (("seed000", {"office"}), ("practice", {"office", "office_city"}), ("other", {"office"})):
        url = reverse("exchange:export", args=[demo[key].pk])
        assert client.get(url).status_code == _expected(persona, allowed), (key, "GET")
        response = client.post(url, {"peer": "prov"})
        assert response.status_code == _expected(persona, allowed), (key, "POST")
        if response.status_code == 200:
            assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize("persona", [*PERSONAS, *OFFICES, "anonymous"])
def test_import_pages_access(clients: dict[str, Client], demo: dict[str, Any], persona: str, pending: PackageImport) -> None:
    client = _client(clients, demo, persona)
    assert client.get(reverse("exchange:imports")).status_code == _expected(persona, {"office", *OFFICES})
    detail = reverse("exchange:import", args=[pending.pk])
    assert client.get(detail).status_code == _expected(persona, {"office"})  # uploaded to the root office
    for action in ("confirm", "discard"):
        assert client.post(detail, {"action": action}).status_code == (_expected(persona, {"office"}) if persona != "office" else 302)
        if persona == "office":
            break
    if persona != "office":
        assert PackageImport.objects.get(pk=pending.pk).state == "pending"


def test_export_and_import_through_the_pages(clients: dict[str, Client], demo: dict[str, Any], as_deployment: Any) -> None:
    office = clients["office"]
    practice = demo["practice"]
    page = office.get(reverse("exchange:export", args=[practice.pk]))
    assert "prov 巡察办" in page.content.decode()
    response = office.post(reverse("exchange:export", args=[practice.pk]), {"peer": "prov"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = response.content
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "manifest.json" in z.namelist()
    assert AuditEvent.objects.filter(action="exchange.export", object_id=str(practice.pk)).exists()

    as_deployment("prov")
    root = Office.objects.get(parent=None)
    upload = io.BytesIO(data)
    upload.name = "package.zip"
    response = office.post(reverse("exchange:imports"), {"office": root.pk, "package": upload})
    record = PackageImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:import", args=[record.pk])
    html = office.get(response["Location"]).content.decode()
    assert "将要导入的内容" in html and "确认导入" in html and practice.title in html and "data-confirm" in html

    response = office.post(reverse("exchange:import", args=[record.pk]), {"action": "confirm"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == "done"
    html = office.get(reverse("exchange:import", args=[record.pk])).content.decode()
    assert "已导入" in html and "与本部署审计链中记录的摘要一致" in html

    # The same package again: the form says so, nothing is kept.
    upload = io.BytesIO(data)
    upload.name = "package.zip"
    response = office.post(reverse("exchange:imports"), {"office": root.pk, "package": upload})
    assert response.status_code == 200 and "再次导入不会改变任何数据" in response.content.decode()
    assert PackageImport.objects.count() == 1


def test_bad_upload_shows_a_message(clients: dict[str, Client], demo: dict[str, Any], as_deployment: Any) -> None:
    as_deployment("prov")
    upload = io.BytesIO(b"not a package")
    upload.name = "package.zip"
    response = clients["office"].post(reverse("exchange:imports"), {"office": Office.objects.get(parent=None).pk, "package": upload})
    assert response.status_code == 200 and "不是巡察通数据包" in response.content.decode()
    response = clients["office"].post(reverse("exchange:imports"), {"office": "x"})
    assert response.status_code == 200 and "请选择数据包" in response.content.decode()


def test_without_exchange_keys_the_pages_say_so(clients: dict[str, Client], demo: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    settings.EXCHANGE_KEY_FILE = tmp_path / "none.key"
    html = clients["office"].get(reverse("exchange:export", args=[demo["seed000"].pk])).content.decode()
    assert "尚未配置数据交换密钥" in html
    html = clients["office"].get(reverse("exchange:imports")).content.decode()
    assert "尚未配置数据交换密钥" in html


def test_discard(clients: dict[str, Client], pending: PackageImport) -> None:
    response = clients["office"].post(reverse("exchange:import", args=[pending.pk]), {"action": "discard"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "discarded"
    response = clients["office"].post(reverse("exchange:import", args=[pending.pk]), {"action": "confirm"})
    assert response.status_code == 200 and "已处理" in response.content.decode()


def test_the_hub_lists_what_the_office_may_export(demo: dict[str, Any], as_deployment: Any) -> None:
    html = client_for(demo["users"]["office_city"]).get(reverse("exchange:imports")).content.decode()
    assert reverse("exchange:export", args=[demo["practice"].pk]) in html
    assert reverse("exchange:export", args=[demo["seed000"].pk]) not in html
    assert reverse("exchange:imports") in client_for(demo["users"]["office_city"]).get(reverse("todo:index")).content.decode()


def test_a_package_over_the_limit_is_refused_before_reading(clients: dict[str, Client], demo: dict[str, Any],
                                                            as_deployment: Any, settings: Any) -> None:
    as_deployment("prov")
    settings.EXCHANGE_MAX_BYTES = 10
    upload = io.BytesIO(b"x" * 100)
    upload.name = "package.zip"
    response = clients["office"].post(reverse("exchange:imports"), {"office": Office.objects.get(parent=None).pk, "package": upload})
    assert response.status_code == 200 and "MB 的上限" in response.content.decode()
    assert not PackageImport.objects.exists()
