"""A phone (390 px) scans the inspection's QR code (码上巡察): the public page lists the survey beside the
report form; the survey shows its conditional question only after "存在问题"; the answer is submitted; the
thank-you page offers to report the problem written, and that text arrives in the report form."""

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
