"""Browser: after the feedback the liaison follows the to-do line to the plan, adds a task for each problem of the
feedback (one long-term), submits it; the office follows its to-do line, approves it, and the tasks are now the
ledger's items (desktop and phone width)."""

from __future__ import annotations

from typing import Any

import pytest
from docx import Document

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.rectification.models import PlanState, RectificationItem, RectificationPlan
from xuncha.rectification.tests.plan_helpers import fed_back

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_the_liaison_submits_the_plan_and_the_office_approves_it(page: Any, live_server: Any, demo: dict, width: int) -> None:
    inspection = demo["seed000"]
    _feedback, findings = fed_back(inspection)
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})

    login(page, live_server, "liaison", DEMO_PASSWORD)
    page.wait_for_url("**/todo/")
    line = page.locator(".todo-line[data-kind=plan_submit]")
    assert "待报送的整改方案" in line.inner_text() and "1 件" in line.inner_text()
    line.locator("a").click()
    page.wait_for_url("**/target/rectification/?todo=plan")
    page.click(f"#target-{inspection.pk} a[href='/target/inspections/{inspection.pk}/plan/']")
    assert "尚未制定" in page.inner_text("#plan-state")
    fits(page, width)

    for finding, long_term in ((findings[0], False), (findings[1], True)):
        page.select_option("#id_finding", str(finding.pk))
        page.fill("#id_task", f"整改任务：问题{finding.number}")
        page.fill("#id_measures", f"针对问题{finding.number}逐项整改，建立长效机制。")
        page.fill("#id_responsible_leader", "副校长黎某")
        page.fill("#id_responsible_dept", "基建处")
        if long_term:
            page.check("#id_long_term")
        else:
            page.fill("#id_deadline", "2024-12-31")
        page.click("#task-form button[type=submit]")
        assert page.locator(f"#problem-{finding.number} .plan-task").count() == 1
    page.fill("#id_summary", "成立巡察整改工作领导小组。")
    page.click("#summary-form button[type=submit]")
    page.click("#plan-submit-form button[type=submit]")
    assert page.dialogs and "确定报送整改方案" in page.dialogs[-1]
    assert "待巡察办审核" in page.inner_text("#plan-state")
    assert page.locator("#task-form").count() == 0  # no more changes until the office decides
    fits(page, width)

    page.context.clear_cookies()
    login(page, live_server, "office", DEMO_PASSWORD)
    page.wait_for_url("**/todo/")
    page.locator(".todo-line[data-kind=plan_review] a").click()
    page.wait_for_url(f"**/rectification/inspections/{inspection.pk}/plan/")
    assert "成立巡察整改工作领导小组" in page.inner_text("main") and page.locator(".plan-task").count() == 2
    page.check("input[name=decision][value=approve]")
    page.fill("#id_opinion", "整改任务明确，同意。")
    page.click("#plan-decide-form button[type=submit]")
    assert "已批准" in page.inner_text("#plan-state")
    assert "第1项" in page.inner_text("#problem-1") and "第2项" in page.inner_text("#problem-2")
    assert "审核通过" in page.inner_text("#review-trail") and "整改任务明确" in page.inner_text("#review-trail")
    fits(page, width)
    with page.expect_download() as download:
        page.click("#plan-docx")
    doc = Document(download.value.path())
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "整改任务：问题1" in cells and "长期坚持" in cells

    assert RectificationPlan.objects.get(inspection=inspection).state == PlanState.APPROVED
    items = RectificationItem.objects.filter(inspection=inspection).order_by("number")
    assert [i.finding_id for i in items] == [findings[0].pk, findings[1].pk] and items[1].long_term
    page.goto(f"{base}/rectification/inspections/{inspection.pk}/ledger/")
    assert "针对问题1逐项整改" in page.inner_text("main")
