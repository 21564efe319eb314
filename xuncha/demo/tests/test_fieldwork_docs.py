"""The demo's document request (one item uploaded, one handed over on paper, one due) and a finding citing a
report and the delivered document, worked through the services."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import DEMO_TODAY
from xuncha.demo.fieldwork_docs import load_demo_fieldwork_docs
from xuncha.demo.rectification import load_demo_rectification
from xuncha.demo.reports import load_demo_reports
from xuncha.fieldwork.models.documents import DocumentItem
from xuncha.rectification.evidence_reads import evidence_rows

pytestmark = pytest.mark.django_db


def test_the_practice_inspection_has_a_partly_delivered_request_and_a_cited_finding(demo: dict[str, Any]) -> None:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    result = load_demo_fieldwork_docs(inspections, today=DEMO_TODAY)
    states = sorted(DocumentItem.objects.filter(request__inspection=demo["practice"]).values_list("state", flat=True))
    assert states == ["paper", "uploaded", "waiting"]
    assert result.finding is not None and result.finding.state == "submitted"
    kinds = [r.row.kind for r in evidence_rows(user=demo["users"]["leader"], finding=result.finding)]
    assert kinds[:2] == ["report", "document"] and all(r.visible for r in evidence_rows(user=demo["users"]["leader"], finding=result.finding))
    assert "调阅资料：3 项，已报送 2 项" in result.summary()
    uploaded = DocumentItem.objects.get(request__inspection=demo["practice"], state="uploaded").files.get()
    assert "续签" in uploaded.text or uploaded.text == ""  # CID fonts may leave a PDF without extractable text
