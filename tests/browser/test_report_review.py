"""Browser: the member drafts the 巡察报告 from the approved findings, edits it (a new version, the difference
shown) and submits it; the leader records the 组务会's approval; the office returns it with an opinion; the member
submits again; the 组务会, the office and the leading group (recorded by the office, with minutes) approve it; the
approved report's .docx carries the trail (desktop and phone width)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.browser.conftest import login
from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.rectification.services import FindingData, finding_create, finding_decide, finding_submit
from xuncha.reporting.models import InspectionReport, ReportState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page: Any, base: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def as_user(page: Any, live_server: Any, username: str, url: str) -> None:
    logout(page, live_server.url)
    login(page, live_server, username, DEMO_PASSWORD)
    page.goto(live_server.url + url)


def decide(page: Any, decision: str, opinion: str = "", minutes: str = "") -> None:
    page.check(f"#decision-form input[name=decision][value={decision}]")
    if opinion:
        page.fill("#decision-form textarea[name=opinion]", opinion)
    if minutes:
        page.fill("#decision-form textarea[name=minutes]", minutes)
    page.click("#decision-form button[type=submit]")


@pytest.mark.parametrize("width", [1280, 390])
def test_report_review_chain(page: Any, live_server: Any, demo: dict, tmp_path: Path, width: int) -> None:
    inspection = demo["practice"]
    member, leader = User.objects.get(username="member"), User.objects.get(username="leader")
    for title, focus in (("食堂承包经营未公开招标", "corruption"), ("助学金评定结果未公示", "policy")):
        finding = finding_create(actor=member, inspection=inspection, data=FindingData(
            title=title, facts=f"{title}，经调阅资料查实。", rule_broken="有关规定。", focus=focus))
        finding_decide(actor=leader, finding=finding_submit(actor=member, finding=finding), approve=True)
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})

    # The member drafts the report from the inspection's page, edits it and submits it.
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.click("#inspection-report-link")
    page.click("#create-main-form button[type=submit]")
    page.wait_for_selector("#report-text")
    assert "食堂承包经营未公开招标" in page.locator("#report-text").inner_text()
    fits(page, width)
    report = InspectionReport.objects.get(inspection=inspection)
    page.click("#edit-link")
    text = page.input_value("#id_text")
    page.fill("#id_text", text.replace("（请巡察组填写针对以上问题的意见建议。）", "建议学校党委健全后勤和资助工作制度。"))
    page.fill("#id_note", "填写意见建议")
    page.click("#version-form button[type=submit]")
    page.wait_for_selector("#report-text")
    assert "第2版" in page.locator("#report-facts").inner_text()
    page.click("text=与上一版比较")
    assert "+ 建议学校党委健全后勤和资助工作制度。" in page.locator("#diff").inner_text()
    fits(page, width)
    page.goto(f"{base}/inspection-reports/{report.pk}/")
    page.click("#submit-form button[type=submit]")
    assert "待组务会审议" in page.locator("#report-state").inner_text()

    # The leader records the team meeting; the office returns it with an opinion.
    as_user(page, live_server, "leader", f"/inspection-reports/{report.pk}/")
    decide(page, "approve", opinion="组务会研究同意。")
    assert "待巡察办审核" in page.locator("#report-state").inner_text()
    as_user(page, live_server, "office", f"/inspection-reports/{report.pk}/")
    fits(page, width)
    decide(page, "return")  # no opinion: refused, the form stays
    assert "退回修改须写明意见" in page.content()
    decide(page, "return", opinion="第二个问题请补充评定材料的抽查情况。")
    assert "已退回修改" in page.locator("#report-state").inner_text()

    # The member submits again; the chain starts over and ends with the leading group.
    as_user(page, live_server, "member", f"/inspection-reports/{report.pk}/")
    assert "第二个问题请补充评定材料的抽查情况。" in page.locator("#steps").inner_text()
    page.click("#submit-form button[type=submit]")
    as_user(page, live_server, "leader", f"/inspection-reports/{report.pk}/")
    decide(page, "approve")
    as_user(page, live_server, "office", f"/inspection-reports/{report.pk}/")
    decide(page, "approve", opinion="巡察办审核同意。")
    decide(page, "approve", minutes="巡察工作领导小组会议审定。")
    assert "已审定" in page.locator("#report-state").inner_text()
    assert page.locator("#decision-form").count() == 0
    fits(page, width)
    with page.expect_download() as download:
        page.click("#report-docx")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "巡察工作领导小组会议审定。" in cells and "第二个问题请补充评定材料的抽查情况。" in cells
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_version is not None
    assert report.approved_version.number == 2
    assert page.dialogs  # the irreversible acts asked first
