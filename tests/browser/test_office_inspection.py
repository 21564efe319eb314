"""Browser: the office logs in, opens the seed 000 inspection and downloads its announcement."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from xuncha.demo.loader import DEMO_PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_sees_seed_000_and_downloads_the_announcement(page: Any, live_server: Any, demo: dict) -> None:
    seed = demo["seed000"]
    login(page, live_server, "office", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/todo/")  # the office lands on its to-do list
    page.click(".mainnav >> text=巡察任务")
    page.wait_for_url(live_server.url + "/inspections/")
    page.click(f"text={seed.team.name}巡察{seed.target.name}")
    page.wait_for_url(f"{live_server.url}/inspections/{seed.pk}/")

    assert page.inner_text("#end-date").startswith("2024-10-18")
    assert page.locator("#channels .channel-row").count() == 5
    channels = page.inner_text("#channels")
    for fact in ["0571-86837284", "08:30-11:30", "13:30-16:30", "tjxcz2@zjedu.gov.cn", "310014",
                 "仰仪南楼一楼西侧楼梯口", "仰仪中楼一楼西侧楼梯口"]:
        assert fact in channels, fact

    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "省委教育工委提级巡察二组对中国计量大学机电工程学院党委开展巡察" in text
    assert "2024年10月18日" in text
    assert "0571-86837284（受理时间为工作日上午8:30-11:30，下午13:30-16:30）" in text


def test_wrong_password_shows_a_chinese_error(page: Any, live_server: Any, demo: dict) -> None:
    login(page, live_server, "office", "wrong-password")
    assert "用户名或密码错误" in page.inner_text("main")


def test_public_page_on_a_phone(browser: Any, live_server: Any, demo: dict) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    practice = demo["practice"]
    page.goto(f"{live_server.url}/p/{practice.public_id}/")
    assert "示范职业技术学院党委" in page.inner_text("h1")
    assert "受理中" in page.inner_text("main") or "尚未开始受理" in page.inner_text("main") or "受理期已结束" in page.inner_text("main")
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
