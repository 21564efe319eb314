"""Writes of the rectification plan (整改方案), docs/architecture.md §6 "整改方案与整改报告": after the feedback the
target's liaison drafts the plan — for each problem of the feedback its tasks, each with measures, a responsible
leader and department and a deadline (or 长期坚持) — and submits it; the office returns it with an opinion (the
liaison edits and submits again) or approves it, and the approval turns every task into a ledger item.

Every function is keyword-only, checks its actor through xuncha.access (rectification.access), and writes its
audit event in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.documents import cn_date
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection

from ..access import can_read_ledger, can_review_plan, is_liaison_of
from ..models import Feedback, Finding, PlanState, PlanTask, RectificationItem, RectificationPlan, RectificationReview
from . import plan_events
from .common import lock_inspection
from .ledger import MAX_TEXT, deadline_text

EDITABLE = (PlanState.DRAFT, PlanState.RETURNED)
MAX_TASKS = 500
MAX_SUMMARY = 5000


@dataclass(frozen=True)
class TaskData:
    """One task of the plan, for one problem (finding) of the feedback."""

    finding_id: int
    task: str
    measures: str
    responsible_leader: str
    responsible_dept: str
    deadline: dt.date | None = None
    long_term: bool = False


def readable_inspection(actor: User, inspection_id: int) -> Inspection:
    """The inspection, for anyone who may read its ledger (NotFound for everyone else)."""
    found = Inspection.objects.select_related("team", "target", "round").filter(pk=inspection_id).first()
    if found is None or not can_read_ledger(actor, found):
        raise NotFound
    return found


def _liaison_inspection(actor: User, inspection_id: int) -> tuple[Inspection, Feedback]:
    """The inspection of the liaison's organisation and its feedback; the plan is written after the feedback."""
    inspection = readable_inspection(actor, inspection_id)
    if not is_liaison_of(actor, inspection):
        raise NotAllowed("只有被巡察单位的整改联络员可以制定和报送整改方案。")
    feedback = Feedback.objects.filter(inspection=inspection).first()
    if feedback is None:
        raise Conflict("巡察组尚未反馈，反馈后才能制定整改方案。")
    return inspection, feedback


def task_problems(data: TaskData, feedback: Feedback, *, label: str = "") -> list[str]:
    """Every problem of one task, each a sentence (prefixed by `label`, e.g. "第2项：", for a list)."""
    problems = []
    for value, name, limit in ((data.task, "整改任务", 300), (data.measures, "整改措施", MAX_TEXT),
                               (data.responsible_leader, "责任领导", 64), (data.responsible_dept, "责任部门", 120)):
        if not value.strip():
            problems.append(f"请填写{name}。")
        elif len(value.strip()) > limit:
            problems.append(f"{name}不能超过{limit}字。")
    if data.long_term and data.deadline is not None:
        problems.append("长期坚持的任务不填写完成时限。")
    elif not data.long_term and data.deadline is None:
        problems.append("请填写完成时限，或选择长期坚持。")
    elif data.deadline is not None and data.deadline < feedback.feedback_on:
        problems.append(f"完成时限不能早于反馈日期（{cn_date(feedback.feedback_on)}）。")
    if not feedback.findings.filter(pk=data.finding_id).exists():
        problems.append("所选问题不是本次巡察反馈的问题。")
    return [label + p for p in problems]


def _fields(data: TaskData) -> dict[str, object]:
    return {"finding_id": data.finding_id, "task": data.task.strip(), "measures": data.measures.strip(),
            "responsible_leader": data.responsible_leader.strip(), "responsible_dept": data.responsible_dept.strip(),
            "deadline": None if data.long_term else data.deadline, "long_term": data.long_term}


def _editable_plan(actor: User, inspection: Inspection) -> RectificationPlan:
    """The plan under a row lock, created as a draft the first time; Conflict once submitted or approved."""
    lock_inspection(inspection.pk)
    plan, _created = RectificationPlan.objects.get_or_create(inspection=inspection, defaults={"created_by": actor})
    if plan.state not in EDITABLE:
        raise Conflict(f"整改方案{plan.get_state_display()}，不能修改。")
    return plan


