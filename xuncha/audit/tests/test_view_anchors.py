"""The auditor's anchor pages: /audit/anchors/ (list, POST writes one) and /audit/anchors/<seq>.txt (download)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.audit.services import write_anchor

from .test_keyed_chain import truncate

pytestmark = pytest.mark.django_db


def _anchor_lines(settings: Any) -> int:
    path: Path = settings.AUDIT_ANCHOR_FILE
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_auditor_reaches_the_anchors(clients: Any, demo: dict[str, Any], settings: Any, persona: str) -> None:
    anchor = write_anchor()
    client = clients[persona]
    events_before = AuditEvent.objects.count()
    responses = [client.get("/audit/anchors/"), client.post("/audit/anchors/"), client.get(f"/audit/anchors/{anchor.seq}.txt")]
    if persona == "auditor":
        assert [r.status_code for r in responses] == [200, 302, 200]
        assert responses[1]["Location"] == "/audit/anchors/"
        assert _anchor_lines(settings) == 2
        assert list(AuditEvent.objects.filter(id__gt=AuditEvent.objects.order_by("id")[events_before - 1].pk)
                    .order_by("id").values_list("action", flat=True)) == ["audit.anchor", "export.audit_anchor"]
        return
    expected = 302 if persona == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected] * 3
    assert _anchor_lines(settings) == 1
    assert AuditEvent.objects.count() == events_before


def test_an_unknown_anchor_is_not_found(clients: Any) -> None:
    assert clients["auditor"].get("/audit/anchors/99.txt").status_code == 404


def test_the_list_shows_the_anchors_newest_first(clients: Any, settings: Any) -> None:
    html = clients["auditor"].get("/audit/anchors/").content.decode()
    assert "锚点文件中还没有锚点" in html
    clients["auditor"].post("/audit/anchors/")
    clients["auditor"].post("/audit/anchors/")
    html = clients["auditor"].get("/audit/anchors/").content.decode()
    assert html.index('href="/audit/anchors/2.txt"') < html.index('href="/audit/anchors/1.txt"')
    assert 'href="/audit/anchors/"' in clients["auditor"].get("/audit/").content.decode()


def test_the_downloaded_anchor_is_printable_and_verifies_the_chain(clients: Any, tmp_path: Path) -> None:
    clients["auditor"].post("/audit/anchors/")
    response = clients["auditor"].get("/audit/anchors/1.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=audit-anchor-")
    text = response.content.decode()
    assert "巡察通 审计链锚点" in text and "锚点序号：1" in text and "audit_verify --anchors" in text
    kept = tmp_path / "kept.txt"
    kept.write_text(text, encoding="utf-8")
    call_command("audit_verify", "--anchors", str(kept))
    truncate(3)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="末尾被删除"):
        call_command("audit_verify", "--anchors", str(kept))


def test_the_verify_page_names_the_problems(clients: Any) -> None:
    write_anchor()
    truncate(2)
    html = clients["auditor"].post("/audit/verify/").content.decode()
    assert "共发现" in html and "末尾被删除" in html
