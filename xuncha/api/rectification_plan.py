"""Rectification plan and reports API (docs/api.md): the plan of an inspection (read; the liaison saves and
submits it whole; the office approves or returns it, approval creating the ledger's items) and the leadership
team's and principal's rectification reports (read; the liaison generates, edits and submits; the office
approves or returns).

Access is xuncha.rectification.access: the office, the inspection's team and the target's liaison read (the staff
see a plan or report once submitted); anyone else gets a 404. An act the reader may not do is a 403; a state that
does not allow it (already submitted, approved) a 409 — the one mapping of xuncha.errors in xuncha.api.api.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.errors import Conflict, NotFound
from xuncha.inspections.models import Inspection
from xuncha.rectification.access import is_liaison_of, ledger_inspection_get
from xuncha.rectification.models import RectificationReport, RectificationReview, ReportKind
from xuncha.rectification.selectors_plan import Due, plan_tasks, reports_of, target_rows, trail, visible_plan
from xuncha.rectification.services import (
    TaskData,
    plan_decide,
    plan_save,
    plan_submit,
    rectification_report_decide,
    rectification_report_generate,
    rectification_report_submit,
    rectification_report_update,
)

from .intake import ErrorsOut

router = Router(tags=["整改方案与整改报告"])


class TaskIn(Schema):
    finding_id: int = Field(..., description="反馈的问题（问题底稿 id）")
    task: str = Field(..., description="整改任务（300字以内）")
    measures: str = Field(..., description="整改措施")
    responsible_leader: str = Field(..., description="责任领导")
    responsible_department: str = Field(..., description="责任部门")
    deadline: dt.date | None = Field(None, description="完成时限；长期坚持的任务不填")
    long_term: bool = Field(False, description="长期坚持")


class PlanIn(Schema):
    items: list[TaskIn] = Field(..., description="整改方案的全部任务（替换已有的任务）；反馈的每个问题至少一项")
    summary: str | None = Field(None, description="总体安排（可不填）")
    submit: bool = Field(True, description="true：保存并报送巡察办审核；false：只保存草稿")


class DecisionIn(Schema):
    decision: Literal["approve", "return"] = Field(..., description="approve 审核通过，return 退回修改")
    opinion: str = Field("", description="审核意见（退回时必填，500字以内）")


class StepOut(Schema):
    step: str
    step_label: str
    by: str
    opinion: str
    at: dt.datetime


class TaskOut(Schema):
    id: int
    finding_id: int
    finding_number: int
    finding_title: str
    task: str
    measures: str
    responsible_leader: str
    responsible_department: str
    deadline: dt.date | None
    long_term: bool
    ledger_item: int | None


class DueOut(Schema):
    on: dt.date
    overdue_working_days: int
    due_soon: bool


class PlanOut(Schema):
    inspection: int
    status: str = Field(..., description="none 尚未报送（或无权看到草稿）、draft、submitted、returned、approved")
    status_label: str
    due: DueOut | None
    summary: str
    submissions: int
    opinion: str
    tasks: list[TaskOut]
    steps: list[StepOut]


class ReportIn(Schema):
    kind: Literal["leadership", "principal"] = Field(..., description="leadership 领导班子整改情况报告，principal 主要负责人组织落实整改情况报告")
    title: str | None = Field(None, description="标题；与 body 都不填时由整改台账生成草稿")
    body: str | None = Field(None, description="正文")
    regenerate: bool = Field(False, description="true：按整改台账重新生成草稿（替换正文）")
    submit: bool = Field(True, description="true：报送巡察办审核；false：只保存草稿")


class ReportDecisionIn(DecisionIn):
    kind: Literal["leadership", "principal"]


class ReportOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    body: str
    submissions: int
    opinion: str
    steps: list[StepOut]


class ReportsOut(Schema):
    inspection: int
    due: DueOut | None
    reports: list[ReportOut]


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


def _steps(rows: list[RectificationReview]) -> list[dict[str, Any]]:
    return [{"step": r.action, "step_label": r.get_action_display(), "by": str(r.by), "opinion": r.opinion, "at": r.at} for r in rows]


def _dues(inspection: Inspection) -> tuple[Due, Due] | None:
    rows = target_rows(inspections=Inspection.objects.filter(pk=inspection.pk), today=timezone.localdate())
    return (rows[0].plan_due, rows[0].report_due) if rows else None


def _due_out(due: Due | None) -> dict[str, Any] | None:
    return None if due is None else {"on": due.on, "overdue_working_days": due.overdue_days, "due_soon": due.soon}


def plan_out(user: User, inspection: Inspection) -> dict[str, Any]:
    plan = visible_plan(user=user, inspection=inspection)
    dues = _dues(inspection)
    tasks = [{"id": t.pk, "finding_id": t.finding_id, "finding_number": t.finding.number, "finding_title": t.finding.title,
              "task": t.task, "measures": t.measures, "responsible_leader": t.responsible_leader,
              "responsible_department": t.responsible_dept, "deadline": t.deadline, "long_term": t.long_term,
              "ledger_item": t.item_id} for t in plan_tasks(plan)]
    return {"inspection": inspection.pk, "status": plan.state if plan else "none",
            "status_label": plan.get_state_display() if plan else "尚未报送", "due": _due_out(dues[0] if dues else None),
            "summary": plan.summary if plan else "", "submissions": plan.submissions if plan else 0,
            "opinion": plan.opinion if plan else "", "tasks": tasks, "steps": _steps(trail(plan=plan))}


@router.get("/inspections/{inspection_id}/rectification-plan", response={200: PlanOut, 404: ErrorsOut})
def rectification_plan(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """整改方案：状态、报送期限（逾期的工作日数）、问题/任务/责任清单（批准后附台账事项 id）、报送和审核记录。
    巡察办和巡察组在报送后才看到方案。"""
    return plan_out(_actor(request), ledger_inspection_get(user=request.user, pk=inspection_id))


@router.post("/inspections/{inspection_id}/rectification-plan",
             response={200: PlanOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def rectification_plan_save(request: HttpRequest, inspection_id: int, payload: PlanIn) -> Status[dict[str, Any]]:
    """被巡察单位整改联络员保存整改方案（`items` 替换全部任务）并报送（`submit`，默认 true）。"""
    actor = _actor(request)
    inspection = ledger_inspection_get(user=actor, pk=inspection_id)
    tasks = [TaskData(finding_id=t.finding_id, task=t.task, measures=t.measures, responsible_leader=t.responsible_leader,
                      responsible_dept=t.responsible_department, deadline=t.deadline, long_term=t.long_term) for t in payload.items]
    plan_save(actor=actor, inspection=inspection, summary=payload.summary, tasks=tasks, request=request)
    if payload.submit:
        plan_submit(actor=actor, inspection=inspection, request=request)
    return Status(200, plan_out(actor, inspection))


@router.post("/inspections/{inspection_id}/rectification-plan/decision",
             response={200: PlanOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def rectification_plan_decision(request: HttpRequest, inspection_id: int, payload: DecisionIn) -> Status[dict[str, Any]]:
    """巡察办审核整改方案：approve 审核通过（每项任务生成整改台账的事项），return 退回修改（须写审核意见）。"""
    actor = _actor(request)
    inspection = ledger_inspection_get(user=actor, pk=inspection_id)
    plan = visible_plan(user=actor, inspection=inspection)
    if plan is None:
        raise Conflict("没有待审核的整改方案。")
    plan_decide(actor=actor, plan=plan, approve=payload.decision == "approve", opinion=payload.opinion, request=request)
    return Status(200, plan_out(actor, inspection))


def reports_out(user: User, inspection: Inspection) -> dict[str, Any]:
    found = reports_of(user=user, inspection=inspection)
    dues = _dues(inspection)
    reports = [{"id": r.pk, "kind": r.kind, "kind_label": r.get_kind_display(), "status": r.state, "status_label": r.get_state_display(),
                "title": r.title, "body": r.body, "submissions": r.submissions, "opinion": r.opinion,
                "steps": _steps(trail(report=r))} for k in ReportKind.values if (r := found.get(k)) is not None]
    return {"inspection": inspection.pk, "due": _due_out(dues[1] if dues else None), "reports": reports}


@router.get("/inspections/{inspection_id}/rectification-reports", response={200: ReportsOut, 404: ErrorsOut})
def rectification_reports(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """领导班子和主要负责人的整改情况报告：状态、正文、报送和审核记录，以及报送期限。巡察办和巡察组在报送后才看到。"""
    return reports_out(_actor(request), ledger_inspection_get(user=request.user, pk=inspection_id))


@router.post("/inspections/{inspection_id}/rectification-reports",
             response={200: ReportsOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def rectification_report_save(request: HttpRequest, inspection_id: int, payload: ReportIn) -> Status[dict[str, Any]]:
    """被巡察单位整改联络员起草并报送整改报告：尚无草稿（或 `regenerate`）时由整改台账生成；给出 `title`、`body` 时保存修改；
    `submit`（默认 true）报送巡察办审核。"""
    actor = _actor(request)
    inspection = ledger_inspection_get(user=actor, pk=inspection_id)
    report = RectificationReport.objects.filter(inspection=inspection, kind=payload.kind).first() if is_liaison_of(actor, inspection) else None
    if report is None or payload.regenerate:
        report = rectification_report_generate(actor=actor, inspection_id=inspection.pk, kind=payload.kind, request=request)
    if payload.title is not None or payload.body is not None:
        report = rectification_report_update(actor=actor, report=report, title=payload.title if payload.title is not None else report.title,
                                             body=payload.body if payload.body is not None else report.body, request=request)
    if payload.submit:
        rectification_report_submit(actor=actor, report=report, request=request)
    return Status(200, reports_out(actor, inspection))


@router.post("/inspections/{inspection_id}/rectification-reports/decision",
             response={200: ReportsOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def rectification_report_decision(request: HttpRequest, inspection_id: int, payload: ReportDecisionIn) -> Status[dict[str, Any]]:
    """巡察办审核整改报告：`kind` 哪一份，approve 审核通过，return 退回修改（须写审核意见）。"""
    actor = _actor(request)
    inspection = ledger_inspection_get(user=actor, pk=inspection_id)
    report = reports_of(user=actor, inspection=inspection).get(payload.kind)
    if report is None:
        raise Conflict("该整改报告尚未报送，没有待审核的报告。")
    rectification_report_decide(actor=actor, report=report, accept=payload.decision == "approve", opinion=payload.opinion,
                                request=request)
    return Status(200, reports_out(actor, inspection))
