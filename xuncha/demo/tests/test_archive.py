"""The demo's filed inspection: loaded through the services, filed, read-only, its package intact."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import DEMO_TODAY
from xuncha.archive.services import filing_verify
from xuncha.demo.archive import ARCHIVED_TARGET, load_demo_archive

pytestmark = pytest.mark.django_db


def test_the_demo_files_a_finished_inspection(demo: dict[str, Any]) -> None:
    filing = load_demo_archive([], today=DEMO_TODAY)
    inspection = filing.inspection
    inspection.refresh_from_db()
    assert inspection.target.name == ARCHIVED_TARGET and inspection.filed_at is not None
    kinds = {f["kind"] for f in filing.files}
    assert {"announcement", "report_register", "feedback", "rectification_ledger", "rectification_evidence"} <= kinds
    assert filing_verify(filing).problems == []
    leader = demo["users"]["leader"]
    from conftest import client_for

    page = client_for(leader).get(f"/inspections/{inspection.pk}/")
    assert "立卷归档：只能查阅" in page.content.decode()
