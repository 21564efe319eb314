"""Browser: the office leaves an item under investigation out of the publication and publishes the
rectification (agreeing to the confirmation); the public page then shows it at phone width without sideways
scrolling, without the exempted item, and the reporter's receipt look-up links to it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.aftercare.models import Publication
from xuncha.aftercare.tests.helpers import ledger
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.intake.services import ReporterData, ReportInput, report_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth"), page.url


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_office_publishes_and_the_public_reads_it_on_a_phone(page: Any, live_server: Any, demo: dict[str, Any],
                                                             viewport: dict[str, int]) -> None:
    seed001 = demo["seed001"]
    items = ledger(seed001)
    code = report_register(actor=None, data=ReportInput(inspection=seed001, content="反映食堂饭菜价格问题。", kind="online",
                                                        reporter=ReporterData(name="覃明珠", phone="13977005678"))).receipt_code
    page.set_viewport_size(viewport)
    login(page, live_server, "office", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{seed001.pk}/")
    page.click("#publication-link")
    page.wait_for_url(f"**/inspections/{seed001.pk}/publication/")
    row = page.locator(f"#item-{items[3].number}")
    row.locator("select[name=reason]").select_option("investigation")
    row.locator("button:has-text('不予公开')").click()
    page.wait_for_selector("text=将不予公开")
    assert "不予公开：正在调查处理" in page.locator(f"#item-{items[3].number}").inner_text()
    page.fill("textarea[name=intro]", "现将巡察整改进展情况公布如下，欢迎监督。")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("#publication-facts")
    assert any("确定公开" in d for d in page.dialogs)
    assert Publication.objects.filter(inspection=seed001).count() == 1
    if viewport == PHONE:
        no_sideways_scroll(page)

    # The public, on a phone: the inspection's public page links to the publication.
    public = page.context.browser.new_context(locale="zh-CN", viewport=PHONE)
    try:
        reader = public.new_page()
        reader.goto(f"{live_server.url}/p/{seed001.public_id}/")
        reader.click("#rectification-published a")
        reader.wait_for_url(f"**/p/{seed001.public_id}/rectification/")
        text = reader.locator("#publication").inner_text()
        assert "现将巡察整改进展情况公布如下" in text and "重新核定饭菜价格" in text and "另有1项依规不予公开" in text
        assert "配合有关部门调查" not in text and "王副院长" not in text
        no_sideways_scroll(reader)
        # The reporter's look-up says it was published, and links there.
        reader.goto(f"{live_server.url}/p/receipt/")
        reader.fill("input[name=code]", code)
        reader.click("form button[type=submit]")
        reader.wait_for_selector("#rectification-published")
        no_sideways_scroll(reader)
        reader.click("#rectification-published a")
        reader.wait_for_url(f"**/p/{seed001.public_id}/rectification/")
    finally:
        public.close()
