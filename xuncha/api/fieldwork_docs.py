"""Document requests (调阅资料) and findings with their evidence, over the same selectors and services as
the pages. The team writes requests and findings; the target's liaison reads the requests sent to their
organisation and delivers items (multipart files, or JSON for paper or a refusal); the office and
everyone else get a 404. A finding is the team's only; its evidence is resolved for the caller."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import Invalid, NotFound
from xuncha.fieldwork import selectors_documents as sel
from xuncha.fieldwork import services_documents as docs
from xuncha.fieldwork.models.documents import DocumentItem, DocumentRequest
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_for, calendar_of
from xuncha.rectification.access import team_inspection_get
from xuncha.rectification.evidence_reads import evidence_rows, review_trail
from xuncha.rectification.models import Finding
from xuncha.rectification.selectors import finding_get
from xuncha.rectification.services import Cite, FindingData, finding_create

from .intake import ErrorsOut
from .schemas import enum_of, range_of

router = Router(tags=["调阅资料与问题底稿"])


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


# --- document requests -------------------------------------------------------------------------

class ItemIn(Schema):
    name: str = Field(..., description="资料名称（200字以内）")
    period: str = Field("", description="所属期间，如 2023年")
    form: str = Field("copy", description="形式：original 原件、copy 复印件、electronic 电子版", json_schema_extra=enum_of(DocumentItem.Form.values))


class RequestIn(Schema):
    items: list[ItemIn] = Field(..., description=f"资料清单，1 到 {docs.MAX_ITEMS} 项")
    due_days: int = Field(..., description="报送期限：发出后的工作日数", json_schema_extra=range_of(1, docs.MAX_DUE_DAYS))
    sensitive: bool = Field(False, description="涉及敏感资料：须组长批准后才发给联络员")
    purpose: str = Field("", description="说明（300字以内）")


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ItemOut(Schema):
    id: int
    number: int
    name: str
    period: str
    form: str
    state: str
    state_label: str
    delivered_at: dt.datetime | None
    handed_over_on: dt.date | None
    handed_over_by: str
    decline_reason: str
    kept_at: str
    returned_on: dt.date | None
    files: list[FileOut]


class RequestOut(Schema):
    id: int
    inspection: int
    number: int
    purpose: str
    sensitive: bool
    due_days: int
    state: str
    state_label: str
    sent_at: dt.datetime | None
    due_on: dt.date | None
    overdue_working_days: int
    items: list[ItemOut]


def _item_out(i: DocumentItem) -> dict[str, Any]:
    return {"id": i.pk, "number": i.number, "name": i.name, "period": i.period, "form": i.form, "state": i.state,
            "state_label": i.get_state_display(), "delivered_at": i.delivered_at, "handed_over_on": i.handed_over_on,
            "handed_over_by": i.handed_over_by, "decline_reason": i.decline_reason, "kept_at": i.kept_at, "returned_on": i.returned_on,
            "files": [{"id": f.pk, "name": f.original_name, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
                      for f in i.files.all()]}


def _request_out(req: DocumentRequest, calendar: WorkdayCalendar | None = None) -> dict[str, Any]:
    """The request; overdue working days on `calendar` (that of the inspection's office, read when not given)."""
    calendar = calendar or calendar_for(req.inspection.office_id)
    return {"id": req.pk, "inspection": req.inspection_id, "number": req.number, "purpose": req.purpose, "sensitive": req.sensitive,
            "due_days": req.due_days, "state": req.state, "state_label": req.get_state_display(), "sent_at": req.sent_at,
            "due_on": req.due_on, "overdue_working_days": sel.overdue_days(req.due_on, timezone.localdate(), calendar),
            "items": [_item_out(i) for i in sel.request_items(req)]}


def _readable_inspection(user: Any, pk: int) -> Inspection:
    inspection = Inspection.objects.filter(pk=pk).first()
    if inspection is None or not (sel.is_team(user, inspection) or sel.is_liaison(user, inspection)):
        raise NotFound
    return inspection


@router.post("/inspections/{inspection_id}/document-requests", response={201: RequestOut, 400: ErrorsOut, 404: ErrorsOut})
def request_create(request: HttpRequest, inspection_id: int, payload: RequestIn) -> Status[dict[str, Any]]:
    """巡察组发出调阅资料通知。涉及敏感资料的（组员提出时）待组长批准后才发给联络员；`due_on` 从发出之日起按工作日计算。"""
    inspection = sel.team_inspection_get(user=request.user, pk=inspection_id)
    req = docs.document_request_create(actor=_actor(request), inspection=inspection, due_days=payload.due_days,
                                       items=[docs.ItemData(i.name, i.period, i.form) for i in payload.items],
                                       sensitive=payload.sensitive, purpose=payload.purpose, request=request)
    return Status(201, _request_out(sel.request_get(user=request.user, pk=req.pk)))


@router.get("/inspections/{inspection_id}/document-requests", response={200: list[RequestOut], 404: ErrorsOut})
def request_list(request: HttpRequest, inspection_id: int) -> list[dict[str, Any]]:
    """本巡察任务的调阅资料通知：巡察组看到全部；被巡察单位联络员只看到已发给本单位的。"""
    inspection = _readable_inspection(request.user, inspection_id)
    calendar = calendar_of(inspection)
    return [_request_out(r, calendar) for r in sel.request_list(user=request.user, inspection=inspection)[:500]]


@router.get("/document-requests/{request_id}", response={200: RequestOut, 404: ErrorsOut})
def request_detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """一份调阅资料通知及其各项资料的报送情况。"""
    return _request_out(sel.request_get(user=request.user, pk=request_id))


DELIVERY_OPENAPI = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "properties": {
            "on_paper": {"type": "boolean"}, "handed_over_on": {"type": "string", "format": "date"},
            "handed_over_by": {"type": "string"}, "decline_reason": {"type": "string"}}}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "资料文件"}}}},
    }},
}


