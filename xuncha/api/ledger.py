"""Rectification ledger API: the ledger of an inspection (filtered, paginated, and as .xlsx), one item with
its progress history, the liaison's progress reports, and sign-off or return by the office or the team leader.

Access is xuncha.rectification.access: the office, the inspection's team and the target's liaison read the
ledger; anyone else gets a 404. An action the reader may not take (a member signing off, the team reporting
progress) is a 403. The services' refusals are answered by the one mapping of xuncha.errors in xuncha.api.api.
No finding facts or evidence, report or reporter appears here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from xuncha import documents
from xuncha.accounts.models import User
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import Invalid, NotFound
from xuncha.inspections.selectors import calendar_of
from xuncha.paging import paginate
from xuncha.rectification.models import ItemStatus, ProgressReport, RectificationItem
from xuncha.rectification.selectors import (
    LedgerFilters,
    is_overdue,
    item_get,
    item_history,
    ledger_export_allowed,
    ledger_items,
    overdue_working_days,
)
from xuncha.rectification.services import (
    PROGRESS_STATUSES,
    item_return,
    item_sign_off,
    ledger_xlsx_export,
    progress_report,
)

from .intake import ErrorsOut
from .schemas import enum_of, range_of

router = Router(tags=["整改台账"])

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200


class LedgerQuery(Schema):
    status: str = Field("", json_schema_extra=enum_of(["", *ItemStatus.values]), description=(
        "状态：not_started 未启动、in_progress 整改中、done 已完成、signed_off 已销号、long_term 长期坚持"))
    overdue: bool = Field(False, description="true：只看逾期（超过完成时限、仍未启动或整改中）")
    dept: str = Field("", description="责任部门（包含该文字）")
    page: int = Field(1, description="页码，从 1 开始", json_schema_extra=range_of(1, MAX_PAGE))
    page_size: int = Field(50, description=f"每页项数，1 到 {MAX_PAGE_SIZE}", json_schema_extra=range_of(1, MAX_PAGE_SIZE))


class LedgerItemOut(Schema):
    id: int
    inspection: int
    number: int
    finding: int
    finding_number: int
    finding_title: str
    measures: str
    responsible_leader: str
    responsible_dept: str
    deadline: dt.date | None
    long_term: bool
    status: str
    status_label: str
    progress: str
    returned_reason: str
    overdue: bool
    overdue_working_days: int
    has_evidence: bool
    signed_off_at: dt.datetime | None
    updated_at: dt.datetime


class LedgerPageOut(Schema):
    items: list[LedgerItemOut]
    page: int
    page_size: int
    has_next: bool
    count: int | None
    count_capped: bool


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ProgressOut(Schema):
    id: int
    text: str
    status: str
    status_label: str
    by: str
    at: dt.datetime
    files: list[EvidenceOut]


class LedgerItemDetailOut(LedgerItemOut):
    progress_reports: list[ProgressOut]


class ReturnIn(Schema):
    reason: str = Field(..., description="退回原因（必填，300字以内）")


def item_out(item: RectificationItem, today: dt.date, calendar: WorkdayCalendar) -> dict[str, Any]:
    overdue = is_overdue(item, today)
    return {
        "id": item.pk, "inspection": item.inspection_id, "number": item.number, "finding": item.finding_id,
        "finding_number": item.finding.number, "finding_title": item.finding.title, "measures": item.measures,
        "responsible_leader": item.responsible_leader, "responsible_dept": item.responsible_dept,
        "deadline": None if item.long_term else item.deadline, "long_term": item.long_term, "status": item.status,
        "status_label": item.get_status_display(), "progress": item.progress, "returned_reason": item.returned_reason,
        "overdue": overdue, "overdue_working_days": overdue_working_days(item.deadline, today, calendar) if overdue and item.deadline else 0,
        "has_evidence": bool(getattr(item, "has_evidence", False)), "signed_off_at": item.signed_off_at, "updated_at": item.updated_at,
    }


def progress_out(report: ProgressReport) -> dict[str, Any]:
    return {"id": report.pk, "text": report.text, "status": report.status, "status_label": report.get_status_display(),
            "by": str(report.by), "at": report.at,
            "files": [{"id": f.pk, "name": f.original_name, "content_type": f.content_type, "size": f.size, "sha256": f.sha256,
                       "uploaded_at": f.uploaded_at} for f in report.files.all()]}


def detail_out(item: RectificationItem) -> dict[str, Any]:
    out = item_out(item, timezone.localdate(), calendar_of(item.inspection))
    out["progress_reports"] = [progress_out(r) for r in item_history(item)]
    return out


def _actor(request: HttpRequest) -> User:
    """The authenticated caller (staff_auth has let only a user through)."""
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


@router.get("/inspections/{inspection_id}/ledger", response={200: LedgerPageOut, 400: ErrorsOut, 404: ErrorsOut})
def ledger(request: HttpRequest, inspection_id: int, params: Query[LedgerQuery]) -> Status[dict[str, Any]]:
    """整改台账：按序号排列，可按状态、逾期、责任部门筛选，分页。`count` 超过 10,000 时为 null，`count_capped` 为 true。"""
    inspection = ledger_export_allowed(user=request.user, inspection_id=inspection_id)  # 404 unless the caller may read it
    filters = LedgerFilters(status=params.status.strip(), overdue=params.overdue, dept=params.dept.strip()[:120])
    problems = filters.problems()
    if not 1 <= params.page <= MAX_PAGE:
        problems.append(f"页码应在 1 到 {MAX_PAGE} 之间。")
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        problems.append(f"每页项数应在 1 到 {MAX_PAGE_SIZE} 之间。")
    if problems:
        raise Invalid(problems)
    today = timezone.localdate()
    page = paginate(ledger_items(user=request.user, inspection=inspection, filters=filters, today=today), params.page, params.page_size)
    calendar = calendar_of(inspection)
    return Status(200, {"items": [item_out(i, today, calendar) for i in page.items], "page": params.page, "page_size": params.page_size,
                        "has_next": page.has_next, "count": None if page.capped else page.count, "count_capped": page.capped})


@router.get("/inspections/{inspection_id}/ledger.xlsx", response={200: None, 404: ErrorsOut})
def ledger_xlsx(request: HttpRequest, inspection_id: int) -> FileResponse:
    """整改台账 Excel 文件（序号、问题、整改措施、责任领导、责任部门、完成时限、进展情况、状态），流式下载；导出记入审计日志。"""
    inspection = ledger_export_allowed(user=request.user, inspection_id=inspection_id)
    stream, _count = ledger_xlsx_export(actor=_actor(request), inspection=inspection, via="接口", request=request)
    return FileResponse(stream, as_attachment=True, filename=f"整改台账-{inspection.target.name}.xlsx", content_type=documents.XLSX)


@router.get("/ledger-items/{item_id}", response={200: LedgerItemDetailOut, 404: ErrorsOut})
def ledger_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """一个整改事项及其全部进展报告（含佐证材料的文件信息）。"""
    return detail_out(item_get(user=request.user, pk=item_id))


PROGRESS_OPENAPI = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "required": ["text", "status"], "properties": {
            "text": {"type": "string"}, "status": {"type": "string", "enum": [s.value for s in PROGRESS_STATUSES]}}}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["text", "status"], "properties": {
            "text": {"type": "string"}, "status": {"type": "string", "enum": [s.value for s in PROGRESS_STATUSES]},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "佐证材料"}}}},
    }},
}


def _progress_body(request: HttpRequest) -> tuple[dict[str, Any], list[UploadedFile[bytes]], str]:
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {k: request.POST.get(k, "") for k in ("text", "status")}, request.FILES.getlist("files"), ""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}, [], "请求体不是有效的 JSON。请使用 application/json 或 multipart/form-data（附件放在 files 字段）。"
    if not isinstance(data, dict):
        return {}, [], "请求体应为 JSON 对象，如 {\"text\": \"……\", \"status\": \"in_progress\"}"
    return data, [], ""


@router.post("/ledger-items/{item_id}/progress", response={201: LedgerItemDetailOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut},
             openapi_extra=PROGRESS_OPENAPI)
def ledger_item_progress(request: HttpRequest, item_id: int) -> Status[dict[str, Any]]:
    """被巡察单位整改联络员报送进展：`text` 进展情况，`status` 为 in_progress、done 或 long_term；
    multipart/form-data 时可在 `files` 字段上传佐证材料（可多个）。"""
    item = item_get(user=request.user, pk=item_id)
    data, files, problem = _progress_body(request)
    if problem:
        raise Invalid(problem)
    progress_report(actor=_actor(request), item=item, text=str(data.get("text") or ""), status=str(data.get("status") or ""),
                    files=files, request=request)
    return Status(201, detail_out(item_get(user=request.user, pk=item_id)))


@router.post("/ledger-items/{item_id}/sign-off", response={200: LedgerItemDetailOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut})
def ledger_item_sign_off(request: HttpRequest, item_id: int) -> Status[dict[str, Any]]:
    """销号（巡察办或本巡察组组长、副组长）：事项须报送为已完成或长期坚持，且有佐证材料。"""
    item = item_get(user=request.user, pk=item_id)
    item_sign_off(actor=_actor(request), item=item, request=request)
    return Status(200, detail_out(item_get(user=request.user, pk=item_id)))


@router.post("/ledger-items/{item_id}/return", response={200: LedgerItemDetailOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut})
def ledger_item_return(request: HttpRequest, item_id: int, payload: ReturnIn) -> Status[dict[str, Any]]:
    """退回（巡察办或本巡察组组长、副组长）：写明原因，事项回到“整改中”，联络员可见退回原因。"""
    item = item_get(user=request.user, pk=item_id)
    item_return(actor=_actor(request), item=item, reason=payload.reason, request=request)
    return Status(200, detail_out(item_get(user=request.user, pk=item_id)))
