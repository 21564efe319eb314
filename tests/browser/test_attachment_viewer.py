"""Browser, at desktop and phone width: a member registers a letter from the letterbox with its scan and no
content; the scan is read (OCR); the member opens it in the viewer beside the text read from it, takes the
text as the report's content, and marks the scan as showing the reporter's identity; the member then sees it
masked and the leader sees it only after a reasoned reveal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import login
from tests.scans import letter_png, needs_ocr
from xuncha.audit.models import AuditEvent
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.intake.models import Attachment, Report
from xuncha.intake.reading import attachments_read_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_ocr]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.parametrize("size", list(SIZES))
def test_a_scanned_letter_is_read_viewed_masked_and_revealed(page: Any, browser: Any, live_server: Any, demo: dict,
                                                            tmp_path: Path, size: str) -> None:
    practice = demo["practice"]
    scan = tmp_path / "来信扫描件.png"
    scan.write_bytes(letter_png())
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{practice.pk}/reports/new/letterbox/")
    page.fill("input[name=received_at]", "2026-11-20T10:00")
    page.set_input_files("#id_attachments", str(scan))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/registered/" in page.url
    report = Report.objects.filter(inspection=practice).latest("pk")
    att = report.attachments.get()
    assert att.ocr_status == "pending"

    # The background reading (Celery or the embedded worker) runs; the page shows its result.
    assert attachments_read_pending()["done"] == 1
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.click(f"#attachments a[href='/attachments/{att.pk}/']")
    page.wait_for_selector("#ocr-lines")
    assert "后勤处" in page.inner_text("#ocr-lines")
    assert page.locator("svg.scan rect.line-box").count() >= 3  # each line's box drawn over the scan
    assert page.evaluate("document.querySelector('svg.scan image') !== null")
    _fits(page)

    # The machine-read text becomes the report's content once the member has checked it.
    page.click(f"a[href='/reports/{report.pk}/content/']")
    content = page.input_value("textarea[name=content]")
    assert "食堂" in content
    page.fill("textarea[name=content]", content.replace(" ", "") + "（已核对）")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    report.refresh_from_db()
    assert report.content.endswith("（已核对）") and not report.content_machine_read

    # The scan shows the reporter's signature: the member marks it; from then on members see it masked.
    page.goto(f"{live_server.url}/attachments/{att.pk}/")
    with page.expect_navigation():
        page.click("form[action$='/identity/'] button[type=submit]")
    page.wait_for_selector("#masked")
    assert page.locator("#ocr-lines").count() == 0
    assert "识别文字不向组员显示" in page.inner_text(".viewer-text")
    _fits(page)
    assert Attachment.objects.get(pk=att.pk).contains_identity

    # The leader sees it after giving a reason; the reveal is audited with that reason.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=SIZES[size])
    leader = context.new_page()
    leader.set_default_timeout(15000)
    leader.on("dialog", lambda d: d.accept())
    try:
        login(leader, live_server, "leader", DEMO_PASSWORD)
        leader.goto(f"{live_server.url}/attachments/{att.pk}/")
        assert leader.locator("#masked").count() == 1
        leader.click("form[action$='/reveal/'] button[type=submit]")  # an empty reason keeps the page and says what is missing
        assert "/attachments/" in leader.url and leader.locator("#masked").count() == 1
        leader.fill("textarea[name=reason]", "需核实来信人所述后勤处问题")
        with leader.expect_navigation():
            leader.click("form[action$='/reveal/'] button[type=submit]")
        assert leader.locator("#masked").count() == 0
        assert "后勤处" in leader.inner_text("#ocr-lines")
        _fits(leader)
    finally:
        context.close()
    reveal = AuditEvent.objects.filter(action="attachment.reveal").latest("pk")
    assert "需核实来信人所述后勤处问题" in (reveal.summary + str(reveal.data))
