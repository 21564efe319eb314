"""A phone (390 px) scans the inspection's QR code (码上巡察): the public page lists the survey beside the
report form; the survey shows its conditional question only after "存在问题"; the answer is submitted; the
thank-you page offers to report the problem written, and that text arrives in the report form. And, at
desktop and phone width, the team voids a lost batch of slips and a code of it is refused."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.surveys import services
from xuncha.surveys.models import Response, TextAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_phone_answers_a_survey_and_may_report_the_problem(page: Any, live_server: Any, demo: dict[str, Any],
                                                             settings: Any) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 0
    users = demo["users"]
    practice = demo["practice"]
    survey = services.survey_create(actor=users["member"], inspection=practice, template="questionnaire", codes_required=False)
    services.survey_publish(actor=users["leader"], survey=survey)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/p/{practice.public_id}/")  # what the QR code on the notice opens
    page.click(f"#survey-links >> text={survey.title}")
    page.wait_for_url(f"**/surveys/{survey.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    conditional = page.locator("#sq-5")
    assert conditional.is_hidden()
    page.check("#sq-1 >> text=满意")
    page.check("#sq-2 >> text=4 分")
    page.check("#sq-4 >> text=不存在")
    assert conditional.is_hidden()
    page.check("#sq-4 >> text=存在问题")
    assert conditional.is_visible()
    page.fill("#sq-5 textarea", "学院食堂承包合同未经集体研究，饭菜价格连续上涨。")
    page.click("#survey-submit")
    page.wait_for_url("**/thanks/")
    assert "感谢您的参与" in page.inner_text("#thanks")
    assert Response.objects.filter(survey=survey).count() == 1
    assert TextAnswer.objects.filter(survey=survey).get().text.startswith("学院食堂承包合同")

    page.click("#offer-report .report-this button")
    page.wait_for_url(lambda url: url.endswith(f"/p/{practice.public_id}/#report-form"))
    assert page.input_value("textarea[name=content]") == "学院食堂承包合同未经集体研究，饭菜价格连续上涨。"


SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_team_voids_a_lost_batch_and_its_code_is_refused(page: Any, live_server: Any, demo: dict[str, Any],
                                                              settings: Any, size: str) -> None:
    """A batch of slips is lost: the member voids it with a reason (asked to confirm); a slip of that batch
    is then refused on the phone with the Chinese message, and the code typed stays in the field."""
    from tests.browser.conftest import login
    from xuncha.demo.loader import DEMO_PASSWORD
    from xuncha.surveys.models import CodeBatch

    settings.PORTAL_FORM_MIN_SECONDS = 0
    users = demo["users"]
    practice = demo["practice"]
    survey = services.survey_create(actor=users["member"], inspection=practice, template="questionnaire", min_group_size=1)
    services.survey_publish(actor=users["leader"], survey=survey)
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="teachers", count=5)
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "member", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    row = page.locator(f"#batch-{batch.number}")
    row.locator("input[name=reason]").fill("纸条在会场遗失")
    row.locator("button", has_text="作废").click()
    page.wait_for_selector(f"#batch-{batch.number} .batch-voided")
    assert any("确定作废第" in d for d in page.dialogs)
    assert "未使用的 5 个不能再提交答卷" in page.inner_text("body")
    assert "纸条在会场遗失" in page.inner_text(f"#batch-{batch.number}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert CodeBatch.objects.get(pk=batch.pk).void_reason == "纸条在会场遗失"

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/p/{practice.public_id}/surveys/{survey.pk}/")
    page.fill("#id_code", codes[0])
    page.check("#sq-1 >> text=满意")
    page.check("#sq-2 >> text=4 分")
    page.check("#sq-4 >> text=不存在")
    page.click("#survey-submit")
    page.wait_for_selector("text=已由巡察组作废")
    assert page.input_value("#id_code") == codes[0]
    assert Response.objects.filter(survey=survey).count() == 0
