"""The demo tail after the ledger (xuncha.demo.aftercare): seed 001 published with its item under investigation
left out, a finished assessment, and a 回头看 inspection starting from the open items with a 整改不到位 mark."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import DEMO_TODAY
from xuncha.aftercare.models import Assessment, PublicationExemption, RevisitMark
from xuncha.aftercare.selectors import earlier_open_items
from xuncha.demo.aftercare import load_demo_aftercare
from xuncha.demo.plan import load_demo_plan
from xuncha.demo.rectification import load_demo_rectification
from xuncha.demo.reports import load_demo_reports
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def test_seed001_is_published_assessed_and_revisited(demo: dict[str, Any]) -> None:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    load_demo_plan(inspections, today=DEMO_TODAY)
    publication = load_demo_aftercare(inspections, today=DEMO_TODAY)
    seed001 = demo["seed001"]
    assert publication is not None and publication.inspection == seed001 and publication.published_at.year == 2024
    assert publication.content["summary"]["exempted"] == PublicationExemption.objects.count() == 1
    page = Client().get(f"/p/{seed001.public_id}/rectification/").content.decode()
    assert "依规不予公开" in page and "黎某" not in page
    assessment = Assessment.objects.get(inspection=seed001)
    assert assessment.state == Assessment.State.FINAL and all(line.score is not None for line in assessment.indicator_scores.all())
    revisit = Inspection.objects.get(revisit_of=seed001)
    assert revisit.target_id == seed001.target_id and earlier_open_items(revisit).exists()
    assert RevisitMark.objects.get().finding.inspection == revisit
