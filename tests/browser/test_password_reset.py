"""Browser: the sysadmin resets a password; the user logs in with the one-time password, is made to change
it before anything else, and then reaches their pages. Desktop and phone width."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL = ("http://localhost", "http://127.0.0.1", "data:", "blob:")
NEW = "Xuncha#Changed2026!"


@pytest.fixture(params=[{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def pages(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[Any, Any, int]]:
    """Two pages of this size in separate browser contexts (two people): the sysadmin's and the user's."""
    viewport = request.param
    phone = viewport["width"] < 600
    contexts = [browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, locale="zh-CN",
                                    timezone_id="Asia/Shanghai") for _ in range(2)]
    outside: list[str] = []
    result = []
    for context in contexts:
        context.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
        pg = context.new_page()
        pg.set_default_timeout(15000)
        result.append(pg)
    yield result[0], result[1], viewport["width"]
    for context in contexts:
        context.close()
    assert not outside, f"third-party requests: {outside}"


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_reset_then_forced_change_then_the_users_pages(pages: tuple[Any, Any, int], live_server: Any, demo: dict) -> None:
    admin, user, width = pages
    leader = User.objects.get(username="leader")

    login(admin, live_server, "sysadmin", DEMO_PASSWORD)
    admin.wait_for_url("**/accounts/users/")
    admin.goto(f"{live_server.url}/accounts/users/{leader.pk}/")
    admin.click("#password-reset-link")
    assert "只在下一页显示一次" in admin.inner_text("main")
    _fits(admin, width)
    admin.click("#password-reset-confirm")
    one_time = admin.inner_text("#one-time-password").strip()
    assert len(one_time) == 19
    _fits(admin, width)

    login(user, live_server, "leader", one_time)
    user.wait_for_url("**/accounts/password/")
    assert "请先修改密码再继续使用" in user.inner_text("main")
    _fits(user, width)
    user.goto(f"{live_server.url}/inspections/")  # nothing else before the change
    user.wait_for_url("**/accounts/password/")

    user.fill("input[name=old_password]", one_time)
    user.fill("input[name=new_password]", NEW)
    user.fill("input[name=new_password2]", NEW)
    user.click("#password-form button[type=submit]")
    user.wait_for_url("**/todo/")  # home: the leader's to-do list
    assert "密码已修改" in user.inner_text(".messages")
    user.click("#profile-link")
    user.wait_for_url("**/accounts/profile/")
    assert "巡察组组长/副组长" in user.inner_text("#profile-roles")
    assert "本次会话" in user.inner_text("#profile-sessions")
    _fits(user, width)
    refreshed = User.objects.get(pk=leader.pk)
    assert refreshed.check_password(NEW) and not refreshed.must_change_password