def plan_task_add(*, actor: User, inspection: Inspection, data: TaskData, request: HttpRequest | None = None) -> PlanTask:
    """The liaison adds a task to the draft plan (the plan is created with its first task)."""
    inspection, feedback = _liaison_inspection(actor, inspection.pk)
    problems = task_problems(data, feedback)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        plan = _editable_plan(actor, inspection)
        if plan.tasks.count() >= MAX_TASKS:
            raise Invalid(f"一个整改方案至多{MAX_TASKS}项任务。")
        task = PlanTask.objects.create(plan=plan, **_fields(data))
        audit_record(actor=actor, action="rectification_plan.task_add", obj=plan, request=request,
                     summary=f"整改方案新增任务（问题{task.finding.number}）：责任部门{task.responsible_dept}，"
                             f"完成时限{deadline_text(task.deadline, task.long_term)}",
                     data={"inspection": inspection.pk, "task": task.pk, "finding": data.finding_id})
    return task


def _own_task(actor: User, task: PlanTask) -> PlanTask:
    found = PlanTask.objects.select_related("plan__inspection").filter(pk=task.pk).first()
    if found is None or not is_liaison_of(actor, found.plan.inspection):
        raise NotFound
    return found


def plan_task_update(*, actor: User, task: PlanTask, data: TaskData, request: HttpRequest | None = None) -> PlanTask:
    """The liaison corrects a task of the draft (or returned) plan."""
    task = _own_task(actor, task)
    _inspection_, feedback = _liaison_inspection(actor, task.plan.inspection_id)
    problems = task_problems(data, feedback)
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        _editable_plan(actor, task.plan.inspection)
        task = PlanTask.objects.select_for_update().get(pk=task.pk)
        for name, value in _fields(data).items():
            setattr(task, name, value)
        task.save()
        audit_record(actor=actor, action="rectification_plan.task_update", obj=task.plan, request=request,
                     summary=f"修改整改方案的任务（问题{task.finding.number}）", data={"task": task.pk})
    return task


def plan_task_remove(*, actor: User, task: PlanTask, request: HttpRequest | None = None) -> None:
    """The liaison removes a task of the draft (or returned) plan."""
    task = _own_task(actor, task)
    _liaison_inspection(actor, task.plan.inspection_id)
    with transaction.atomic():
        plan = _editable_plan(actor, task.plan.inspection)
        number = task.finding.number
        PlanTask.objects.filter(pk=task.pk).delete()
        audit_record(actor=actor, action="rectification_plan.task_remove", obj=plan, request=request,
                     summary=f"删除整改方案的任务（问题{number}）", data={"task": task.pk})


def plan_save(*, actor: User, inspection: Inspection, summary: str | None = None, tasks: Sequence[TaskData] | None = None,
              request: HttpRequest | None = None) -> RectificationPlan:
    """The liaison saves the plan's overall arrangements (`summary`) and, when `tasks` is given, replaces all its
    tasks at once (the API's whole-plan form)."""
    inspection, feedback = _liaison_inspection(actor, inspection.pk)
    problems = []
    if summary is not None and len(summary.strip()) > MAX_SUMMARY:
        problems.append(f"总体安排不能超过{MAX_SUMMARY}字。")
    if tasks is not None:
        if len(tasks) > MAX_TASKS:
            problems.append(f"一个整改方案至多{MAX_TASKS}项任务。")
        for n, data in enumerate(tasks[:MAX_TASKS], start=1):
            problems += task_problems(data, feedback, label=f"第{n}项任务：")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        plan = _editable_plan(actor, inspection)
        if summary is not None:
            plan.summary = summary.strip()
            plan.save(update_fields=["summary", "updated_at"])
        if tasks is not None:
            plan.tasks.all().delete()
            PlanTask.objects.bulk_create([PlanTask(plan=plan, **_fields(t)) for t in tasks])
        audit_record(actor=actor, action="rectification_plan.save", obj=plan, request=request,
                     summary=f"保存整改方案（{inspection.target.name}）" + (f"，任务{len(tasks)}项" if tasks is not None else ""),
                     data={"inspection": inspection.pk, "tasks": None if tasks is None else len(tasks)})
    return plan


