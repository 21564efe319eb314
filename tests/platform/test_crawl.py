"""Every page a persona reaches from their navigation renders under the CSP and in Chinese.

For each persona the test client follows the links of the pages (breadth first, from the home page and the
top bar), a few pages of each shape (/reports/1/ and /reports/2/ are one shape), and checks each page: the
status (a link shown to a user leads somewhere: 200 or a redirect), no inline style= attribute (the CSP
blocks it: the layout breaks silently), no English text of Django's (a stock validation message, a debug
page) and exactly one breadcrumb trail (nav.breadcrumbs, the current page last, xuncha/crumbs.py) unless it is
a login page, the public portal or 我的待办 itself. Then the pages one persona reached are fetched by the
others: 200, a redirect or 404, never an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any

import pytest

from conftest import PERSONAS
from xuncha.rectification.tests.plan_helpers import submitted_plan_of
from xuncha.rectification.tests.test_services_findings import GIFT, GIFT_REWORDED, ZHAO, issued
from xuncha.rectification.tests.test_services_ledger import make_finding, make_item, report_done
from xuncha.triage.models import DuplicateGroup
from xuncha.triage.tests.test_views_handover import CANTEEN, DISCIPLINE, HIRING, ORGANIZATION, approve

pytestmark = pytest.mark.django_db

ENGLISH = ["This field is required", "Ensure this value", "Enter a valid", "Select a valid choice",
           "is not one of the available choices", "Traceback", "Page not found", "Server Error", "Forbidden",
           "Not Found", "CSRF verification failed", "Bad Request"]
STYLE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
HREF = re.compile(r'href="([/?][^"#]*)"')
SKIP = re.compile(r"^/(api|static|media|p)/|logout|\.(docx|pdf|csv|xlsx|zip|png|jpg)(\?|$)|/(export|download|evidence|raw|attachments?)/",
                  re.IGNORECASE)
CRUMBS = re.compile(r'<nav class="breadcrumbs" aria-label="当前位置"><ol>(.*?)</ol></nav>', re.DOTALL)
LAST_CRUMB = re.compile(r'<li aria-current="page">[^<]+</li>$')
NO_CRUMBS = re.compile(r"^/(todo/)?(\?|$)|^/accounts/login|^/p/")
PER_SHAPE = 4  # the demo has four inspections
MAX_PAGES = 400


def shape(url: str) -> str:
    """/reports/1/ and /reports/2/ are one shape; ?state=a and ?state=b too, ?page=2 another."""
    path, _, query = url.partition("?")
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + "?" + "&".join(keys)


def check_page(url: str, html: str) -> list[str]:
    problems = []
    if STYLE.search(html):
        problems.append(f"{url}: inline style= attribute")
    problems += [f"{url}: English text {text!r}" for text in ENGLISH if text in html]
    return problems


def check_breadcrumbs(url: str, html: str) -> list[str]:
    """One trail per signed-in staff page, ending in the current page (aria-current, no link)."""
    if NO_CRUMBS.search(url):
        return []
    trails, navs = CRUMBS.findall(html), html.count('class="breadcrumbs"')
    if navs != 1 or len(trails) != 1:
        return [f"{url}: {navs} breadcrumb trails, not one"]
    if not trails[0].startswith("<li><a ") or not LAST_CRUMB.search(trails[0]) or trails[0].count("aria-current") != 1:
        return [f"{url}: breadcrumb trail without root link or current page: {trails[0]}"]
    return []


def crawl(client: Any) -> tuple[dict[str, int], list[str]]:
    """Follow the links from the home page; return the status of each page fetched and the problems."""
    seen_shapes: dict[str, int] = {}
    statuses: dict[str, int] = {}
    problems: list[str] = []
    queue = deque(["/"])
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        if url in statuses:
            continue
        statuses[url] = -1
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code not in (200, 302):
            problems.append(f"{url}: status {response.status_code}")
        if response.status_code == 302 and response["Location"].startswith("/") and response["Location"] not in statuses:
            queue.append(response["Location"])
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        problems += check_page(url, html) + check_breadcrumbs(url, html)
        for link in HREF.findall(html):
            link = link.replace("&amp;", "&")
            if link.startswith("?"):
                link = url.split("?", 1)[0] + link
            if SKIP.search(link) or link in statuses:
                continue
            key = shape(link)
            if seen_shapes.get(key, 0) >= PER_SHAPE:
                continue
            seen_shapes[key] = seen_shapes.get(key, 0) + 1
            queue.append(link)
    return statuses, problems


@pytest.fixture
def objects(register: Any, demo: dict[str, Any]) -> None:
    """The main objects of every page: reports (a duplicate group), a finding with ledger items (one reported on),
    an issued immediate notice, and in the practice inspection a clue and a referral for the recipients."""
    seed000, practice = demo["seed000"], demo["practice"]
    first = register(GIFT, ZHAO, kind="email")
    register(GIFT_REWORDED, kind="phone")
    register(GIFT, kind="email")
    issued(seed000, DuplicateGroup.objects.get(key=first.pk))
    finding = make_finding(seed000)
    make_item(finding)
    report_done(make_item(finding, dept="教务处"), status="in_progress")
    submitted_plan_of(seed000, finding)  # the feedback, and the target's plan awaiting the office
    at = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)
    approve(register(HIRING, [("周某", "组织部长", "key_post")], inspection=practice, received_at=at), "transfer", DISCIPLINE, "选人用人问题")
    approve(register(CANTEEN, [("钱某", "食堂承包商", "other")], inspection=practice, received_at=at), "refer", ORGANIZATION, "后勤管理问题")


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_every_page_a_persona_reaches_renders(clients: Any, objects: None, persona: str) -> None:
    statuses, problems = crawl(clients[persona])
    assert problems == []
    assert statuses["/"] in (200, 302)
    # Each persona reaches at least its own pages through the top bar.
    expected_min = {"office": 30, "leader": 30, "member": 30, "liaison": 4, "recipient": 3, "auditor": 2, "sysadmin": 3}
    assert len(statuses) >= expected_min.get(persona, 1), sorted(statuses)


OUTSIDERS = ["leader", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "norole", "anonymous"]


def test_pages_of_others_are_found_or_not_never_broken(clients: Any, objects: None) -> None:
    """The pages the office, the leader, the liaison and the recipient reach, fetched by the others: 200, a
    redirect (the login) or 404, and rendered like any page."""
    urls: set[str] = set()
    for owner in ("office", "leader", "recipient", "liaison"):
        statuses, _ = crawl(clients[owner])
        urls |= {u for u, s in statuses.items() if s == 200}
    problems = []
    for persona in OUTSIDERS:
        for url in sorted(urls):
            response = clients[persona].get(url)
            if response.status_code not in (200, 302, 404):
                problems.append(f"{persona} {url}: status {response.status_code}")
            if persona == "anonymous" and response.status_code != 302:
                problems.append(f"anonymous {url}: status {response.status_code}, not the login")
            if response["Content-Type"].startswith("text/html"):
                problems += [f"{persona} {p}" for p in check_page(url, response.content.decode())]
    assert problems == []


STOCK = ["确保该变量", "这个字段是必填项", "输入一个有效的", "选择一个有效的选项", *ENGLISH]


def test_form_errors_are_plain_sentences_naming_the_field(clients: Any, objects: None, demo: dict[str, Any]) -> None:
    """A form's field errors name the field in a plain Chinese sentence (xuncha.web.ChineseErrorsMixin),
    never Django's stock wording."""
    seed000 = demo["seed000"]
    item = seed000.findings.get().items.first()
    cases = [
        ("anonymous", "/accounts/login/", {"username": "x" * 200}, ["用户名最多 150 个字，现在有 200 个字。", "请填写密码。"]),
        ("leader", f"/rectification/inspections/{seed000.pk}/findings/new/", {"title": "问" * 201, "focus": "nope"},
         ["问题最多 200 个字，现在有 201 个字。", "请填写事实。", "聚焦领域的选项无效，请重新选择。"]),
        ("liaison", f"/target/items/{item.pk}/", {"status": "nope"}, ["整改状态的选项无效，请重新选择。", "请填写进展情况。"]),
        ("auditor", "/audit/", None, []),
    ]
    for persona, url, data, expected in cases:
        response = clients[persona].post(url, data) if data is not None else clients[persona].get(url, {"date_to": "x"})
        html = response.content.decode()
        assert response.status_code in (200, 400), url  # a form shown again with its errors
        assert [s for s in STOCK if s in html] == [], url
        assert [s for s in expected if s not in html] == [], url
