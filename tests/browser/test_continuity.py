"""Browser: nothing typed is lost to a session timeout (static/js/staff.js + xuncha.middleware.form_continuity)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "您反映的食堂承包问题已转学院纪委调查核实，核实结果将另行告知。"


def test_a_reply_typed_survives_the_session_expiring_and_is_saved_after_login(page: Any, live_server: Any, demo: dict,
                                                                           register: Any) -> None:
    from xuncha.replies.models import Reply

    report = register("食堂承包合同未经集体研究，院长指定其亲属经营。", [("赵某", "院长", "leadership")])
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("#reply-content", REPLY)
    page.wait_for_timeout(700)  # the draft is written 400 ms after the last keystroke

    # The idle timeout passes: the session cookie is gone, the CSRF cookie stays (as in a real expiry).
    page.context.clear_cookies(name="sessionid")
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    assert f"next=%2Freports%2F{report.pk}%2F" in page.url

    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/reports/{report.pk}/")
    assert page.input_value("#reply-content") == REPLY
    assert "未提交的草稿" in page.inner_text(".draft-notice")
    assert not Reply.objects.filter(report=report).exists()

    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_load_state()
    assert Reply.objects.filter(report=report, content=REPLY).count() == 1
    # Saved: the draft is gone, a reload shows an empty reply box.
    page.reload()
    assert page.input_value("#reply-content") == ""
    assert page.locator(".draft-notice").count() == 0


def test_the_idle_warning_offers_to_stay_signed_in(page: Any, live_server: Any, demo: dict, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 9  # the warning shows at 6 s (a third of the time before expiry)
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/")
    page.wait_for_selector(".idle-banner button", timeout=12000)
    assert "将自动退出登录" in page.inner_text(".idle-banner")
    page.click(".idle-banner button")
    page.wait_for_selector(".idle-banner", state="detached")


@pytest.mark.parametrize("width", [1280, 390])
def test_registering_a_call_then_reloading_the_result_creates_no_second_report(browser: Any, live_server: Any, demo: dict,
                                                                              width: int) -> None:
    from xuncha.intake.models import Report

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        practice = demo["practice"]
        login(page, live_server, "member", DEMO_PASSWORD)
        page.goto(f"{live_server.url}/inspections/{practice.pk}/reports/new/phone/")
        page.fill("input[name=received_at]", "2026-11-20T10:00")
        page.fill("textarea[name=content]", "来电反映学院食堂承包问题，要求核查。")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/registered/" in page.url
        code = page.inner_text("#receipt-code").strip()
        assert len(code.replace(" ", "")) == 16
        page.reload()
        assert page.locator("#receipt-code").count() == 0
        assert "已在登记时显示过一次" in page.inner_text("main")
        page.go_back()  # the form again: a resend of it is recognised
        assert Report.objects.filter(inspection=practice, content__startswith="来电反映学院食堂").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()


def test_an_irreversible_act_asks_first_and_a_no_changes_nothing(page: Any, live_server: Any, demo: dict) -> None:
    inspection = demo["seed000"]
    channels = inspection.channels.count()
    page.decline_dialogs = True
    login(page, live_server, "office", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    page.click("form[data-confirm][action*='/channels/'] button[type=submit] >> nth=0")
    page.wait_for_timeout(500)
    assert page.dialogs and "删除受理渠道" in page.dialogs[0]
    assert inspection.channels.count() == channels
