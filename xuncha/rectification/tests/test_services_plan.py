"""The rectification plan: the liaison drafts tasks for the problems of the feedback and submits; the office returns
or approves; approval turns every task into a ledger item. Who may do what, the due dates, the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.selectors import calendar_get
from xuncha.notify.models import Notification
from xuncha.rectification.dues import plan_due_for, report_due_for
from xuncha.rectification.models import ItemStatus, PlanState, PlanTask, RectificationItem, RectificationPlan
from xuncha.rectification.services import (
    plan_decide,
    plan_save,
    plan_submit,
    plan_task_add,
    plan_task_remove,
    plan_task_update,
)

from .plan_helpers import FEEDBACK_ON, approved_plan, fed_back, submitted_plan, task, user

pytestmark = pytest.mark.django_db


def test_the_plan_needs_the_feedback_first(seed000: Any) -> None:
    from xuncha.rectification.models import Finding

    finding = Finding.objects.create(inspection=seed000, number=1, title="问题", facts="事实", rule_broken="规定", focus="corruption",
                                     state="approved", created_by=user("member"))
    with pytest.raises(Conflict, match="尚未反馈"):
        plan_task_add(actor=user("liaison"), inspection=seed000, data=task(finding))


def test_only_the_target_s_liaison_drafts_the_plan(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    for name in ("member", "leader", "office"):
        with pytest.raises(NotAllowed):
            plan_task_add(actor=user(name), inspection=seed000, data=task(findings[0]))
    for name in ("other_liaison", "recipient", "norole", "auditor"):
        with pytest.raises(NotFound):
            plan_task_add(actor=user(name), inspection=seed000, data=task(findings[0]))
    assert not RectificationPlan.objects.exists()


def test_tasks_are_checked_and_every_problem_needs_one_before_submitting(seed000: Any, demo: Any) -> None:
    _fb, findings = fed_back(seed000)
    liaison = user("liaison")
    with pytest.raises(Invalid) as exc:
        plan_task_add(actor=liaison, inspection=seed000, data=task(findings[0], task=" ", responsible_dept="", deadline=None))
    assert {"请填写整改任务。", "请填写责任部门。", "请填写完成时限，或选择长期坚持。"} <= set(exc.value.messages)
    with pytest.raises(Invalid, match="不能早于反馈日期"):
        plan_task_add(actor=liaison, inspection=seed000, data=task(findings[0], deadline=FEEDBACK_ON - dt.timedelta(days=1)))
    # A finding of another inspection is no problem of this feedback.
    other_feedback, other = fed_back(demo["seed001"], findings=1)
    with pytest.raises(Invalid, match="不是本次巡察反馈的问题"):
        plan_task_add(actor=liaison, inspection=seed000, data=task(other[0]))
    first = plan_task_add(actor=liaison, inspection=seed000, data=task(findings[0]))
    with pytest.raises(Invalid) as exc:
        plan_submit(actor=liaison, inspection=seed000)
    assert exc.value.messages == [f"问题2（{findings[1].title[:40]}）尚未制定整改任务。"]
    plan_task_update(actor=liaison, task=first, data=task(findings[0], measures="修订招标管理办法"))
    assert PlanTask.objects.get(pk=first.pk).measures == "修订招标管理办法"
    extra = plan_task_add(actor=liaison, inspection=seed000, data=task(findings[1]))
    plan_task_remove(actor=liaison, task=extra)
    plan_task_add(actor=liaison, inspection=seed000, data=task(findings[1], long_term=True, deadline=None))
    plan = plan_submit(actor=liaison, inspection=seed000)
    assert plan.state == PlanState.SUBMITTED and plan.submissions == 1
    # Submitted: no more changes until the office decides.
    with pytest.raises(Conflict):
        plan_task_update(actor=liaison, task=first, data=task(findings[0]))
    with pytest.raises(Conflict):
        plan_submit(actor=liaison, inspection=seed000)
    # The office is told.
    assert Notification.objects.filter(user=user("office"), key=f"plan-submitted:{plan.pk}:1").exists()


def test_the_office_returns_with_an_opinion_and_the_liaison_submits_again(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    plan = submitted_plan(seed000, findings)
    for name in ("leader", "member", "liaison"):
        with pytest.raises(NotAllowed, match="只有巡察办"):
            plan_decide(actor=user(name), plan=plan, approve=True)
    with pytest.raises(Invalid, match="退回时请写明审核意见"):
        plan_decide(actor=user("office"), plan=plan, approve=False)
    plan = plan_decide(actor=user("office"), plan=plan, approve=False, opinion="问题1的整改措施不够具体，请细化。")
    assert plan.state == PlanState.RETURNED and not RectificationItem.objects.filter(inspection=seed000).exists()
    assert Notification.objects.filter(user=user("liaison"), key=f"plan-decided:{plan.pk}:1").exists()
    with pytest.raises(Conflict):
        plan_decide(actor=user("office"), plan=plan, approve=True)
    t = plan.tasks.first()
    assert t is not None
    plan_task_update(actor=user("liaison"), task=t, data=task(t.finding, measures="细化后的措施"))
    plan = plan_submit(actor=user("liaison"), inspection=seed000)
    assert plan.submissions == 2 and [r.action for r in plan.reviews.all()] == ["submit", "return", "submit"]


def test_approval_turns_every_task_into_a_ledger_item(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    plan = approved_plan(seed000, findings)
    assert plan.state == PlanState.APPROVED and plan.decided_by == user("office")
    items = list(RectificationItem.objects.filter(inspection=seed000).order_by("number"))
    tasks = list(plan.tasks.order_by("finding__number", "id"))
    assert [i.number for i in items] == [1, 2, 3]
    for t, item in zip(tasks, items, strict=True):
        assert t.item == item
        assert (item.finding_id, item.measures, item.responsible_leader, item.responsible_dept, item.deadline, item.long_term) == (
            t.finding_id, t.measures, t.responsible_leader, t.responsible_dept, t.deadline, t.long_term)
        assert item.status == ItemStatus.NOT_STARTED
    assert items[1].long_term and items[1].deadline is None
    event = AuditEvent.objects.get(action="rectification_plan.approve")
    assert event.actor == user("office") and event.data["items"] == [i.pk for i in items]
    # Approved: frozen.
    with pytest.raises(Conflict):
        plan_task_add(actor=user("liaison"), inspection=seed000, data=task(findings[0]))
    with pytest.raises(Conflict):
        plan_decide(actor=user("office"), plan=plan, approve=True)
    assert Notification.objects.filter(user=user("leader"), key=f"plan-decided:{plan.pk}:1").exists()


def test_the_api_form_replaces_all_tasks_at_once(seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    liaison = user("liaison")
    plan_task_add(actor=liaison, inspection=seed000, data=task(findings[0]))
    with pytest.raises(Invalid) as exc:
        plan_save(actor=liaison, inspection=seed000, tasks=[task(findings[0]), task(findings[1], task="")])
    assert exc.value.messages == ["第2项任务：请填写整改任务。"]
    plan = plan_save(actor=liaison, inspection=seed000, summary="成立整改工作领导小组。", tasks=[task(findings[1]), task(findings[0])])
    assert plan.summary == "成立整改工作领导小组。" and plan.tasks.count() == 2


def test_the_due_dates_follow_the_settings(settings: Any) -> None:
    assert plan_due_for(FEEDBACK_ON) == dt.date(2024, 11, 30)
    assert report_due_for(FEEDBACK_ON) == dt.date(2024, 12, 31)
    with override_settings(RECTIFICATION_PLAN_WORKING_DAYS=20, FEEDBACK_REPORT_WORKING_DAYS=40):
        cal = calendar_get()
        assert plan_due_for(FEEDBACK_ON) == cal.add_working_days_after(FEEDBACK_ON, 20) == dt.date(2024, 11, 28)
        assert report_due_for(FEEDBACK_ON) == cal.add_working_days_after(FEEDBACK_ON, 40)
