"""Browser: the city office exports its inspection as a package; the receiving deployment's office uploads
it, sees what will be imported, confirms, and finds the import recorded."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.exchange.models import PackageImport

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _keys(path: Path, here: str, peer: str, secret: str) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"deployment": here, "peers": {peer: {"name": f"{peer} 巡察办", "key": secret}}}, f)
    return path


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_export_then_import_with_confirmation(page: Any, live_server: Any, demo: dict, tmp_path: Path, settings: Any,
                                              viewport: dict) -> None:
    secret = secrets.token_hex(32)
    settings.EXCHANGE_KEY_FILE = _keys(tmp_path / "laptop.key", "laptop", "prov", secret)
    page.set_viewport_size(viewport)
    login(page, live_server, "office_city", DEMO_PASSWORD)
    page.goto(live_server.url + "/exchange/imports/")
    assert "数据交换" in page.inner_text("h1")
    page.click(f"a[href='/exchange/inspections/{demo['practice'].pk}/export/']")
    page.select_option("select[name=peer]", "prov")
    with page.expect_download() as info:
        page.click("button:has-text('导出并下载')")
    package = tmp_path / info.value.suggested_filename
    info.value.save_as(package)
    assert package.name.startswith("xuncha-laptop-prov-") and package.stat().st_size > 1000

    # The receiving deployment (same database here: every row is found again, nothing new is created).
    settings.EXCHANGE_KEY_FILE = _keys(tmp_path / "prov.key", "prov", "laptop", secret)
    page.goto(live_server.url + "/exchange/imports/")
    page.select_option("select[name=office]", index=1)
    page.set_input_files("input[name=package]", str(package))
    page.click("button:has-text('上传并检查')")
    page.wait_for_url(f"{live_server.url}/exchange/imports/*/")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "将要导入的内容" in body and demo["practice"].title in body
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state()
    assert any("导入后数据不能撤回" in d for d in page.dialogs)
    assert "已导入" in page.inner_text("h1")
    assert PackageImport.objects.get().state == "done"
