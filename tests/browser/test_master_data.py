"""Browser: the office creates an inspection by searching its target among many (the datalist filled
from the search endpoint as it types), edits it and archives it — on a desktop and at 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.inspections import services
from xuncha.inspections.models import Inspection

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth"), page.url


@pytest.mark.parametrize("size", SIZES)
def test_create_by_searching_the_target_then_edit_and_archive(page: Any, live_server: Any, demo: dict, size: str) -> None:
    office = demo["users"]["office"]
    for i in range(120):
        services.target_create(actor=office, name=f"示例县第{i:03d}小学党支部", short_name=f"县{i:03d}小")
    seed = demo["seed000"]
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "office", DEMO_PASSWORD)
    page.wait_for_url(live_server.url + "/todo/")
    if size == "desktop":
        page.click(".mainnav >> text=巡察任务")
        page.click("text=新建巡察任务")
    else:
        page.goto(live_server.url + "/inspections/new/")
    page.wait_for_url(live_server.url + "/inspections/new/")
    _fits(page)

    page.select_option("select[name=round]", str(seed.round_id))
    page.select_option("select[name=team]", str(seed.team_id))
    target_input = page.locator("input[name=target]")
    target_input.click()
    target_input.press_sequentially("第042", delay=30)
    # The script asked the server and filled the candidates: only the one that matches.
    expect(page.locator("#target-options option")).to_have_count(1)
    choice = page.get_attribute("#target-options option", "value")
    assert choice == "示例县第042小学党支部"
    target_input.fill(choice)  # what picking the candidate does
    page.fill("input[name=start_date]", "2025-03-03")
    page.fill("input[name=working_days]", "15")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    created = Inspection.objects.get(target__name="示例县第042小学党支部")
    assert page.url == f"{live_server.url}/inspections/{created.pk}/"
    assert "已创建巡察任务" in page.inner_text("main")
    _fits(page)

    page.click("text=修改任务")
    page.wait_for_url(f"{live_server.url}/inspections/{created.pk}/edit/")
    assert "巡察任务" in page.inner_text(".breadcrumbs")
    page.fill("input[name=duration_text]", "15个工作日左右")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/inspections/{created.pk}/")
    assert "已保存" in page.inner_text("main")
    created.refresh_from_db()
    assert created.duration_text == "15个工作日左右"

    page.click("#archive-inspection")  # asks first (data-confirm); the fixture accepts
    page.wait_for_selector("#inspection-state")
    assert any("归档本巡察任务" in d for d in page.dialogs)
    assert "归档：不能再修改" in page.inner_text("#inspection-state")
    _fits(page)
    created.refresh_from_db()
    assert created.archived_at is not None and created.closed_at is not None
    # Gone from the default list, there under the filter.
    page.goto(live_server.url + "/inspections/")
    assert "示例县第042小学党支部" not in page.inner_text("main")
    page.click("#show-archived")
    assert "示例县第042小学党支部" in page.inner_text("main")


def test_without_javascript_on_a_phone_a_typed_name_is_enough(browser: Any, live_server: Any, demo: dict) -> None:
    office = demo["users"]["office"]
    for i in range(30):
        services.target_create(actor=office, name=f"示例县第{i:03d}小学党支部", short_name=f"县{i:03d}小")
    seed = demo["seed000"]
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, "office", DEMO_PASSWORD)
    page.goto(live_server.url + "/inspections/new/")
    page.select_option("select[name=round]", str(seed.round_id))
    page.select_option("select[name=team]", str(seed.team_id))
    page.fill("input[name=target]", "小学")  # many match: the page says so and offers them
    page.fill("input[name=start_date]", "2025-03-03")
    page.fill("input[name=working_days]", "15")
    page.click("main form[method=post] button[type=submit]")
    assert "不止一个" in page.inner_text("main")
    assert page.locator("#target-options option").count() == 20
    _fits(page)
    page.fill("input[name=target]", "县007小")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    assert Inspection.objects.filter(target__name="示例县第007小学党支部").exists()
    context.close()
