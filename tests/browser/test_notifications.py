"""Browser: the leader issues an immediate-rectification notice; the liaison sees the unread count in the
top bar (readable: dark red on white over the red bar), opens 提醒, opens the notification and lands on
the notice; the count drops (desktop and phone width)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.rectification import services as rect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRAST = """el => {
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const s = getComputedStyle(el);
  const a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_liaison_is_told_of_an_issued_notice(page: Any, live_server: Any, demo: dict, register: Any, width: int) -> None:
    seed = demo["seed000"]
    report = register("学院食堂饭菜价格连续上涨，师生反映强烈。")
    leader, member = User.objects.get(username="leader"), User.objects.get(username="member")
    draft = rect.notice_create(actor=member, inspection=seed, reports=[report], data=rect.NoticeData(
        title="食堂价格", problem="食堂饭菜价格上涨问题。", suggestion="立即整改。", clear_violation=True, fixable=True))
    notice = rect.notice_issue(actor=leader, notice=draft)

    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "liaison", DEMO_PASSWORD)
    badge = page.locator("#notifications-link .badge")
    assert badge.inner_text() == "1"
    assert badge.evaluate(CONTRAST) >= 4.5  # readable on the red top bar
    box = page.locator("#notifications-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width

    page.click("#notifications-link")
    page.wait_for_url("**/notifications/")
    assert page.locator("nav.breadcrumbs").inner_text().startswith("我的待办")
    row = page.locator("#notifications tr.unread")
    assert row.count() == 1 and f"第{notice.number}号立行立改通知已签发" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    row.locator("button.open").click()
    page.wait_for_url(f"**/target/notices/{notice.pk}/")
    assert "食堂饭菜价格上涨问题。" in page.inner_text("main")
    assert page.locator("#notifications-link .badge").count() == 0  # the count dropped

    page.goto(live_server.url + "/notifications/")
    assert page.locator("#notifications tr.unread").count() == 0 and "已读" in page.inner_text("#notifications")
