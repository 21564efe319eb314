"""Browser, at desktop and phone width: the team asks a body for its briefing before entry (the letter
downloads), registers the answer with a document, and drafts the summary whose problem becomes a lead;
then the office reads its registry and the organisations not inspected yet this term."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from tests.browser.test_talks import SIZES, fits
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.briefing import BriefingRequest
from xuncha.inspections.models import Inspection, Office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize("size", list(SIZES))
def test_briefing_before_entry_and_registry(page: Any, live_server: Any, demo: Any, size: str) -> None:
    practice = Inspection.objects.get(is_practice=True)
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{practice.pk}/fieldwork/")
    page.click("text=巡前情况通报")
    page.wait_for_selector("#briefing-request-form")
    fits(page)
    page.select_option("#id_r-body_kind", "petitions")
    page.fill("#id_r-body_name", "防城港市信访局")
    page.fill("#id_r-requested_on", "2026-11-02")
    page.fill("#id_r-due_on", "2026-11-09")
    page.click("#briefing-request-form button[type=submit]")
    page.wait_for_selector("#briefings >> text=防城港市信访局")
    fits(page)
    with page.expect_download() as download:
        page.click("#briefings >> text=下载函件")
    assert download.value.suggested_filename.endswith(".docx")
    page.click("#briefings >> text=第1号")
    page.wait_for_selector("#briefing-answer-form")
    page.fill("#id_answered_on", "2026-11-06")
    page.fill("#id_answer", "近三年反映该校的信访件 6 件，其中重复信访 2 件。")
    page.set_input_files("#id_attachments", files=[{"name": "信访情况.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#briefing-answer-form button[type=submit]")
    page.wait_for_selector("#briefing-answer")
    assert "信访情况.png" in page.inner_text("#briefing-attachments")
    fits(page)
    page.goto(f"{live_server.url}/inspections/{practice.pk}/briefings/")
    page.fill("#id_s-text", "信访反映集中在招生和食堂。")
    page.fill("#id_s-problems", "重复信访反映的食堂承包问题")
    page.click("#briefing-summary-form button[type=submit]")
    page.wait_for_selector("#briefing-summary")
    assert "食堂承包" in page.inner_text("#briefing-leads")
    fits(page)
    b = BriefingRequest.objects.get(inspection=practice)
    assert b.answered_on is not None and b.attachments.count() == 1
    assert Lead.objects.filter(inspection=practice, source=Lead.Source.BRIEFING).count() == 1
    # The city office: its registry, then only the organisations not inspected yet this term.
    page.context.clear_cookies()
    login(page, live_server, "office_city", DEMO_PASSWORD)
    city = Office.objects.get(name="防城港市委巡察办")
    page.goto(f"{live_server.url}/dashboard/offices/")
    page.click(f"a[href='/dashboard/offices/{city.pk}/registry/']")
    page.wait_for_selector("#registry")
    assert "防城港职业技术学院党委" in page.inner_text("#registry")
    fits(page)
    page.click("#uncovered-link")
    page.wait_for_selector("#coverage")
    assert "防城港职业技术学院党委" not in page.inner_text("#registry")  # inspected in 2024, within the term from 2021-09-01
