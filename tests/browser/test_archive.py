"""Browser: the office files a finished inspection from its page (confirming first), sees the catalogue by
work step, downloads the package and finds the signed manifest in it; the team then sees it read-only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.inspections.models import Inspection

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_files_and_downloads_the_archive(page: Any, live_server: Any, demo: dict) -> None:
    seed = demo["seed001"]
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "office", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/todo/")
    page.goto(f"{live_server.url}/inspections/{seed.pk}/")
    page.click("#archive-link")
    page.wait_for_url(f"{live_server.url}/inspections/{seed.pk}/filing/")
    page.click("#archive-file")
    expect(page.locator(".messages, .message, main").first).to_contain_text("已立卷归档（第1次")
    assert page.dialogs and "只能查阅" in page.dialogs[0]
    expect(page.locator("#catalogue")).to_contain_text("巡察准备")
    expect(page.locator("#filed-state")).to_contain_text("只能查阅")
    with page.expect_download() as info:
        page.click("#archive-download")
    content = Path(info.value.path()).read_bytes()
    zf = zipfile.ZipFile(io.BytesIO(content))
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["signature"] and {"卷内目录.docx", "移交清单.docx"} <= set(zf.namelist())
    assert page.locator("#manifest-sm3").inner_text().strip() == Inspection.objects.get(pk=seed.pk).filings.get().manifest_sm3

    # The team leader sees the inspection read-only.
    page.context.clear_cookies()
    login(page, live_server, "leader", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/todo/")
    page.goto(f"{live_server.url}/inspections/{seed.pk}/")
    expect(page.locator("#filed-state")).to_contain_text("只能查阅")
