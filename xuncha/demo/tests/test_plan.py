"""The demo plan: seed 001's target submits its plan, the office returns it once and approves it, the approval
becomes a mixed ledger worked through by the liaison and the office, and the leadership team's report drafted from
the ledger is submitted; the reminders and the to-do show what is still due."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from conftest import DEMO_TODAY
from xuncha.audit.models import AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.demo.plan import load_demo_plan
from xuncha.demo.rectification import load_demo_rectification
from xuncha.demo.reports import load_demo_reports
from xuncha.notify.models import Notification
from xuncha.rectification.models import Evidence, ItemStatus, PlanState, RectificationPlan, ReportKind, ReportState
from xuncha.rectification.selectors import is_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo: dict[str, Any]) -> dict[str, Any]:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    return {**demo, "result": load_demo_plan(inspections, today=DEMO_TODAY)}


def test_seed001_s_plan_became_a_mixed_ledger_and_a_report_was_submitted(loaded: dict[str, Any]) -> None:
    seed001, users, result = loaded["seed001"], loaded["users"], loaded["result"]
    plan = RectificationPlan.objects.get(inspection=seed001)
    assert plan.state == PlanState.APPROVED and plan.submissions == 2 and plan.decided_by == users["office"]
    assert [r.action for r in plan.reviews.all()] == ["submit", "return", "submit", "approve"]
    assert timezone.localtime(plan.decided_at).date() == dt.date(2024, 9, 20)

    items = seed001.rectification_items.order_by("number")
    assert items.count() == 5 and all(i.plan_task.plan_id == plan.pk for i in items)
    assert Counter(items.values_list("status", flat=True)) == {
        ItemStatus.SIGNED_OFF: 1, ItemStatus.IN_PROGRESS: 2, ItemStatus.LONG_TERM: 1, ItemStatus.NOT_STARTED: 1}
    signed = items.get(status=ItemStatus.SIGNED_OFF)
    assert signed.signed_off_by == users["office"] and timezone.localtime(signed.signed_off_at).date() == dt.date(2024, 10, 21)
    assert Evidence.objects.filter(progress__item=signed, content_type="application/pdf").count() == 1
    assert items.filter(status=ItemStatus.IN_PROGRESS, returned_reason__gt="").count() == 1
    overdue = [i for i in items if is_overdue(i, DEMO_TODAY)]
    assert [i.status for i in overdue] == [ItemStatus.NOT_STARTED] and overdue[0].deadline.year == 2024

    report = seed001.rectification_reports.get()
    assert (report.kind, report.state) == (ReportKind.LEADERSHIP, ReportState.SUBMITTED)
    assert "整改台账共5项" in report.body and "（请" not in report.body and report.submitted_at.year == 2024
    assert result.plan == plan and result.items == 5 and "生成整改事项 5 项" in result.summary()

    # Reminders: the ledger's (overdue and due soon) and the principal's report, overdue since 2024-10-20.
    ledger = Notification.objects.get(key=f"ledger-reminder:{seed001.pk}:{DEMO_TODAY.isoformat()}", user=users["liaison"])
    assert "1项已逾期" in ledger.text and "1项将在" in ledger.text
    plan_note = Notification.objects.get(key=f"plan-reminder:{seed001.pk}:{DEMO_TODAY.isoformat()}", user=users["liaison"])
    assert "整改报告1份应于2024-10-20前报送，已逾期" in plan_note.text

    for action, who in [("rectification_plan.submit", "liaison"), ("rectification_plan.return", "office"),
                        ("rectification_plan.approve", "office"), ("rectification_report.submit", "liaison"),
                        ("rectification_item.sign_off", "office")]:
        assert AuditEvent.objects.filter(action=action, actor=users[who]).exists(), action
    verdict = audit_chain_verify()
    assert verdict.ok, verdict
