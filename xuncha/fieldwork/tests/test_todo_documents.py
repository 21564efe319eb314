"""To-do lines of document requests and the deputy step: each line's count is the rows of the page it links to."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.fieldwork import services_documents as svc
from xuncha.rectification import services as rect
from xuncha.rectification.models import Finding
from xuncha.todo.selectors import todo_lines

from .helpers_documents import sent_request

pytestmark = pytest.mark.django_db


def _line(user: Any, kind: str) -> Any:
    return next((line for line in todo_lines(user=user) if line.kind == kind), None)


def test_the_liaison_and_the_leader_see_their_document_lines(demo: dict[str, Any], clients: dict[str, Any]) -> None:
    users = demo["users"]
    req = sent_request(demo)
    line = _line(users["liaison"], "document_deliver")
    assert line is not None and line.count == 2 and line.url == "/target/document-requests/"
    svc.document_item_deliver(actor=users["liaison"], item=req.items.get(number=1), decline_reason="已销毁")
    assert _line(users["liaison"], "document_deliver").count == 1
    assert _line(users["other_liaison"], "document_deliver") is None
    pending = sent_request(demo, ("人事档案", "", "original"), sensitive=True)
    line = _line(users["leader"], "document_request_approve")
    assert line is not None and line.count == 1 and line.url.endswith("?state=pending")
    page = clients["leader"].get(line.url).content.decode()
    assert f"/fieldwork/document-requests/{pending.pk}/" in page and f"/fieldwork/document-requests/{req.pk}/\"" not in page
    assert _line(users["member"], "document_request_approve") is None


def test_the_deputy_step_has_its_line(demo: dict[str, Any]) -> None:
    users, inspection = demo["users"], demo["practice"]
    rect.review_setting_set(actor=users["leader"], inspection=inspection, deputy_step=True)
    finding = rect.finding_create(actor=users["member"], inspection=inspection, data=rect.FindingData(
        title="问题", facts="事实", rule_broken="规定", focus="corruption"))
    rect.finding_submit(actor=users["member"], finding=finding)
    line = _line(users["leader"], "finding_review")
    assert line is not None and line.count == 1 and line.url.endswith("?state=deputy")
    assert Finding.objects.get(pk=finding.pk).state == "deputy"