def _delivery_body(request: HttpRequest) -> tuple[dict[str, Any], list[UploadedFile[bytes]]]:
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {}, request.FILES.getlist("files")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Invalid("请求体不是有效的 JSON。上传文件请用 multipart/form-data（files 字段）。") from None
    if not isinstance(data, dict):
        raise Invalid("请求体应为 JSON 对象，如 {\"on_paper\": true, \"handed_over_on\": \"2026-11-20\", \"handed_over_by\": \"王某\"}。")
    return data, []


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid("handed_over_on 应为日期，如 2026-11-20。") from None


@router.post("/document-requests/{request_id}/items/{item_id}/delivery",
             response={201: RequestOut, 400: ErrorsOut, 404: ErrorsOut}, openapi_extra=DELIVERY_OPENAPI)
def item_delivery(request: HttpRequest, request_id: int, item_id: int) -> Status[dict[str, Any]]:
    """被巡察单位联络员报送一项资料：multipart/form-data 上传文件（files 字段，可多个）；或 JSON
    `{"on_paper": true, "handed_over_on", "handed_over_by"}` 纸质移交；或 `{"decline_reason"}` 说明无法提供。"""
    item = sel.item_get(user=request.user, pk=item_id)
    if item.request_id != request_id:
        raise NotFound
    data, files = _delivery_body(request)
    on_paper = data.get("on_paper") is True
    docs.document_item_deliver(actor=_actor(request), item=item, files=files, on_paper=on_paper,
                               handed_over_on=_date(data.get("handed_over_on")) if on_paper else None,
                               handed_over_by=str(data.get("handed_over_by") or "")[:100],
                               decline_reason=str(data.get("decline_reason") or "")[:400], request=request)
    return Status(201, _request_out(sel.request_get(user=request.user, pk=request_id)))


# --- findings ----------------------------------------------------------------------------------

class CiteIn(Schema):
    kind: str = Field(..., description=("证据种类：report 信访件、interview 谈话记录、document 调阅资料、"
                                        "visit 走访座谈、meeting 组务会（以已登记的种类为准）"))
    id: int = Field(..., ge=1, le=2**53, description="对象编号（ID）")
    page: int | None = Field(None, ge=1, le=100_000, description="页码（调阅资料）")
    note: str = Field("", description="说明（200字以内）")


class FindingIn(Schema):
    title: str
    facts: str
    rule: str = Field("", description="违反的规定（提交审核时必填）")
    focus: str = Field("", description="聚焦领域代码（提交审核时必填）")
    disciplines: list[str] = Field([], description="违反纪律代码")
    evidence: list[CiteIn] = Field([], description="证据清单")


class EvidenceOut(Schema):
    kind: str
    id: int
    page: int | None
    note: str
    label: str
    url: str


class ReviewOut(Schema):
    step: str
    decision: str
    opinion: str
    by: str
    at: dt.datetime


class FindingOut(Schema):
    id: int
    inspection: int
    number: int
    title: str
    facts: str
    rule: str
    focus: str
    disciplines: list[str]
    state: str
    state_label: str
    reports: list[int]
    leads: list[int]
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]


def _finding_out(user: User, finding: Finding) -> dict[str, Any]:
    return {"id": finding.pk, "inspection": finding.inspection_id, "number": finding.number, "title": finding.title,
            "facts": finding.facts, "rule": finding.rule_broken, "focus": finding.focus, "disciplines": list(finding.disciplines),
            "state": finding.state, "state_label": finding.get_state_display(),
            "reports": sorted(finding.reports.values_list("pk", flat=True)), "leads": sorted(finding.leads.values_list("pk", flat=True)),
            "evidence": [{"kind": e.row.kind, "id": e.row.object_id, "page": e.row.page, "note": e.row.note, "label": e.label, "url": e.url}
                         for e in evidence_rows(user=user, finding=finding)],
            "reviews": [{"step": r.step, "decision": r.decision, "opinion": r.opinion, "by": str(r.by), "at": r.at}
                        for r in review_trail(finding)]}


@router.post("/inspections/{inspection_id}/findings", response={201: FindingOut, 400: ErrorsOut, 404: ErrorsOut})
def finding_new(request: HttpRequest, inspection_id: int, payload: FindingIn) -> Status[dict[str, Any]]:
    """起草问题底稿（草稿只需 title、facts）；`evidence` 中每项须是本巡察任务中调用者可见的对象，否则 400。"""
    user = _actor(request)
    inspection = team_inspection_get(user=user, pk=inspection_id)
    data = FindingData(title=payload.title, facts=payload.facts, rule_broken=payload.rule, focus=payload.focus,
                       disciplines=payload.disciplines, draft=True,
                       evidence=[Cite(c.kind[:20], c.id, c.page, c.note) for c in payload.evidence])
    finding = finding_create(actor=user, inspection=inspection, data=data, request=request)
    return Status(201, _finding_out(user, finding_get(user=user, pk=finding.pk)))


@router.get("/findings/{finding_id}", response={200: FindingOut, 404: ErrorsOut})
def finding_detail(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    """问题底稿及其证据清单（按调用者可见的范围解析）和审批记录。本巡察组以外一律 404。"""
    user = _actor(request)
    return _finding_out(user, finding_get(user=user, pk=finding_id))
