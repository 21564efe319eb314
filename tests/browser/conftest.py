"""Playwright driving Debian's Chromium (/usr/bin/chromium) against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures, assertions) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) or set CHROMIUM_PATH")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    # Any request that leaves the test server is a failure: the product makes no third-party request.
    outside: list[str] = []
    local = ("http://localhost", "http://127.0.0.1", "data:", "blob:")
    context.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # Irreversible acts ask first (data-confirm): the user agrees, unless a test sets `pg.decline_dialogs`;
    # the questions asked are kept in `pg.dialogs`.
    pg.dialogs = []
    pg.decline_dialogs = False

    def answer(dialog: Any) -> None:
        pg.dialogs.append(dialog.message)
        dialog.dismiss() if pg.decline_dialogs else dialog.accept()

    pg.on("dialog", answer)
    yield pg
    context.close()
    assert not outside, f"third-party requests: {outside}"


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
