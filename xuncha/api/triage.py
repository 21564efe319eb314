"""Staff triage API: the team's work queue, classification and label confirmation, dispositions.

Access is the selectors' and the services' (xuncha.access): only the team of an inspection sees its
reports; anything else is a 404. Refusals are xuncha.errors, answered once by xuncha.api.api
(404/403/400/409 with {"detail": ..., "errors": [...]}). Reporter identity never appears here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from xuncha.access import actor_of
from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.errors import Invalid, NotFound
from xuncha.inspections.models import Inspection, ReceivingBody
from xuncha.intake.models import Report
from xuncha.intake.selectors import report_get
from xuncha.paging import paginate
from xuncha.triage.bulk import reports_bulk
from xuncha.triage.models import Disposition, DispositionKind, Triage
from xuncha.triage.selectors import QueueFilters, disposition_get, first_line, groups_for, queue, queue_rows
from xuncha.triage.services import disposition_decide, disposition_propose, labels_confirm, triage_for

from .intake import ErrorsOut, SubjectOut
from .intake import router as intake_router
from .schemas import enum_of, range_of

TAGS = ["研判处置"]
router = Router(tags=TAGS)

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200

FILTER_NAMES = {
    "status": "状态", "channel": "渠道", "discipline": "违反纪律", "focus": "聚焦领域", "category": "被反映人类别",
    "scope": "受理范围", "window": "受理期", "real_name": "实名", "pending": "待审批", "sort": "排序", "group": "重复组",
    "todo": "待办",
}


# --- schemas ----------------------------------------------------------------------------------------


def _choice(name: str, default: str, description: str) -> Any:
    """A queue filter, documented with the values it takes ("" = no filter); a wrong value is a 400 naming it."""
    values = QueueFilters.allowed_values(name) or []
    return Field(default, description=description, json_schema_extra=enum_of(["", *values] if default == "" else values))


class QueueQuery(Schema):
    q: str = Field("", description="全文检索（中文按双字切分，可多个词，空格分隔）")
    discipline: str = _choice("discipline", "", "违反纪律代码：political、organizational、integrity、mass、work、life")
    focus: str = _choice("focus", "", "聚焦领域代码：policy、corruption、party_building、rectification")
    status: str = _choice("status", "", "状态：registered、accepted、referred、transferred、filed、closed")
    channel: str = _choice("channel", "", "渠道类型，如 phone、email、post、letterbox、visit、online")
    scope: str = _choice("scope", "", "受理范围：pending、in、out、out_of_window")
    window: str = _choice("window", "", "受理期：in 期内、out 期外")
    real_name: str = _choice("real_name", "", "yes 实名、no 匿名")
    category: str = _choice("category", "", "被反映人类别：leadership、subordinate_head、key_post、other、unsure")
    group: str = Field("", description="重复组号，或 any（属于任一重复组）")
    pending: str = _choice("pending", "", "yes：有待审批的处置意见")
    todo: str = Field("", description="待办事项的筛选：triage 分类未确认、returned 本人被退回的处置意见",
                      json_schema_extra=enum_of(["", "triage", "returned"]))
    sort: str = _choice("sort", "new", "new 最新在前、old 最早在前、number、-number")
    page: int = Field(1, description="页码，从 1 开始", json_schema_extra=range_of(1, MAX_PAGE))
    page_size: int = Field(50, description=f"每页件数，1 到 {MAX_PAGE_SIZE}", json_schema_extra=range_of(1, MAX_PAGE_SIZE))


class QueueItemOut(Schema):
    id: int
    reference: str
    excerpt: str = Field(..., description="反映内容的第一行（截断，不含反映人身份）")
    received_at: dt.datetime
    channel_kind: str
    status: str
    anonymous: bool
    in_window: bool
    subjects: list[SubjectOut]
    disciplines: list[str]
    focuses: list[str]
    labels_confirmed: bool
    scope: str | None
    group_key: int | None
    group_size: int


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    page: int
    page_size: int
    has_next: bool
    count: int | None
    count_capped: bool


class ArticleOut(Schema):
    number: int
    label: str  # 第××条 of the 中国共产党纪律处分条例 (2023)
    title: str


class LabelOut(Schema):
    code: str
    label: str
    score: float
    evidence: list[str]
    proposed: bool
    article: ArticleOut | None = None  # disciplines: the article of the regulation the proposal rests on


class ConfirmedOut(Schema):
    disciplines: list[str]
    focuses: list[str]
    confirmed_at: dt.datetime | None


class ClassificationOut(Schema):
    report: int
    disciplines: list[LabelOut]
    focuses: list[LabelOut]
    confirmed: ConfirmedOut | None
    model_id: str


class LabelsIn(Schema):
    disciplines: list[str] = []
    focuses: list[str] = []


class BodyOut(Schema):
    id: int
    name: str
    kind: str


class DispositionIn(Schema):
    kind: str = Field(..., json_schema_extra=enum_of(DispositionKind.values), description=(
        "accept 受理、refer 转办、transfer 移交、file 存查、close 了结"))
    reason: str = ""
    body_id: int | None = Field(None, description="接收单位编号（转办、移交时必填，见 /receiving-bodies）")
    approve: bool = Field(False, description="组长、副组长直接批准")


class BulkIn(Schema):
    action: str = Field(..., description="labels 按建议确认问题类别、scope 确认受理范围、disposition 提出处置意见、no_reply 标记无需答复")
    report_ids: list[int] = Field(..., description="信访件编号（id），一次最多 200 件")
    scope: str = Field("", description="scope 时必填：in、out、out_of_window")
    kind: str = Field("", description="disposition 时必填：accept、refer、transfer、file、close")
    body_id: int | None = Field(None, description="转办、移交时的接收单位")
    exempt: str = Field("", description="no_reply 时必填：无需答复原因代码")
    reason: str = Field("", description="理由或说明（scope、disposition 必填）")


class RefusedOut(Schema):
    id: int
    reference: str
    reason: str


class BulkOut(Schema):
    action: str
    done: list[int]
    refused: list[RefusedOut]
    message: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class DispositionOut(Schema):
    id: int
    report: int
    report_status: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    body: BodyOut | None
    reason: str
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


# --- helpers ----------------------------------------------------------------------------------------


def filters_problem(params: QueueQuery) -> tuple[QueueFilters, str]:
    """The queue filters of the request, and a Chinese message if a value is invalid ('' if all are valid)."""
    filters = QueueFilters.from_query(params.dict())
    bad = [name for name in FILTER_NAMES if name != "group" and not filters.is_valid_value(name)]
    if filters.group and filters.group != "any" and not filters.group.isdigit():
        bad.append("group")
    if bad:
        return filters, "；".join(f"筛选条件“{FILTER_NAMES[n]}”（{n}）的取值“{getattr(filters, n)}”无效" for n in bad) + "。"
    if not 1 <= params.page <= MAX_PAGE:
        return filters, f"页码应在 1 到 {MAX_PAGE} 之间。"
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        return filters, f"每页件数应在 1 到 {MAX_PAGE_SIZE} 之间。"
    return filters, ""


def _item_out(report: Report, group_sizes: dict[int, int]) -> dict[str, object]:
    triage: Triage | None = getattr(report, "triage", None)  # None: not triaged yet
    key = triage.group_key if triage is not None else None
    return {
        "id": report.pk, "reference": report.reference, "excerpt": first_line(getattr(report, "excerpt_head", "")),
        "received_at": report.received_at, "channel_kind": report.channel_kind,
        "status": report.status, "anonymous": report.anonymous, "in_window": report.in_window,
        "subjects": [{"name": s.name, "post": s.post, "category": s.category} for s in report.subjects.all()],
        "disciplines": triage.discipline_codes if triage else [], "focuses": triage.focus_codes if triage else [],
        "labels_confirmed": bool(triage and triage.labels_confirmed), "scope": triage.scope if triage else None,
        "group_key": key, "group_size": group_sizes.get(key, 1) if key is not None else 1,
    }


def _labels_out(entries: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, object]]:
    return [{"code": e["code"], "label": labels.get(e["code"], e["code"]), "score": float(e.get("score", 0.0)),
             "evidence": list(e.get("evidence", [])), "proposed": bool(e.get("proposed")),
             **({"article": e["article"]} if e.get("article") else {})} for e in entries]


def classification_out(triage: Triage) -> dict[str, object]:
    proposal = triage.proposal or {}
    confirmed = None
    if triage.labels_confirmed:
        confirmed = {"disciplines": triage.discipline_codes, "focuses": triage.focus_codes, "confirmed_at": triage.labels_confirmed_at}
    return {"report": triage.pk, "disciplines": _labels_out(proposal.get("disciplines", []), DISCIPLINE_LABELS),
            "focuses": _labels_out(proposal.get("focuses", []), FOCUS_LABELS), "confirmed": confirmed, "model_id": triage.model_id}


def _body_out(body: ReceivingBody | None) -> dict[str, object] | None:
    return None if body is None else {"id": body.pk, "name": body.name, "kind": body.kind}


def disposition_out(d: Disposition) -> dict[str, object]:
    report_status = Report.objects.filter(pk=d.report_id).values_list("status", flat=True).first() or ""
    return {
        "id": d.pk, "report": d.report_id, "report_status": report_status, "kind": d.kind, "kind_label": d.get_kind_display(),
        "state": d.state, "state_label": d.get_state_display(), "body": _body_out(d.body), "reason": d.reason,
        "proposed_at": d.proposed_at, "decided_at": d.decided_at, "decision_note": d.decision_note,
    }


# --- endpoints --------------------------------------------------------------------------------------


# The queue shares its path with the intake router's POST (register a report). django-ninja makes one URL
# pattern per router and path, so a GET on another router would be shadowed (405): it joins that router.
@intake_router.get("/inspections/{inspection_id}/reports", response={200: QueuePageOut, 400: ErrorsOut, 404: ErrorsOut}, tags=TAGS)
def report_queue(request: AuthedRequest, inspection_id: int, params: Query[QueueQuery]) -> dict[str, object]:
    """The team's reports of one inspection, filtered and sorted, one page at a time (no reporter identity).

    `count` is exact up to 10,000 matching reports; beyond it is null and `count_capped` is true.
    The read is audited."""
    inspection = Inspection.objects.filter(pk=inspection_id).select_related("team", "target").first()
    if inspection is None:
        raise NotFound
    filters, problem = filters_problem(params)
    qs = queue(user=request.user, inspection=inspection, filters=filters)  # 404 unless the caller's team holds it; lazy
    if problem:
        raise Invalid(problem)
    page = paginate(qs, params.page, params.page_size, wide=queue_rows)
    rows = page.items
    sizes = {key: group.size for key, group in groups_for(rows).items()}
    used = {k: v for k, v in params.dict().items() if v and k not in ("page", "page_size")}
    audit_record(actor=request.user, action="report.list", obj=inspection, request=request,
                 summary=f"接口查看信访件列表：{inspection}（第{params.page}页）", data={"filters": used, "page": params.page})
    return {
        "items": [_item_out(r, sizes) for r in rows],
        "page": params.page, "page_size": params.page_size, "has_next": page.has_next,
        "count": None if page.capped else page.count, "count_capped": page.capped,
    }


@router.get("/reports/{report_id}/classification", response={200: ClassificationOut, 404: ErrorsOut})
def report_classification(request: AuthedRequest, report_id: int) -> dict[str, object]:
    """The proposed disciplines and focuses with their evidence phrases, and the team's confirmed labels.
    Computed now if the background triage has not run yet. The read is audited."""
    report = report_get(user=request.user, pk=report_id)
    triage = triage_for(report)
    audit_record(actor=request.user, action="report.view", obj=report, request=request,
                 summary=f"接口查看信访件 {report.reference} 的分类建议", data={"part": "classification"})
    return classification_out(triage)


@router.put("/reports/{report_id}/labels", response={200: ClassificationOut, 400: ErrorsOut, 404: ErrorsOut})
def report_labels(request: AuthedRequest, report_id: int, payload: LabelsIn) -> dict[str, object]:
    """Confirm (or correct) the report's disciplines and focuses (codes); the scope is re-proposed."""
    report = report_get(user=request.user, pk=report_id)
    triage = labels_confirm(actor=request.user, report=report, disciplines=payload.disciplines, focuses=payload.focuses,
                            request=request)
    return classification_out(triage)


