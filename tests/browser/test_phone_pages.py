"""Browser at phone width (390 px): the liaison's and the recipient's pages do not scroll sideways (a wide table
scrolls inside itself), and the top bar's links are all on screen and work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from tests.platform.test_crawl import objects  # noqa: F401  (the fixture: notices, ledger items, a referral)
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.intake.models import Report
from xuncha.rectification.models import RectificationItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("window.innerWidth")
    assert width == PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def top_bar_usable(page: Any) -> None:
    """Every link of the top bar is visible and inside the screen."""
    links = page.locator(".topbar a, .topbar button")
    assert links.count() >= 3
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["width"] > 0, links.nth(i).inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], links.nth(i).inner_text()


def visit_all(page: Any, base: str, start: str, prefix: str) -> list[str]:
    """The start page and the pages under prefix it links to."""
    page.goto(base + start)
    hrefs = page.eval_on_selector_all(f"a[href^='{prefix}']", "els => [...new Set(els.map(e => e.getAttribute('href')))]")
    visited = []
    for href in [start, *hrefs]:
        page.goto(base + href)
        no_sideways_scroll(page)
        top_bar_usable(page)
        visited.append(href)
    return visited


def test_the_liaisons_pages_fit_a_phone(page: Any, live_server: Any, objects: None) -> None:  # noqa: F811
    page.set_viewport_size(PHONE)
    login(page, live_server, "liaison", DEMO_PASSWORD)
    visited = visit_all(page, live_server.url, "/target/notices/", "/target/notices/")
    visited += visit_all(page, live_server.url, "/target/items/", "/target/items/")
    visited += visit_all(page, live_server.url, "/inspections/", "/inspections/")
    assert any(v.startswith("/target/notices/") and v != "/target/notices/" for v in visited)
    assert any(v.startswith("/target/items/") and v != "/target/items/" for v in visited)
    # The top bar works: the menu link leads to its page.
    page.click(".topbar >> text=整改台账")
    page.wait_for_url("**/target/items/")
    page.click("#notifications-link")
    page.wait_for_url("**/notifications/")
    no_sideways_scroll(page)


def test_the_recipients_pages_fit_a_phone(page: Any, live_server: Any, objects: None) -> None:  # noqa: F811
    page.set_viewport_size(PHONE)
    login(page, live_server, "recipient", DEMO_PASSWORD)
    visited = visit_all(page, live_server.url, "/recipient/", "/recipient/")
    assert any(v.startswith("/recipient/referrals/") for v in visited)
    page.click(".topbar >> text=移交线索")
    page.wait_for_url("**/recipient/")


def test_the_office_top_bar_wraps_on_a_phone(page: Any, live_server: Any, demo: dict) -> None:
    page.set_viewport_size(PHONE)
    login(page, live_server, "office", DEMO_PASSWORD)
    for url in ["/inspections/", "/rounds/", "/dashboard/"]:
        page.goto(live_server.url + url)
        no_sideways_scroll(page)
        top_bar_usable(page)


def test_a_long_breadcrumb_trail_wraps_on_a_phone(page: Any, live_server: Any, objects: None, demo: dict) -> None:  # noqa: F811
    """The deepest trails (a long inspection name, four steps) wrap inside the screen, never scroll sideways."""
    page.set_viewport_size(PHONE)
    login(page, live_server, "leader", DEMO_PASSWORD)
    report = Report.objects.filter(inspection=demo["seed000"]).first()
    item = RectificationItem.objects.filter(finding__inspection=demo["seed000"]).first()
    assert report is not None and item is not None
    urls = [f"/triage/reports/{report.pk}/", f"/rectification/ledger-items/{item.pk}/edit/"]
    for url in urls:
        page.goto(live_server.url + url)
        no_sideways_scroll(page)
        crumbs = page.locator("nav.breadcrumbs li")
        assert crumbs.count() >= 4 and crumbs.first.inner_text() == "我的待办", url
        rows = set()
        for i in range(crumbs.count()):
            box = crumbs.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (url, i)
            rows.add(round(box["y"]))
        assert len(rows) > 1, url  # it wrapped
        assert page.locator("nav.breadcrumbs [aria-current=page]").count() == 1
