"""Special report API (专题报告): the reports of an inspection on one matter (e.g. 选人用人, a clue needing urgent
action), drafted from chosen approved findings, following the 巡察报告's chain (组务会 → 巡察办 → 领导小组).

The same access as the 巡察报告 API (xuncha.reporting.access): the office and the inspection's team read, anyone
else gets a 404; drafting, editing and submitting are the team's (the office gets a 403); the 组务会 step is the
team leader's, the 巡察办 and 领导小组 steps the office's (403 otherwise); a step that is not the pending one is
a 409. The services' refusals are answered by the one mapping of xuncha.errors in xuncha.api.api.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from xuncha import documents
from xuncha.rectification.models import Finding
from xuncha.reporting.access import report_inspection_get
from xuncha.reporting.models import InspectionReport, ReportKind
from xuncha.reporting.selectors import special_report_get, special_reports_of
from xuncha.reporting.services import (
    DecisionData,
    report_create,
    report_decide,
    report_docx_export,
    report_revise,
    report_submit,
)
from xuncha.web import attachment

from .intake import ErrorsOut
from .reporting import DecisionIn, ReportOut, _actor, report_out

router = Router(tags=["专题报告"])


class FindingRef(Schema):
    id: int
    number: int
    title: str


class SpecialReportOut(ReportOut):
    number: int
    topic: str
    findings: list[FindingRef]


class SpecialIn(Schema):
    topic: str = Field(..., description="专题事项（60字以内），如：选人用人、需要立即处置的问题线索")
    finding_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        ..., max_length=500, description="专题报告涉及的问题（本巡察任务已审定的问题底稿 id，最多500个）")


class VersionIn(Schema):
    text: str = Field(..., description="报告正文（形成新的版本，之前的版本保留）")
    note: str = Field("", description="修改说明（300字以内）")


def special_out(report: InspectionReport) -> dict[str, Any]:
    return {**report_out(report), "number": report.number, "topic": report.topic,
            "findings": [{"id": f.pk, "number": f.number, "title": f.title} for f in report.findings.order_by("number")]}


def _special(request: HttpRequest, inspection_id: int, report_id: int) -> InspectionReport:
    inspection = report_inspection_get(user=request.user, pk=inspection_id)
    return special_report_get(user=request.user, inspection=inspection, pk=report_id)


@router.get("/inspections/{inspection_id}/special-reports", response={200: list[SpecialReportOut], 404: ErrorsOut})
def special_reports(request: HttpRequest, inspection_id: int) -> list[dict[str, Any]]:
    """本巡察任务的专题报告（按编号）：状态、全部版本、审批记录、涉及的问题。"""
    inspection = report_inspection_get(user=request.user, pk=inspection_id)
    return [special_out(r) for r in special_reports_of(user=request.user, inspection=inspection)
            .select_related("approved_version")]


@router.post("/inspections/{inspection_id}/special-reports",
             response={201: SpecialReportOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def special_report_create(request: HttpRequest, inspection_id: int, body: SpecialIn) -> Status[dict[str, Any]]:
    """本巡察组起草专题报告：由选定的已审定问题生成第1版。巡察办 403；未写专题事项、未选问题或选了未审定的问题 400。"""
    inspection = report_inspection_get(user=request.user, pk=inspection_id)
    # the service keeps only the inspection's approved findings among these ids and refuses any other
    findings = [Finding(pk=pk) for pk in body.finding_ids]
    report = report_create(actor=_actor(request), inspection=inspection, kind=ReportKind.SPECIAL, topic=body.topic,
                           findings=findings, request=request)
    return Status(201, special_out(report))


@router.get("/inspections/{inspection_id}/special-reports/{report_id}", response={200: SpecialReportOut, 404: ErrorsOut})
def special_report(request: HttpRequest, inspection_id: int, report_id: int) -> dict[str, Any]:
    """一份专题报告。不是本巡察任务的专题报告（包括巡察报告本身）404。"""
    return special_out(_special(request, inspection_id, report_id))


@router.get("/inspections/{inspection_id}/special-reports/{report_id}/report.docx", response={200: None, 404: ErrorsOut})
def special_report_docx(request: HttpRequest, inspection_id: int, report_id: int) -> HttpResponse:
    """专题报告 Word 文件（审定后为审定版本，之前为最新的送审稿），附审批记录；导出记入审计日志。"""
    found = _special(request, inspection_id, report_id)
    content = report_docx_export(actor=_actor(request), report=found, via="接口", request=request)
    return attachment(content, documents.DOCX, f"专题报告-{found.number}-{found.inspection.target.name}.docx")


@router.post("/inspections/{inspection_id}/special-reports/{report_id}/versions",
             response={201: SpecialReportOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def special_report_revise(request: HttpRequest, inspection_id: int, report_id: int, body: VersionIn) -> Status[dict[str, Any]]:
    """本巡察组修改正文，形成新版本（起草中或退回修改时；之后 409）。正文没有变化 400。"""
    found = _special(request, inspection_id, report_id)
    report_revise(actor=_actor(request), report=found, text=body.text, note=body.note, request=request)
    return Status(201, special_out(_special(request, inspection_id, report_id)))


@router.post("/inspections/{inspection_id}/special-reports/{report_id}/submit",
             response={200: SpecialReportOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def special_report_submit(request: HttpRequest, inspection_id: int, report_id: int) -> dict[str, Any]:
    """本巡察组把最新版本提交组务会审议（起草中或退回修改时；审核中、已审定 409）。"""
    found = _special(request, inspection_id, report_id)
    return special_out(report_submit(actor=_actor(request), report=found, request=request))


@router.post("/inspections/{inspection_id}/special-reports/{report_id}/decision",
             response={200: SpecialReportOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def special_report_decision(request: HttpRequest, inspection_id: int, report_id: int, body: DecisionIn) -> dict[str, Any]:
    """登记一个环节的审核意见，规则同巡察报告：组务会由组长登记，巡察办、领导小组由巡察办登记（否则 403）；
    不是当前待审核的环节 409；退回未写意见、领导小组未填会议纪要 400。"""
    found = _special(request, inspection_id, report_id)
    done = report_decide(actor=_actor(request), report=found, request=request, data=DecisionData(
        step=body.step, decision=body.decision, opinion=body.opinion, minutes=body.minutes, meeting_on=body.meeting_on))
    return special_out(done)