@router.post("/reports/{report_id}/disposition", response={201: DispositionOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut})
def report_disposition(request: AuthedRequest, report_id: int, payload: DispositionIn) -> Status[dict[str, object]]:
    """Propose a disposition (受理/转办/移交/存查/了结). A team leader may approve it at once with `approve: true`;
    anyone else gets 403 for that."""
    report = report_get(user=request.user, pk=report_id)
    body = None
    if payload.body_id is not None:
        body = ReceivingBody.objects.filter(pk=payload.body_id).first()
        if body is None:
            raise Invalid("接收单位不存在。")
    disposition = disposition_propose(actor=request.user, report=report, kind=payload.kind, reason=payload.reason,
                                      body=body, approve=payload.approve, request=request)
    return Status(201, disposition_out(disposition))


@router.post("/dispositions/{disposition_id}/decision", response={200: DispositionOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut})
def disposition_decision(request: AuthedRequest, disposition_id: int, payload: DecisionIn) -> dict[str, object]:
    """The team leader approves (and so applies) or returns (with a note) a proposed disposition; the rest
    of the team gets 403."""
    disposition = disposition_get(user=request.user, pk=disposition_id)
    disposition = disposition_decide(actor=request.user, disposition=disposition, approve=payload.approve, note=payload.note,
                                     request=request)
    return disposition_out(disposition)


