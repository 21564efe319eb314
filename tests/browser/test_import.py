"""Browser: the office uploads a published announcement, reviews it and creates the inspection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.inspections.models import Inspection

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_000 = Path(__file__).resolve().parents[2] / "xuncha" / "demo" / "seeds" / "000_ecd2721415505345.txt"


def test_upload_review_correct_and_create(page: Any, live_server: Any, demo: dict, tmp_path: Path) -> None:
    Inspection.objects.filter(pk=demo["seed000"].pk).delete()
    login(page, live_server, "office", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/todo/")  # the office lands on its to-do list
    page.click(".mainnav >> text=巡察任务")
    page.wait_for_url(live_server.url + "/inspections/")
    page.click("text=导入巡察公告")
    page.set_input_files("input[name=file]", str(SEED_000))
    page.click("button[name=parse]")

    # Each fact beside its sentence; the cleaned text has no pinyin and is simplified.
    assert page.input_value("input[name=i0-team]") == "省委教育工委提级巡察二组"
    assert page.input_value("input[name=i0-end_date]") == "2024-10-18"
    assert "未找到受理范围" in page.inner_text("#import-warnings")
    page.click("summary")
    assert "根据省委教育工委统一部署" in page.inner_text("#clean-text")
    assert page.locator("tr.import-channel").count() >= 5

    # The text names no round: the form says so and keeps everything else.
    page.click("#create-inspections")
    assert page.input_value("input[name=i0-team]") == "省委教育工委提级巡察二组"
    page.fill("input[name=i0-round]", "省委教育工委2024年提级巡察")
    page.click("#create-inspections")
    page.wait_for_url(f"{live_server.url}/inspections/*/")
    assert page.inner_text("#end-date").startswith("2024-10-18")
    assert page.locator("#channels .channel-row").count() == 5
    assert "0571-86837284" in page.inner_text("#channels")
