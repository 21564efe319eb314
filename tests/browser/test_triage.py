"""Browser: a member triages a report from the work queue (search, confirm labels and the subject's
category, propose a referral); the leader approves it and downloads the referral letter."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services
from xuncha.intake.models import Report, ReportStatus

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANTEEN = "学校食堂承包商的员工宿舍漏水半年没人修，员工工资也拖欠了两个月，希望有人管一管。"


def register(seed: Any, content: str, subjects: list[Any], at: dt.datetime, name: str = "") -> Report:
    reporter = services.ReporterData(name=name, phone="13800000001") if name else None
    return services.report_register(actor=User.objects.get(username="member"), data=services.ReportInput(
        inspection=seed, content=content, kind="email", channel=seed.channels.get(kind="email"), received_at=at,
        reporter=reporter, subjects=subjects)).report


def test_member_triages_to_a_referral_and_leader_approves_and_downloads_the_letter(page: Any, live_server: Any, demo: dict) -> None:
    seed = demo["seed000"]
    at = dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC)
    register(seed, "副院长赵某收受礼金，职称评审打招呼。", [services.SubjectData(name="赵某", post="副院长", category="leadership")], at)
    report = register(seed, CANTEEN, [services.SubjectData(name="周某", post="", category="unsure")],
                      at + dt.timedelta(hours=1), name="李实名")
    body = ReceivingBody.objects.create(name="中国计量大学后勤管理处", kind=ReceivingBody.Kind.OTHER)

    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{seed.pk}/")
    page.click("#triage-link")
    page.wait_for_url(f"{live_server.url}/triage/inspections/{seed.pk}/")
    assert page.locator("#queue .report-row").count() == 2
    # Two-character full-text search finds only the canteen report.
    page.fill("#queue-filters input[name=q]", "食堂")  # not the top bar's search box
    page.click("#queue-filters button[type=submit]")
    page.wait_for_selector("#queue .report-row >> nth=0")
    assert page.locator("#queue .report-row").count() == 1
    page.click(f"text={report.reference}")
    page.wait_for_url(f"{live_server.url}/triage/reports/{report.pk}/?q=*")  # the queue's filters come along
    assert "李实名" not in page.inner_text("main")  # the reporter is never shown on the triage page

    # The subject is an ordinary employee of the contractor: out of scope.
    page.fill("input[name=subjects-0-post]", "承包商员工")
    page.select_option("select[name=subjects-0-category]", "other")
    page.click("#subjects-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "不属于受理范围" in page.inner_text("#scope-proposal")
    page.check("#labels-form input[value=mass]")
    page.click("#labels-form button[type=submit]")
    page.wait_for_selector("#labels-form .badge.ok")

    page.check("#disposition-form input[value=refer]")
    page.select_option("#disposition-form select[name=body]", str(body.pk))
    page.fill("#disposition-form textarea[name=reason]", "反映宿舍维修和工资拖欠，不属于巡察受理范围，按规定转后勤管理处处理。")
    page.click("#disposition-form button[type=submit]")
    page.wait_for_selector("text=已提交组长审批")
    page.click("form[action='/accounts/logout/'] button")

    login(page, live_server, "leader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/triage/inspections/{seed.pk}/approvals/")
    assert report.reference in page.inner_text("#approvals")
    page.click("#approvals button[value=approve]")
    page.wait_for_selector("text=已批准")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.REFERRED

    page.goto(f"{live_server.url}/triage/reports/{report.pk}/")
    with page.expect_download() as info:
        page.click("#referral-letter")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "转办" in text and "中国计量大学后勤管理处" in text and "宿舍漏水" in text
    assert "李实名" not in text and "13800000001" not in text
