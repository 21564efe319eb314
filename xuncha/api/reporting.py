"""Inspection report API (巡察报告): the report of an inspection with its versions and review trail, its .docx
(with the approval trail), and a step's decision (组务会 by the team leader; 巡察办 and 领导小组 by the office).

Access is xuncha.reporting.access: the office and the inspection's team read; anyone else gets a 404. A
decision the caller may not take is a 403, a step that is not the pending one a 409. The services' refusals
are answered by the one mapping of xuncha.errors in xuncha.api.api.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from xuncha import documents
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.reporting.access import report_inspection_get
from xuncha.reporting.models import Decision, InspectionReport, Step
from xuncha.reporting.selectors import main_report_get, steps_of, versions_of
from xuncha.reporting.services import DecisionData, report_decide, report_docx_export
from xuncha.web import attachment

from .intake import ErrorsOut
from .schemas import enum_of

router = Router(tags=["巡察报告"])


class VersionOut(Schema):
    number: int
    note: str
    by: str
    at: dt.datetime
    approved: bool
    text: str


class StepOut(Schema):
    step: str
    step_label: str
    version: int
    by: str
    decision: str
    opinion: str
    minutes: str
    meeting_on: dt.date | None
    at: dt.datetime


class ReportOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    status_label: str
    approved_version: int | None
    versions: list[VersionOut]
    steps: list[StepOut]


class DecisionIn(Schema):
    step: str = Field(..., json_schema_extra=enum_of(Step.values),
                      description="环节：team_meeting 组务会（组长登记）、office 巡察办、leading_group 领导小组（巡察办登记）")
    decision: str = Field(..., json_schema_extra=enum_of(Decision.values), description="approve 同意、return 退回修改")
    opinion: str = Field("", description="意见（退回修改时必填，2000字以内）")
    minutes: str = Field("", description="会议纪要（领导小组环节必填，2000字以内）")
    meeting_on: dt.date | None = Field(None, description="会议日期")


def report_out(report: InspectionReport) -> dict[str, Any]:
    return {
        "id": report.pk, "kind": report.kind, "title": report.title, "status": report.state,
        "status_label": report.get_state_display(),
        "approved_version": report.approved_version.number if report.approved_version else None,
        "versions": [{"number": v.number, "note": v.note, "by": str(v.created_by), "at": v.created_at,
                      "approved": v.pk == report.approved_version_id, "text": v.text} for v in versions_of(report)],
        "steps": [{"step": s.step, "step_label": s.get_step_display(), "version": s.version.number, "by": str(s.by),
                   "decision": s.decision, "opinion": s.opinion, "minutes": s.minutes, "meeting_on": s.meeting_on, "at": s.at}
                  for s in steps_of(report)],
    }


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


def _report(request: HttpRequest, inspection_id: int) -> InspectionReport:
    inspection = report_inspection_get(user=request.user, pk=inspection_id)
    return main_report_get(user=request.user, inspection=inspection)


@router.get("/inspections/{inspection_id}/report", response={200: ReportOut, 404: ErrorsOut})
def report(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """巡察报告：状态、全部版本（正文、修改说明）、审批记录（组务会 → 巡察办 → 领导小组）。尚未起草时 404。"""
    return report_out(_report(request, inspection_id))


@router.get("/inspections/{inspection_id}/report.docx", response={200: None, 404: ErrorsOut})
def report_docx(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """巡察报告 Word 文件：审定后为审定版本，之前为最新的送审稿；附审批记录。导出记入审计日志。"""
    found = _report(request, inspection_id)
    content = report_docx_export(actor=_actor(request), report=found, via="接口", request=request)
    return attachment(content, documents.DOCX, f"巡察报告-{found.inspection.target.name}.docx")


@router.post("/inspections/{inspection_id}/report/decision",
             response={200: ReportOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def report_decision(request: HttpRequest, inspection_id: int, body: DecisionIn) -> dict[str, Any]:
    """登记一个环节的审核意见：同意（进入下一环节；领导小组同意即审定，审定版本不再修改）或退回修改（须写意见）。
    不是当前待审核的环节时 409；无权登记该环节时 403。"""
    found = _report(request, inspection_id)
    done = report_decide(actor=_actor(request), report=found, request=request, data=DecisionData(
        step=body.step, decision=body.decision, opinion=body.opinion, minutes=body.minutes, meeting_on=body.meeting_on))
    return report_out(done)
