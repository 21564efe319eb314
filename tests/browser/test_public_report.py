"""Browser, phone-sized: a real-name report with an attachment, the receipt code, the look-up, an addition."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from xuncha.intake.models import Addition, Attachment, Report, Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOCAL = ("http://localhost", "http://127.0.0.1", "data:", "blob:")
# The vendored htmx (loaded by base.html) inserts its indicator <style> unless told not to; the CSP blocks it
# harmlessly. Only that exact style is tolerated here: any other CSP violation fails the test.
HTMX_INDICATOR_STYLE = "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk="


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page; any request that leaves the test server fails the test."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    missing: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 and not r.url.endswith("/favicon.ico") else None)
    yield page
    context.close()
    assert not outside, f"third-party requests: {outside}"
    assert not missing, f"missing resources: {missing}"
    errors = [e for e in errors if HTMX_INDICATOR_STYLE not in e and not e.startswith("Failed to load resource")]
    assert not errors, f"errors in the page (CSP violations show here too): {errors}"


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls horizontally ({width}px)"


def _png(path: Path) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_report_on_a_phone_then_look_it_up_and_add_information(phone: Any, live_server: Any, demo: dict, settings: Any,
                                                                tmp_path: Path) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 0
    practice = demo["practice"]
    page = phone
    page.goto(f"{live_server.url}/p/{practice.public_id}/")
    assert "示范职业技术学院党委" in page.inner_text("h1")
    assert page.locator("#report-form").is_visible()
    _no_horizontal_scroll(page)

    # 匿名 hides the identity fields, 实名 shows them (static script, no inline code).
    page.check("#id_mode_1")
    assert not page.locator("#real-name-fields").is_visible()
    page.check("#id_mode_0")
    assert page.locator("#real-name-fields").is_visible()
    page.fill("#id_name", "韦秀兰")
    page.fill("#id_phone", "13977001234")
    page.select_option("#id_role", "teacher")
    page.fill("#id_unit", "机电工程学院")

    assert page.locator("#subject-rows .subject-row").count() == 3
    page.click("#add-subject")
    assert page.locator("#subject-rows .subject-row").count() == 4
    page.fill("#id_subjects-0-name", "黄建国")
    page.fill("#id_subjects-0-post", "财务处处长")
    page.select_option("#id_subjects-0-category", "key_post")
    page.fill("#id_content", "财务处处长黄建国2026年多次以会议名义报销私人旅游费用，有报销单据照片。")
    page.set_input_files("#id_attachments", str(_png(tmp_path / "报销单据.png")))
    _no_horizontal_scroll(page)
    page.click("#submit-report")
    page.wait_for_url(f"{live_server.url}/p/receipt/new/#receipt")

    shown = page.inner_text("#receipt-code").strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown), shown
    code = shown.replace(" ", "")
    assert code not in page.url
    assert "查询码只显示这一次" in page.inner_text("main")
    assert page.locator("#print-receipt").is_visible()
    _no_horizontal_scroll(page)

    report = Report.objects.get(inspection=practice)
    assert not report.anonymous and "韦秀兰" not in str(report.reporter_sealed)
    assert list(Subject.objects.filter(report=report).values_list("name", "category")) == [("黄建国", "key_post")]
    assert list(Attachment.objects.filter(report=report).values_list("original_name", "content_type")) == [("报销单据.png", "image/png")]

    # Reloading does not show the code again.
    page.reload()
    assert page.locator("#receipt-gone").is_visible()
    assert code not in page.content().replace(" ", "")

    # Look it up.
    page.goto(f"{live_server.url}/p/receipt/")
    page.fill("#id_code", shown)
    page.click("#lookup-submit")
    page.wait_for_url(f"{live_server.url}/p/receipt/")
    assert page.inner_text("#status-label") == "已登记"
    assert "示范职业技术学院党委" in page.inner_text("#status-inspection")
    assert page.locator("#no-replies").is_visible()
    assert code not in page.url
    _no_horizontal_scroll(page)

    # Add information and a file.
    page.fill("#id_content", "补充：报销时间是2026年5月和6月。")
    page.set_input_files("#id_attachments", str(_png(tmp_path / "第二张单据.png")))
    page.click("#addition-submit")
    page.wait_for_selector("#additions")
    assert "补充材料已收到" in page.inner_text("main")
    assert "附件 1 个" in page.inner_text("#additions")
    addition = Addition.objects.get(report=report)
    assert addition.by_reporter and addition.content == "补充：报销时间是2026年5月和6月。"
    assert addition.attachments.count() == 1
    _no_horizontal_scroll(page)

    # Leave: the code is forgotten.
    page.click("#lookup-exit")
    page.wait_for_selector("#lookup-form")
    assert "已退出查询" in page.inner_text("main")
    _no_horizontal_scroll(page)


def test_a_bad_attachment_keeps_what_was_typed(phone: Any, live_server: Any, demo: dict, settings: Any, tmp_path: Path) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 0
    page = phone
    page.goto(f"{live_server.url}/p/{demo['practice'].public_id}/")
    page.check("#id_mode_1")
    page.fill("#id_content", "这段文字不能因为附件出错而丢失。")
    fake = tmp_path / "合同.pdf"
    fake.write_bytes(_png(tmp_path / "x.png").read_bytes())
    page.set_input_files("#id_attachments", str(fake))
    page.click("#submit-report")
    page.wait_for_selector("#form-errors")
    errors = page.inner_text("#form-errors")
    assert "“合同.pdf”的扩展名与内容不符" in errors and "请重新选择" in errors
    assert page.input_value("#id_content") == "这段文字不能因为附件出错而丢失。"
    assert page.is_checked("#id_mode_1") and not page.locator("#real-name-fields").is_visible()
    assert Report.objects.count() == 0
    _no_horizontal_scroll(page)
