"""Staff intake API: register a report received by any channel; read one (reporter masked)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.crypto import format_receipt_code
from xuncha.errors import Invalid
from xuncha.intake import services
from xuncha.intake.models import Report, SubjectCategory
from xuncha.intake.selectors import intake_inspection_get, report_get, reporter_masked

from .forms import FormOrJsonBody
from .schemas import enum_of

router = Router(tags=["信访受理"])


class ReporterIn(Schema):
    name: str
    phone: str = ""
    role: str = ""
    unit: str = ""
    email: str = ""
    address: str = ""
    id_number: str = ""


class SubjectIn(Schema):
    name: str
    post: str = ""
    category: str = Field("unsure", json_schema_extra=enum_of(SubjectCategory.values), description=(
                          "被反映人类别：leadership 领导班子成员、subordinate_head 下属单位主要负责人、key_post 重点岗位、other 其他、unsure 不确定"))


class StaffReportIn(Schema):
    channel: int
    received_at: dt.datetime
    content: str = ""
    postmarked_on: dt.date | None = None
    subjects: list[SubjectIn] = []
    reporter: ReporterIn | None = None


class AcceptanceOut(Schema):
    in_window: bool
    within_hours: bool | None
    reasons: list[str]


class SubjectOut(Schema):
    name: str
    post: str
    category: str


class StaffReportOut(Schema):
    id: int
    reference: str
    inspection: int
    channel: int | None
    channel_kind: str
    received_at: dt.datetime
    postmarked_on: dt.date | None
    content: str
    status: str
    anonymous: bool
    reporter: dict[str, str]
    subjects: list[SubjectOut]
    acceptance: AcceptanceOut
    receipt_notice_due: dt.date | None
    receipt_code: str | None = None
    content_machine_read: bool = False


class ErrorsOut(Schema):
    detail: str
    errors: list[str] = []


def report_out(report: Report, receipt_code: str | None = None) -> dict[str, object]:
    return {
        "id": report.pk, "reference": report.reference, "inspection": report.inspection_id, "channel": report.channel_id,
        "channel_kind": report.channel_kind, "received_at": report.received_at, "postmarked_on": report.postmarked_on,
        "content": report.content, "status": report.status, "anonymous": report.anonymous, "reporter": reporter_masked(report),
        "subjects": [{"name": s.name, "post": s.post, "category": s.category} for s in report.subjects.all()],
        "acceptance": {"in_window": report.in_window, "within_hours": report.within_hours, "reasons": report.acceptance_reasons},
        "receipt_notice_due": report.receipt_notice_due, "receipt_code": receipt_code,
        "content_machine_read": report.content_machine_read,
    }


def _user(request: HttpRequest) -> User:
    """The authenticated user (staff_auth: a bearer token or the session)."""
    return cast(User, request.user)


MULTIPART_BODY = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["channel", "received_at"],
    "properties": {
        "channel": {"type": "integer"}, "received_at": {"type": "string", "format": "date-time"},
        "postmarked_on": {"type": "string", "format": "date"}, "content": {"type": "string"},
        "subjects": {"type": "string", "description": "被反映人，JSON 数组文本，同 JSON 请求体的 subjects"},
        "reporter": {"type": "string", "description": "实名反映人，JSON 对象文本，同 JSON 请求体的 reporter"},
        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "附件，可重复"},
    }}}}}}


@router.post("/inspections/{inspection_id}/reports", response={201: StaffReportOut, 400: ErrorsOut, 404: ErrorsOut},
             openapi_extra=MULTIPART_BODY)
def staff_report_create(request: HttpRequest, inspection_id: int,
                        payload: Annotated[StaffReportIn, FormOrJsonBody(...)]) -> Status[dict[str, object]]:
    """Register a report received by phone, post, letterbox, visit, email or SMS (the team of the inspection only).

    The body is JSON, or multipart/form-data with the same fields and the files in `attachments` (repeatable):
    a letter registered with its scan and no content is accepted, its content is filled from the OCR when
    that finishes (flagged machine-read until a member confirms it).
    The reporter is optional (absent: anonymous) and is returned masked. The receipt code is returned once.
    Refusals are the API's one mapping of the domain error (400 with the Chinese messages, 404)."""
    inspection = intake_inspection_get(user=_user(request), pk=inspection_id)
    channel = inspection.channels.filter(pk=payload.channel).prefetch_related("hours").first()
    if channel is None:
        raise Invalid("受理渠道不属于该巡察任务。")
    reporter = services.ReporterData(**payload.reporter.dict()) if payload.reporter else None
    result = services.report_register(actor=_user(request), request=request, data=services.ReportInput(
        inspection=inspection, content=payload.content, kind=channel.kind, channel=channel,
        received_at=payload.received_at, postmarked_on=payload.postmarked_on, reporter=reporter,
        subjects=[services.SubjectData(**s.dict()) for s in payload.subjects],
        files=request.FILES.getlist("attachments") if request.content_type == "multipart/form-data" else []))
    return Status(201, report_out(result.report, format_receipt_code(result.receipt_code).replace(" ", "")))


@router.get("/reports/{report_id}", response={200: StaffReportOut, 404: ErrorsOut})
def staff_report_detail(request: HttpRequest, report_id: int) -> dict[str, object]:
    """One report (the team of its inspection only); the reporter is masked. The read is audited."""
    report = report_get(user=_user(request), pk=report_id)
    audit_record(actor=request.user, action="report.view", obj=report, request=request, summary=f"接口查看信访件 {report.reference}")
    return report_out(report)
