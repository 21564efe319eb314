"""Browser, at desktop and phone width: a member schedules a talk and records it with a matter that
becomes a lead; the pages do not scroll sideways on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.talks import Interview
from xuncha.fieldwork.tests.helpers import seats
from xuncha.inspections.models import Inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth && !e.closest('table'))
    .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"""


def fits(page: Any) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth"), (page.url, page.evaluate(WIDEST))


@pytest.mark.parametrize("size", list(SIZES))
def test_schedule_and_record_a_talk_with_a_matter_that_becomes_a_lead(page: Any, live_server: Any, demo: Any, size: str) -> None:
    practice = Inspection.objects.get(is_practice=True)
    members = seats(practice)
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/inspections/{practice.pk}/")
    page.click("#fieldwork-link")
    page.click("text=谈话名单")
    page.wait_for_url("**/talks/")
    fits(page)
    page.select_option("#id_category", "chosen")
    page.select_option("#id_kind", "teacher")
    page.fill("#id_name", "张三丰")
    page.fill("#id_post", "机电学院教师")
    page.click("#interview-form button[type=submit]")
    page.wait_for_selector("#interviewee-masked")
    assert page.inner_text("#interviewee-masked").startswith("张**")
    fits(page)
    page.fill("#id_scheduled_at", "2026-11-25T09:00")
    page.fill("#id_room", "行政楼305室")
    page.check(f"#schedule-form input[name=interviewers][value='{members[0].pk}']")
    page.check(f"#schedule-form input[name=interviewers][value='{members[1].pk}']")
    page.select_option("#id_recorder", str(members[2].pk))
    page.click("#schedule-form button[type=submit]")
    page.wait_for_selector("#interview-slot")
    assert "行政楼305室" in page.inner_text("#interview-slot")
    page.fill("#id_summary", "谈了食堂承包和职称评审。")
    page.check("input[name=signed][value=paper]")
    page.fill("#id_signed_on", "2026-11-20")
    page.fill("#id_m-0-text", "食堂承包合同续签未经集体研究，院长指定亲属经营。")
    page.check("#id_m-0-as_lead")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#record")
    assert "已转为待核实问题" in page.inner_text("#matters")
    fits(page)
    it = Interview.objects.get(inspection=practice)
    assert it.state == "done" and Lead.objects.get(inspection=practice).source_id == it.pk
    page.goto(f"{live_server.url}/inspections/{practice.pk}/fieldwork/leads/")
    assert "食堂承包合同续签" in page.inner_text("#leads")
    fits(page)
    page.goto(f"{live_server.url}/inspections/{practice.pk}/fieldwork/")
    assert it.label in page.inner_text("#timeline") and "张三丰" not in page.content()
    fits(page)
