"""Shared by the plan tests: an inspection fed back with approved findings, and a plan of tasks for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Feedback, Finding, RectificationPlan
from xuncha.rectification.services import TaskData, feedback_record, plan_decide, plan_submit, plan_task_add

FEEDBACK_ON = dt.date(2024, 10, 31)


def user(name: str) -> User:
    return User.objects.get(username=name)


def fed_back(inspection: Inspection, *, findings: int = 2, feedback_on: dt.date = FEEDBACK_ON) -> tuple[Feedback, list[Finding]]:
    """Approved findings of the inspection, fed back on `feedback_on` by the team's leader."""
    member = User.objects.filter(roles__team=inspection.team, roles__role="team_member").first()
    leader = User.objects.filter(roles__team=inspection.team, roles__role="team_leader").first()
    assert member is not None and leader is not None
    made = [Finding.objects.create(inspection=inspection, number=n, title=f"问题标题{n}：基建工程招投标监管缺位", facts="事实。",
                                   rule_broken="规定。", focus="corruption", state="approved", created_by=member)
            for n in range(1, findings + 1)]
    return feedback_record(actor=leader, inspection=inspection, feedback_on=feedback_on), made


def task(finding: Finding, n: int = 1, **over: Any) -> TaskData:
    data: dict[str, Any] = {"finding_id": finding.pk, "task": f"整改任务{finding.number}-{n}", "measures": f"整改措施{finding.number}-{n}",
                            "responsible_leader": "副校长黎某", "responsible_dept": "基建处", "deadline": dt.date(2024, 12, 31),
                            "long_term": False}
    data.update(over)
    return TaskData(**data)


def liaison_of(inspection: Inspection) -> User:
    found = User.objects.filter(roles__org=inspection.target, roles__role="liaison").first()
    assert found is not None
    return found


def submitted_plan(inspection: Inspection, findings: list[Finding]) -> RectificationPlan:
    liaison = liaison_of(inspection)
    for f in findings:
        plan_task_add(actor=liaison, inspection=inspection, data=task(f))
    plan_task_add(actor=liaison, inspection=inspection, data=task(findings[0], 2, long_term=True, deadline=None))
    return plan_submit(actor=liaison, inspection=inspection)


def approved_plan(inspection: Inspection, findings: list[Finding]) -> RectificationPlan:
    return plan_decide(actor=user("office"), plan=submitted_plan(inspection, findings), approve=True)


def submitted_plan_of(inspection: Inspection, finding: Finding, feedback_on: dt.date = FEEDBACK_ON) -> RectificationPlan:
    """The feedback of an approved finding (by the team's leader) and a plan of one task for it, submitted."""
    leader = User.objects.filter(roles__team=inspection.team, roles__role="team_leader").first()
    assert leader is not None
    feedback_record(actor=leader, inspection=inspection, feedback_on=feedback_on)
    plan_task_add(actor=liaison_of(inspection), inspection=inspection, data=task(finding))
    return plan_submit(actor=liaison_of(inspection), inspection=inspection)
