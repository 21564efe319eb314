"""Browser: the member logs in, lands on 我的待办 and follows a line to the work (desktop and phone width)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_member_lands_on_the_todo_list_and_follows_a_line(page: Any, live_server: Any, demo: dict, register: Any,
                                                               width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    report = register("图书馆空调坏了很久没人修，学生反映强烈。")  # triaged, labels not yet confirmed
    login(page, live_server, "member", DEMO_PASSWORD)
    page.wait_for_url("**/todo/")
    assert page.inner_text("h1") == "我的待办"
    assert page.locator(".mainnav a").first.inner_text() == "我的待办"
    line = page.locator(".todo-line[data-kind=report_triage]")
    assert "待研判的信访件" in line.inner_text() and "1 件" in line.inner_text() and "最久" in line.inner_text()
    box = line.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the line fits the screen
    line.locator("a").click()
    page.wait_for_url(f"**/triage/inspections/{demo['seed000'].pk}/?todo=triage")
    assert page.locator(f"a:has-text('{report.reference}')").count() == 1
    assert page.locator("#queue .report-row").count() == 1  # exactly the line's 1 件
