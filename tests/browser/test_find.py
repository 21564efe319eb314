"""Browser: a number typed in the top bar's search box opens its object, at desktop width and at 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_number_typed_in_the_top_bar_opens_its_report(page: Any, live_server: Any, demo: dict, register: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    first = register("食堂承包合同未经集体研究，院长指定其亲属经营。", [("赵某", "院长", "leadership")])
    second = register("食堂旁边的图书馆空调坏了很久没人修。")
    login(page, live_server, "member", DEMO_PASSWORD)
    page.wait_for_url("**/todo/")  # every role lands on its to-do list

    box = page.locator("#topfind input[name=q]")
    assert box.is_visible()
    # The box fits the phone's width (nothing pushed off the screen).
    right = page.evaluate("() => document.querySelector('#topfind').getBoundingClientRect().right")
    assert right <= width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width

    box.fill(f" 第{second.inspection_id}－０００{second.number:02d}号 ")  # full-width digits and dash, 第…号
    box.press("Enter")
    page.wait_for_url(f"**/reports/{second.pk}/")
    assert second.reference in page.inner_text("main")

    # Words list what matches; a number that names nothing says so and keeps the query.
    page.locator("#topfind input[name=q]").fill("食堂")
    page.locator("#topfind button[type=submit]").click()
    page.wait_for_url("**/find/?q=*")
    page.click(f"#find-results a[href='/reports/{first.pk}/'] >> nth=0")
    page.wait_for_url(f"**/reports/{first.pk}/")

    page.locator("#topfind input[name=q]").fill("第999号")
    page.locator("#topfind input[name=q]").press("Enter")
    page.wait_for_selector("#find-none")
    assert "未找到" in page.inner_text("#find-none")
    assert page.input_value("#find-page-q") == "第999号"
