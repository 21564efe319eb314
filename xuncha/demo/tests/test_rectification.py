"""The demo rectification: findings, notices, the feedback and the ledger, worked through the real services
by the demo users on top of the demo reports, then one run of the reminders."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from conftest import DEMO_TODAY
from xuncha.audit.models import AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.demo.rectification import SEED_001_FEEDBACK_ON, load_demo_rectification
from xuncha.demo.reports import load_demo_reports
from xuncha.intake.models import Report, ReportStatus
from xuncha.notify.models import Notification
from xuncha.rectification.models import Evidence, Feedback, Finding, ImmediateNotice, NoticeAnswer
from xuncha.replies.models import Reply
from xuncha.triage.models import DuplicateGroup, Triage

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo: dict[str, Any]) -> dict[str, Any]:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    result = load_demo_rectification(inspections, today=DEMO_TODAY)
    return {**demo, "result": result}


def test_the_practice_inspection_has_findings_and_notices(loaded: dict[str, Any]) -> None:
    practice, users = loaded["practice"], loaded["users"]
    findings = Finding.objects.filter(inspection=practice).order_by("number")
    assert Counter(findings.values_list("state", flat=True)) == {Finding.State.APPROVED: 2, Finding.State.SUBMITTED: 1}
    for finding in findings:
        assert finding.reports.exists() and finding.facts and finding.rule_broken and finding.focus and finding.disciplines
        assert finding.created_by == users["member"]
    assert {f.approved_by for f in findings.filter(state=Finding.State.APPROVED)} == {users["leader"]}
    canteen_group = DuplicateGroup.objects.filter(inspection=practice).order_by("-reporters").first()
    assert canteen_group is not None
    canteen = findings.get(number=1)
    assert set(canteen.reports.values_list("pk", flat=True)) == set(
        Triage.objects.filter(group_key=canteen_group.key).values_list("pk", flat=True))
    assert "助学金" in findings.get(number=2).title and findings.get(number=3).state == Finding.State.SUBMITTED

    # The canteen notice: from the duplicate group, both marks, issued, answered with a real PDF, accepted.
    notices = ImmediateNotice.objects.filter(inspection=practice).order_by("number")
    first, second = notices
    assert first.group_key == canteen_group.key and first.clear_violation and first.fixable and first.finding == canteen
    assert first.reports.count() == canteen_group.size
    assert first.state == ImmediateNotice.State.ACCEPTED and first.issued_by == users["leader"] and first.due_on
    answer = first.answers.get()
    assert answer.answered_by == users["liaison"] and answer.decision == NoticeAnswer.Decision.ACCEPTED
    assert answer.decided_by == users["leader"] and answer.measures
    evidence = Evidence.objects.get(answer=answer)
    assert evidence.content_type == "application/pdf" and evidence.original_name.endswith(".pdf")
    with default_storage.open(evidence.file.name, "rb") as f:
        content = f.read()
    assert content.startswith(b"%PDF-") and len(content) == evidence.size
    # The 助学金 notice: issued, awaiting the target's answer.
    assert second.state == ImmediateNotice.State.ISSUED and not second.answers.exists() and second.due_on
    assert second.group_key is not None and second.reports.count() == 3
    # The practice inspection is still under way: no feedback, no ledger yet.
    assert not Feedback.objects.filter(inspection=practice).exists() and not practice.rectification_items.exists()


def test_seed001_has_its_feedback_and_its_reply(loaded: dict[str, Any]) -> None:
    """Seed 001's findings and feedback; its ledger comes from the plan (xuncha/demo/plan.py, tests/test_plan.py)."""
    seed001, users = loaded["seed001"], loaded["users"]
    findings = Finding.objects.filter(inspection=seed001)
    assert findings.count() == 2 and set(findings.values_list("state", flat=True)) == {Finding.State.APPROVED}
    assert {timezone.localtime(f.approved_at).date() for f in findings} == {dt.date(2024, 6, 18)}
    feedback = Feedback.objects.get(inspection=seed001)
    assert feedback.feedback_on == SEED_001_FEEDBACK_ON and seed001.end_date < feedback.feedback_on < DEMO_TODAY
    assert set(feedback.findings.all()) == set(findings)
    assert not seed001.rectification_items.exists()

    # The accepted report got its result reply.
    accepted = Report.objects.get(inspection=seed001, status=ReportStatus.ACCEPTED)
    assert Reply.objects.filter(report=accepted, kind=Reply.Kind.RESULT, created_by=users["member"]).exists()

    result = loaded["result"]
    # Before the plan (xuncha/demo/plan.py), the liaison is reminded that the plan is overdue.
    reminded = Notification.objects.filter(key__regex=r"^(ledger|plan)-reminder:")
    assert result.reminders == reminded.count() > 0
    assert "整改方案应于2024-09-20前报送，已逾期" in reminded.get(key__startswith=f"plan-reminder:{seed001.pk}:").text
    assert (result.findings, result.approved, result.notices, result.items, result.signed_off, result.overdue) == (5, 4, 2, 0, 0, 0)
    assert "问题底稿 5 个" in result.summary()

    # Every step by the right person, audited; the chain holds.
    actors = {(e.action, e.actor.username) for e in AuditEvent.objects.filter(actor__isnull=False).select_related("actor")}
    for expected in [("finding.create", "member"), ("finding.approve", "leader"), ("notice.issue", "leader"),
                     ("notice.answer", "liaison"), ("notice.accept", "leader"), ("feedback.record", "leader"),
                     ("report.reply", "member")]:
        assert expected in actors
    assert AuditEvent.objects.filter(action="rectification.reminders").count() == 1
    verdict = audit_chain_verify()
    assert verdict.ok, verdict