@router.post("/inspections/{inspection_id}/reports/bulk", response={200: BulkOut, 400: ErrorsOut, 404: ErrorsOut})
def reports_bulk_action(request: AuthedRequest, inspection_id: int, payload: BulkIn) -> dict[str, object]:
    """One action on several reports of the inspection, as on the workbench: each report is checked and
    audited on its own; those refused are listed with the reason (in `refused`), the others are done."""
    inspection = Inspection.objects.filter(pk=inspection_id).select_related("team", "target").first()
    if inspection is None:
        raise NotFound
    queue(user=request.user, inspection=inspection, filters=QueueFilters())  # 404 unless the caller's team holds it
    body = None
    if payload.body_id is not None:
        body = ReceivingBody.objects.filter(pk=payload.body_id).first()
        if body is None:
            raise Invalid("接收单位不存在。")
    if payload.action == "no_reply":
        params: dict[str, Any] = {"reason": payload.exempt, "note": payload.reason}
    else:
        params = {"scope": payload.scope, "kind": payload.kind, "body": body, "reason": payload.reason}
    result = reports_bulk(actor=request.user, inspection=inspection, report_ids=payload.report_ids,
                          action=payload.action, params=params, request=request)
    return {"action": result.action, "done": result.done, "message": result.message,
            "refused": [{"id": r.report_id, "reference": r.reference, "reason": r.reason} for r in result.refused]}


@router.get("/receiving-bodies", response=list[BodyOut])
def receiving_bodies(request: AuthedRequest) -> list[dict[str, object]]:
    """The bodies referrals and clues go to (for `body_id`): all of them for the office and inspection teams,
    a recipient's own bodies for a recipient, none for anyone else."""
    actor = actor_of(request.user)
    qs = ReceivingBody.objects.all()
    if not (actor.teams or actor.is_office):
        qs = qs.filter(pk__in=sorted(actor.bodies))
    return [_body_out(b) or {} for b in qs.order_by("kind", "name")]
