"""Browser, desktop and phone: the auditor writes today's anchor of the audit chain and downloads it to print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_auditor_downloads_the_daily_anchor(page: Any, live_server: Any, demo: dict, tmp_path: Path, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    login(page, live_server, "auditor", DEMO_PASSWORD)
    page.goto(live_server.url + "/audit/")
    page.click("text=审计锚点（下载打印）")
    page.wait_for_url("**/audit/anchors/")
    assert "锚点文件中还没有锚点" in page.inner_text("#audit-anchors")
    page.click("button:has-text('立即写入锚点')")
    page.wait_for_url("**/audit/anchors/")
    assert page.locator("#audit-anchors tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    with page.expect_download() as info:
        page.click("#audit-anchors >> text=下载")
    download = info.value
    assert download.suggested_filename.startswith("audit-anchor-")
    kept = tmp_path / download.suggested_filename
    download.save_as(kept)
    text = kept.read_text(encoding="utf-8")
    assert "巡察通 审计链锚点" in text and "锚点序号：1" in text
    call_command("audit_verify", "--anchors", str(kept))  # the printed copy verifies the chain
