"""Browser: the database is gone at the moment a reporter submits. The 503 page leads back to the form,
and everything typed (identity, subjects, the text) comes back; submitting again then works, and the
copy kept in the tab is dropped once the receipt shows."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError

from xuncha.intake.models import Report, Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "财务处处长黄建国多次以会议名义报销私人旅游费用。\n第二段：报销单据在财务处。"


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_typed_report_survives_a_503(page: Any, live_server: Any, demo: dict, settings: Any, width: int) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 0
    page.set_viewport_size({"width": width, "height": 900})
    practice = demo["practice"]
    url = f"{live_server.url}/p/{practice.public_id}/"
    page.goto(url)
    page.check("#id_mode_0")  # real name
    page.fill("#id_name", "韦秀兰")
    page.fill("#id_phone", "13977001234")
    page.select_option("#id_role", "teacher")
    page.fill("#id_unit", "机电工程学院")
    page.click("#add-subject")  # a fourth subject row, made by the script
    page.fill("#id_subjects-3-name", "黄建国")
    page.fill("#id_subjects-3-post", "财务处处长")
    page.fill("#id_content", TEXT)

    with mock.patch("xuncha.portal.views.inspection_get_public", _down):
        page.click("#submit-report")
        page.wait_for_selector("#unavailable")
    assert "暂时无法访问" in page.inner_text("h1")
    assert page.locator("#kept-content").input_value() == TEXT
    assert not Report.objects.filter(inspection=practice).exists()

    # The database is back; "返回并重新提交" shows the form again, filled in.
    page.click("#resubmit")
    page.wait_for_selector("#restored-notice")
    assert page.locator("#id_content").input_value() == TEXT
    assert page.locator("#id_name").input_value() == "韦秀兰"
    assert page.locator("#id_role").input_value() == "teacher"
    assert page.locator("#id_mode_0").is_checked()
    assert page.locator("#real-name-fields").is_visible()
    assert page.locator("#id_subjects-3-name").input_value() == "黄建国"

    page.click("#submit-report")
    page.wait_for_selector("#receipt-code")
    report = Report.objects.get(inspection=practice)
    assert report.content == TEXT.replace("\n", "\r\n") or report.content == TEXT
    assert list(Subject.objects.filter(report=report).values_list("name", flat=True)) == ["黄建国"]
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('xc-public-form:')).length") == 0

    # A fresh visit starts empty.
    page.goto(url)
    assert page.locator("#id_content").input_value() == ""
    assert page.locator("#restored-notice").count() == 0