def plan_submit(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> RectificationPlan:
    """The liaison submits the plan to the office: every problem of the feedback has at least one task."""
    inspection, feedback = _liaison_inspection(actor, inspection.pk)
    with transaction.atomic():
        plan = _editable_plan(actor, inspection)
        tasks = list(plan.tasks.select_related("finding"))
        covered = {t.finding_id for t in tasks}
        missing = [f for f in feedback.findings.order_by("number") if f.pk not in covered]
        problems = [f"问题{f.number}（{f.title[:40]}）尚未制定整改任务。" for f in missing]
        # Deadlines are checked again: a task may have been written before the feedback date was corrected.
        problems += [p for n, t in enumerate(tasks, start=1) for p in task_problems(_data_of(t), feedback, label=f"第{n}项任务：")]
        if problems:
            raise Invalid(problems)
        plan.state, plan.submitted_at, plan.submissions = PlanState.SUBMITTED, timezone.now(), plan.submissions + 1
        plan.save(update_fields=["state", "submitted_at", "submissions", "updated_at"])
        RectificationReview.objects.create(plan=plan, action=RectificationReview.Action.SUBMIT, by=actor)
        audit_record(actor=actor, action="rectification_plan.submit", obj=plan, request=request,
                     summary=f"报送整改方案（{inspection.target.name}，第{plan.submissions}次），问题{len(covered)}个、任务{len(tasks)}项",
                     data={"inspection": inspection.pk, "tasks": len(tasks), "submissions": plan.submissions})
        plan_events.plan_submitted(inspection, plan)
    return plan


def _data_of(task: PlanTask) -> TaskData:
    return TaskData(finding_id=task.finding_id, task=task.task, measures=task.measures, responsible_leader=task.responsible_leader,
                    responsible_dept=task.responsible_dept, deadline=task.deadline, long_term=task.long_term)


def plan_decide(*, actor: User, plan: RectificationPlan, approve: bool, opinion: str = "",
                request: HttpRequest | None = None) -> RectificationPlan:
    """The office returns the submitted plan with an opinion, or approves it: every task becomes a ledger item
    (numbered after the ledger's last), linked back to its task."""
    inspection = readable_inspection(actor, plan.inspection_id)
    if not can_review_plan(actor, inspection):
        raise NotAllowed("只有巡察办可以审核整改方案。")
    opinion = opinion.strip()
    if not approve and not opinion:
        raise Invalid("退回时请写明审核意见。")
    if len(opinion) > 500:
        raise Invalid("审核意见不能超过500字。")
    with transaction.atomic():
        lock_inspection(inspection.pk)
        plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.SUBMITTED:
            raise Conflict(f"整改方案{plan.get_state_display()}，没有待审核的方案。")
        items: list[RectificationItem] = []
        if approve:
            number = RectificationItem.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0
            for task in plan.tasks.select_related("finding").order_by("finding__number", "id"):
                number += 1
                item = RectificationItem.objects.create(
                    inspection=inspection, finding=task.finding, number=number, measures=task.measures,
                    responsible_leader=task.responsible_leader, responsible_dept=task.responsible_dept,
                    deadline=task.deadline, long_term=task.long_term)
                task.item = item
                task.save(update_fields=["item"])
                items.append(item)
        plan.state = PlanState.APPROVED if approve else PlanState.RETURNED
        plan.decided_by, plan.decided_at, plan.opinion = actor, timezone.now(), opinion
        plan.save(update_fields=["state", "decided_by", "decided_at", "opinion", "updated_at"])
        action = RectificationReview.Action.APPROVE if approve else RectificationReview.Action.RETURN
        RectificationReview.objects.create(plan=plan, action=action, opinion=opinion, by=actor)
        verb = f"批准整改方案，生成整改事项{len(items)}项" if approve else "退回整改方案"
        audit_record(actor=actor, action="rectification_plan.approve" if approve else "rectification_plan.return", obj=plan,
                     request=request, summary=f"{verb}（{inspection.target.name}）" + (f"，意见：{opinion[:200]}" if opinion else ""),
                     data={"inspection": inspection.pk, "items": [i.pk for i in items]})
        plan_events.plan_decided(inspection, plan, len(items))
    return plan


def finding_choices(feedback: Feedback) -> list[Finding]:
    """The problems of the feedback, in order (what a task may be for)."""
    return list(feedback.findings.order_by("number"))
