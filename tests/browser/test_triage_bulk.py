"""Browser, desktop and phone width (390 px): a member ticks three reports on the triage workbench, applies a
bulk scope change after the confirmation page, finds the three still ticked with the outcome said, then steps
through the filtered queue with 下一件 / 上一件."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.intake import services
from xuncha.intake.models import Report
from xuncha.triage.models import Scope, Triage
from xuncha.triage.services import report_triage

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = ["食堂饭菜价格连续上涨，质量却越来越差。", "副院长赵某收受礼金，职称评审打招呼。",
         "图书馆空调坏了很久没人修。", "实验室采购设备价格明显偏高。"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def register(seed: Any, content: str, at: dt.datetime) -> Report:
    report = services.report_register(actor=User.objects.get(username="member"), data=services.ReportInput(
        inspection=seed, content=content, kind="email", channel=seed.channels.get(kind="email"), received_at=at,
        subjects=[])).report
    report_triage(report_id=report.pk)
    return report


@pytest.mark.parametrize("size", SIZES)
def test_bulk_scope_change_with_confirmation_then_next_and_previous(page: Any, live_server: Any, demo: dict, size: str) -> None:
    seed = demo["seed000"]
    at = dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC)
    reports = [register(seed, text, at + dt.timedelta(hours=i)) for i, text in enumerate(TEXTS)]
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "member", DEMO_PASSWORD)
    queue = f"{live_server.url}/triage/inspections/{seed.pk}/?sort=old"
    page.goto(queue)
    assert page.locator("#queue .report-row").count() == 4
    assert TEXTS[0] in page.inner_text("#queue")  # the first line of each report's content
    chosen = reports[:3]
    for r in chosen:
        page.check(f"#queue input[name=ids][value='{r.pk}']")
    page.select_option("#bulk-form select[name=action]", "scope")
    page.select_option("#bulk-form select[name=scope]", Scope.OUT)
    page.fill("#bulk-form input[name=reason]", "反映后勤和设施问题，不属于巡察受理范围。")
    page.click("#bulk-submit")

    # The confirmation page lists the three; nothing has changed yet.
    page.wait_for_selector("#bulk-confirm-form")
    assert page.locator("#bulk-reports tbody tr").count() == 3
    assert "3" in page.inner_text("#bulk-summary")
    assert not Triage.objects.filter(pk__in=[r.pk for r in chosen], scope_confirmed=True).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.click("#bulk-apply")

    page.wait_for_selector(".messages")
    assert "确认受理范围：3 件已处理。" in page.inner_text(".messages")
    assert "sort=old" in page.url
    assert page.locator("#queue input[name=ids]:checked").count() == 3  # the selection is kept
    assert Triage.objects.filter(pk__in=[r.pk for r in chosen], scope=Scope.OUT, scope_confirmed=True).count() == 3
    assert Triage.objects.filter(pk=reports[3].pk, scope_confirmed=True).count() == 0
    assert AuditEvent.objects.filter(action="report.scope_confirm").count() == 3

    # Step through the queue as filtered (oldest first) from the first report.
    page.click(f"#queue a:text('{reports[0].reference}')")
    page.wait_for_url(f"**/triage/reports/{reports[0].pk}/?sort=old")
    assert "已是第一件" in page.inner_text("nav.stepper")
    page.click("#next-report")
    page.wait_for_url(f"**/triage/reports/{reports[1].pk}/?sort=old")
    page.click("#next-report")
    page.wait_for_url(f"**/triage/reports/{reports[2].pk}/?sort=old")
    page.click("#previous-report")
    page.wait_for_url(f"**/triage/reports/{reports[1].pk}/?sort=old")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    # The breadcrumb leads back to the same filtered queue.
    page.click("nav.breadcrumbs a:text('研判工作台')")
    page.wait_for_url("**/triage/inspections/*/?sort=old")
