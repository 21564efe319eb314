"""Browser: the member sends a document request; the liaison delivers a requested file through their to-do;
the member drafts a finding and cites the delivered document and a recorded talk (the talk itself is
scheduled and recorded in the browser in test_talks.py); the member submits it, the deputy leader
approves it and the leader approves it (desktop and phone width)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.models.documents import DocumentItem
from xuncha.fieldwork.tests.helpers import scheduled
from xuncha.fieldwork.tests.helpers_documents import docx_bytes
from xuncha.inspections import services as planning
from xuncha.inspections.models import TeamMember
from xuncha.rectification.models import Finding
from xuncha.rectification.services import review_setting_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page: Any, base: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_deliver_cite_and_approve(page: Any, live_server: Any, demo: dict, tmp_path: Path, width: int) -> None:
    inspection = demo["practice"]
    office, sysadmin, leader = (User.objects.get(username=n) for n in ("office", "sysadmin", "leader"))
    deputy = User(username="deputy", display_name="演示副组长")
    deputy.set_password(DEMO_PASSWORD)
    deputy.save()
    role_assign(actor=sysadmin, user=deputy, role=Role.TEAM_LEADER, team=inspection.team, system=True)
    planning.team_member_add(actor=office, team=inspection.team, name="演示副组长", position=TeamMember.Position.DEPUTY, user=deputy)
    review_setting_set(actor=leader, inspection=inspection, deputy_step=True)
    talk = scheduled(inspection, name="王五")
    talks.interview_record(actor=User.objects.get(username="member"), interview=talk, summary="谈及体育馆维修工程。",
                           matters=[talks.MatterInput("体育馆维修工程未经集体研究")], signed_on=inspection.start_date,
                           on_paper=True)
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})

    # The member sends the request.
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.click("#documents-link")
    page.click("#request-new")
    page.fill("#id_item0_name", "体育馆维修工程招投标文件")
    page.fill("#id_item0_period", "2025年")
    page.select_option("#id_item0_form", "electronic")
    page.click("#request-form button[type=submit]")
    assert "已发出" in page.locator("#request-state").inner_text()
    fits(page, width)
    item = DocumentItem.objects.get(name="体育馆维修工程招投标文件")

    # The liaison finds it in the to-do and uploads the file.
    logout(page, base)
    login(page, live_server, "liaison", DEMO_PASSWORD)
    page.goto(base + "/todo/")
    page.click("text=待报送的调阅资料")
    page.wait_for_url("**/target/document-requests/")
    page.click(f"a[href='/target/document-requests/{item.request_id}/']")
    page.click(f"#item-{item.pk} a.deliver-link")
    upload = tmp_path / "招标文件.docx"
    upload.write_bytes(docx_bytes("体育馆维修工程招标文件", "中标人：某建筑公司"))
    page.check("input[name=how][value=files]")
    page.set_input_files("input[name=uploads]", str(upload))
    page.click("#deliver-form button[type=submit]")
    assert "已上传" in page.locator(f"#item-{item.pk}").inner_text()
    fits(page, width)

    # The member drafts a finding citing the delivered document, and submits it.
    logout(page, base)
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{base}/rectification/inspections/{inspection.pk}/findings/new/")
    page.fill("#id_title", "体育馆维修工程未经党委会集体研究")
    page.fill("#id_facts", "经调阅招投标文件，工程于2025年发包，未见党委会研究记录。")
    page.fill("#id_rule_broken", "“三重一大”决策制度")
    page.select_option("#id_focus", "corruption")
    page.click("#finding-form button[type=submit]")
    page.select_option("#id_cite_doc", f"document:{item.pk}")
    page.fill("#id_cite_page", "2")
    page.click("#cite-document-form button[type=submit]")
    link = page.locator("#evidence-list a")
    assert "体育馆维修工程招投标文件" in link.inner_text() and "第2页" in link.inner_text()
    page.select_option("#id_cite_record", f"interview:{talk.pk}")
    page.click("#cite-record-form button[type=submit]")
    cited = page.locator("#evidence-list").inner_text()
    assert f"谈话记录 第{talk.number}号" in cited and "王五" not in cited  # a number, never the interviewee's name
    page.fill("#id_opinion", "事实清楚，建议认定")
    page.click("#submit-form button[type=submit]")
    assert "待副组长审核" in page.locator("#finding-state").inner_text()
    fits(page, width)
    finding = Finding.objects.get(title="体育馆维修工程未经党委会集体研究")

    # The deputy, then the leader, approve.
    for who, state in (("deputy", "待组长审定"), ("leader", "已审定")):
        logout(page, base)
        login(page, live_server, who, DEMO_PASSWORD)
        page.goto(f"{base}/rectification/findings/{finding.pk}/")
        page.fill("#id_note", "同意")
        page.click("#decide-form button[value=approve]")
        assert state in page.locator("#finding-state").inner_text()
        fits(page, width)
    trail = page.locator("#review-trail").inner_text()
    assert "承办人" in trail and "副组长" in trail and "组长" in trail and "事实清楚" in trail
    with page.expect_download() as download:
        page.click("#review-docx")
    assert download.value.suggested_filename.endswith(".docx")
