"""The public API: report online and look up a receipt, without an account.

No authentication and no CSRF token (JSON clients, no cookies involved); rate limited per client
address exactly like the public web pages (settings.RATE_LIMIT_SUBMIT, settings.RATE_LIMIT_LOOKUP).
At its edge: a request from a browser page of another site (an Origin header that is not this site's,
settings.SITE_URL, or one of settings.PUBLIC_API_ORIGINS) is refused with 403; a submission must be
application/json or multipart/form-data (else 415) and carry a solved proof-of-work challenge
(xuncha.portal.challenge), the API's counterpart of the form's honeypot and stamp.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from xuncha.errors import Invalid
from xuncha.inspections.models import Inspection
from xuncha.intake.models import ReporterRole, SubjectCategory
from xuncha.intake.services import MAX_CONTENT_CHARS, ReporterData, SubjectData
from xuncha.portal import challenge, ratelimit
from xuncha.portal.forms import MAX_SUBJECTS
from xuncha.portal.selectors import receipt_status
from xuncha.portal.services import IntakeNotOpen, public_intake_check, public_report_submit, receipt_lookup
from xuncha.web import RETRY_AFTER_SECONDS

public_router = Router(auth=None, tags=["公开受理（无需登录）"])

NO_STORE = "no-store, private"


# --- schemas ----------------------------------------------------------------------------------------


class ReporterIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=50, description="姓名（实名反映必填）")
    phone: str = Field("", max_length=30, description="联系电话")
    role: str = Field("", description="身份：teacher 教师、student 学生、staff 职工、other 其他")
    unit: str = Field("", max_length=100, description="所在单位（学院、部门或班级）")
    email: str = Field("", max_length=100, description="电子邮箱")
    address: str = Field("", max_length=200, description="通信地址")


class SubjectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=64, description="被反映人姓名（不知道可填“不详”）")
    post: str = Field("", max_length=120, description="职务")
    category: str = Field(SubjectCategory.UNSURE.value, description="类别：" + "、".join(f"{v} {lbl}" for v, lbl in SubjectCategory.choices))


class PublicReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    anonymous: bool = Field(False, description="true：匿名反映（不提供 reporter）；false：实名反映（必须提供 reporter）")
    content: str = Field("", max_length=MAX_CONTENT_CHARS, description="反映的问题")
    reporter: ReporterIn | None = None
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=MAX_SUBJECTS)


class ReceiptOut(Schema):
    receipt_code: str = Field(..., description="16位查询码，只返回这一次，请妥善保存")
    received_at: dt.datetime
    reference: str


class ProblemOut(Schema):
    field: str | None
    message: str


class BadRequestOut(Schema):
    """`errors` lists the fields at fault; a request refused before it is read (a control character, a
    body too large or nested too deep) has only `detail`."""

    detail: str
    errors: list[ProblemOut] = []


class DetailOut(Schema):
    detail: str


class ClosedOut(Schema):
    detail: str
    intake_end: dt.date


class ReplyOut(Schema):
    kind: str
    kind_label: str
    content: str
    created_at: dt.datetime


class ReporterFileOut(Schema):
    name: str
    size: int


class RectificationPublishedOut(Schema):
    published_on: dt.date
    url: str


class ReceiptStatusOut(Schema):
    status: str
    status_label: str
    received_at: dt.datetime
    inspection: str
    files: list[ReporterFileOut] = Field([], description="反映人提交的附件（仅名称和大小，不提供下载）")
    replies: list[ReplyOut]
    rectification_published: RectificationPublishedOut | None = Field(
        None, description="本次巡察的整改情况已公开时：公开日期和公开页面地址；尚未公开时为 null")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The body schema without $defs, so that it can sit inside the operation's requestBody."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


_BODY = _inline_refs(PublicReportIn.model_json_schema())
_MULTIPART = {
    "type": "object",
    "properties": {
        "anonymous": {"type": "boolean"},
        "content": {"type": "string"},
        "reporter": {"type": "string", "description": "反映人，JSON 对象的文字，如 {\"name\": \"张三\", \"phone\": \"13800000000\"}"},
        "subjects": {"type": "string", "description": "被反映人，JSON 数组的文字"},
        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"},
                        "description": "附件：图片、PDF、Office 文件；个数与大小有限制，按内容核对类型"},
    },
    "required": ["content"],
}
REPORT_OPENAPI = {
    "parameters": [
        {"name": challenge.HEADER, "in": "header", "required": True, "schema": {"type": "string"},
         "description": "GET /api/v1/public/challenge 取得的挑战（一次有效）"},
        {"name": challenge.NONCE_HEADER, "in": "header", "required": True, "schema": {"type": "string"},
         "description": "使 sha256(挑战 + nonce) 的前 difficulty 个二进制位为 0 的字符串"},
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _BODY}, "multipart/form-data": {"schema": _MULTIPART}},
    }
}


# --- helpers ----------------------------------------------------------------------------------------


FIELD_LABELS = {
    "anonymous": "是否匿名", "content": "反映内容", "reporter": "反映人", "subjects": "被反映人",
    "name": "姓名", "phone": "联系电话", "role": "身份", "unit": "所在单位", "email": "电子邮箱", "address": "通信地址",
    "post": "职务", "category": "类别",
}


def _problem_text(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "必须填写"
    if kind == "extra_forbidden":
        return "不认识的字段，请检查拼写"
    if kind in ("string_type", "str_type"):
        return "应为文字"
    if kind in ("bool_parsing", "bool_type"):
        return "应为 true 或 false"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 字"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为 JSON 对象"
    if kind == "list_type":
        return "应为 JSON 数组"
    return "格式不正确"


def _bad_request(problems: list[tuple[str | None, str]]) -> Status[dict[str, Any]]:
    listed = [f"{f}：{m}" if f else m for f, m in problems]
    return Status(400, {"detail": "请求内容有误：" + "；".join(listed), "errors": [{"field": f, "message": m} for f, m in problems]})


def _field_name(loc: tuple[Any, ...]) -> str:
    path = ".".join(str(p) for p in loc)
    last = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    label = FIELD_LABELS.get(last)
    return f"{path}（{label}）" if label else path


def _read_body(request: HttpRequest) -> tuple[dict[str, Any] | None, list[UploadedFile[Any]], str]:
    """(data, files, problem). JSON, or multipart with reporter/subjects as JSON text."""
    if request.content_type == "multipart/form-data":
        data: dict[str, Any] = {k: request.POST.get(k) for k in request.POST}
        for key, shape in (("reporter", dict), ("subjects", list)):
            if key in data:
                if not data[key]:
                    data.pop(key)
                    continue
                try:
                    data[key] = json.loads(str(data[key]))
                except ValueError:
                    return None, [], f"{key} 应为 JSON {'对象' if shape is dict else '数组'}的文字"
        return data, request.FILES.getlist("attachments"), ""
    try:
        parsed = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None, [], "请求体不是有效的 JSON。请使用 Content-Type: application/json 或 multipart/form-data。"
    if not isinstance(parsed, dict):
        return None, [], "请求体应为 JSON 对象，如 {\"anonymous\": true, \"content\": \"……\"}"
    return parsed, [], ""


def _resolve(inspection_id: str) -> Inspection | None:
    """By the integer id or the public UUID (one query); None when there is no such inspection."""
    if inspection_id.isdigit():
        if len(inspection_id) > 18:
            return None
        return Inspection.objects.filter(pk=int(inspection_id)).first()
    try:
        public_id = uuid.UUID(inspection_id)
    except ValueError:
        return None
    return Inspection.objects.filter(public_id=public_id).first()


def _rate_limited(response: HttpResponse, verdict: ratelimit.Verdict, what: str) -> Status[dict[str, str]]:
    response["Retry-After"] = str(verdict.retry_after)
    return Status(429, {"detail": f"{what}过于频繁。为防止滥用，同一网络在一段时间内的次数有限，请 {verdict.wait_text} 后再试。"})


def _not_open(exc: IntakeNotOpen) -> Status[dict[str, Any]]:
    if exc.closed:
        return Status(410, {"detail": exc.detail, "intake_end": exc.intake_end})
    return Status(403, {"detail": exc.detail})


ACCEPTED_TYPES = ("application/json", "multipart/form-data")


def _origin(url: str) -> str:
    parts = url.split("/", 3)
    return "/".join(parts[:3]).lower() if len(parts) >= 3 else url.lower()


def _cross_origin(request: HttpRequest) -> Status[dict[str, str]] | None:
    """A browser sends Origin with a cross-site request: only this site's own pages (and configured
    sites) may call the public API from a browser. Clients that send no Origin (not browsers) pass."""
    origin = str(request.META.get("HTTP_ORIGIN", "")).strip()
    if not origin:
        return None
    allowed = {_origin(settings.SITE_URL), _origin(request.build_absolute_uri("/")),
               *(_origin(o) for o in getattr(settings, "PUBLIC_API_ORIGINS", []))}
    if origin.lower().rstrip("/") in allowed:
        return None
    return Status(403, {"detail": "不接受来自其他网站页面的请求。请直接打开本系统的网上反映页面提交。"})


# --- endpoints --------------------------------------------------------------------------------------


@public_router.post(
    "/inspections/{inspection_id}/reports",
    auth=None,
    response={201: ReceiptOut, 400: BadRequestOut, 403: DetailOut, 404: DetailOut, 410: ClosedOut, 415: DetailOut, 429: DetailOut,
              503: DetailOut},
    openapi_extra=REPORT_OPENAPI,
    summary="网上反映（无需登录）",
)
def report_create(request: HttpRequest, inspection_id: str, response: HttpResponse) -> Status[dict[str, Any]]:
    """提交一件网上反映。`inspection_id` 为巡察任务的编号或其公开页面地址中的 UUID。

    请求体为 JSON，或 multipart/form-data（附件放在 `attachments` 字段，可多个；`reporter`、`subjects`
    以 JSON 文字提交）。最简单的有效请求体：`{"anonymous": true, "content": "……"}`。
    实名反映：`anonymous` 为 false，并提供 `reporter`（`name` 必填，另需 `phone`、`email`、`address` 至少一项；
    `role` 为 teacher/student/staff/other）。

    防滥用：先 `GET /api/v1/public/challenge` 取得挑战，找到一个 nonce 使 sha256(挑战 + nonce) 的前 `difficulty`
    个二进制位为 0，然后在请求头 `X-Challenge`、`X-Challenge-Nonce` 中提交；每个挑战只能用一次，过期须重取。
    缺少、无效、过期、已用过或计算不对时答复 **400**（`errors[0].field` 为 `X-Challenge`）。

    答复：
    - **201** `{"receipt_code": "<16位数字>", "received_at": …, "reference": …}`：查询码只返回这一次，服务器只保存其密钥散列；
    - **400** `{"detail": "<中文说明>", "errors": [{"field", "message"}]}`：请求内容有误（如附件类型与内容不符、缺少姓名）；
    - **403**：信访受理期尚未开始，或请求来自其他网站的页面（`Origin` 不是本站）；
    - **404**：巡察任务不存在；
    - **410**：信访受理期已结束，`detail` 为
      “本次巡察信访受理期已于YYYY年M月D日结束，网上反映已关闭，不再接收新的反映。如需反映问题，请通过纪检监察机关、组织部门、信访部门的常设渠道反映。”，
      `intake_end` 为受理截止日期；
    - **415**：`Content-Type` 不是 application/json 或 multipart/form-data；
    - **429**：提交过于频繁，`Retry-After` 头给出需等待的秒数；
    - **503**：系统暂时无法保存，未登记任何内容，可稍后重试。
    """
    response["Cache-Control"] = NO_STORE
    verdict = ratelimit.hit("submit", request)
    if not verdict.allowed:
        return _rate_limited(response, verdict, "提交")
    refused = _cross_origin(request)
    if refused is not None:
        return refused
    if request.content_type not in ACCEPTED_TYPES:
        return Status(415, {"detail": "请求内容类型不受支持。请使用 Content-Type: application/json 或 multipart/form-data。"})
    problem = challenge.verify(str(request.headers.get(challenge.HEADER, "")), str(request.headers.get(challenge.NONCE_HEADER, "")))
    if problem:
        return _bad_request([(challenge.HEADER, problem)])
    inspection = _resolve(inspection_id)
    if inspection is None:
        return Status(404, {"detail": "未找到该巡察任务。"})
    try:
        public_intake_check(inspection=inspection)
    except IntakeNotOpen as exc:
        return _not_open(exc)

    raw, files, problem = _read_body(request)
    if raw is None:
        return _bad_request([(None, problem)])
    try:
        payload = PublicReportIn.model_validate(raw)
    except PydanticValidationError as exc:
        return _bad_request([(_field_name(tuple(e["loc"])), _problem_text(dict(e))) for e in exc.errors()])

    problems: list[tuple[str | None, str]] = []
    if payload.anonymous and payload.reporter is not None:
        problems.append(("reporter（反映人）", "匿名反映（anonymous 为 true）不应提供反映人信息；如要实名反映，请把 anonymous 设为 false"))
    if not payload.anonymous and payload.reporter is None:
        problems.append(("reporter（反映人）", "实名反映请提供反映人信息（姓名、联系电话等）；如要匿名反映，请把 anonymous 设为 true"))
    if payload.reporter is not None and payload.reporter.role and payload.reporter.role not in ReporterRole.values:
        problems.append(("reporter.role（身份）", "应为以下之一：" + "、".join(f"{v}（{lbl}）" for v, lbl in ReporterRole.choices)))
    for i, s in enumerate(payload.subjects):
        if s.category not in SubjectCategory.values:
            problems.append((f"subjects.{i}.category（类别）", "应为以下之一：" + "、".join(f"{v}（{lbl}）" for v, lbl in SubjectCategory.choices)))
    if problems:
        return _bad_request(problems)

    reporter = None
    if payload.reporter is not None:
        reporter = ReporterData(**payload.reporter.model_dump())
    try:
        registered = public_report_submit(
            inspection=inspection, content=payload.content, reporter=reporter,
            subjects=[SubjectData(name=s.name, post=s.post, category=s.category) for s in payload.subjects], files=files)
    except IntakeNotOpen as exc:  # the window closed meanwhile
        return _not_open(exc)
    except Invalid as exc:  # the rules' refusals, in this endpoint's field-level shape
        return _bad_request([(None, m) for m in exc.messages])
    except DatabaseError:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return Status(503, {"detail": "系统暂时无法保存，这次提交没有登记，也没有生成查询码。请稍后重试。"})
    report = registered.report
    return Status(201, {"receipt_code": registered.receipt_code, "received_at": report.received_at, "reference": report.reference})


class ChallengeOut(Schema):
    challenge: str
    difficulty: int = Field(..., description="sha256(challenge + nonce) 须以多少个 0 位开头")
    expires_in: int = Field(..., description="挑战的有效秒数")
    algorithm: str


@public_router.get("/challenge", auth=None, response={200: ChallengeOut, 403: DetailOut}, summary="取得防滥用挑战（无需登录）")
def challenge_get(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """网上反映之前取得一个防滥用挑战：找到 nonce 使 sha256(challenge + nonce) 的前 `difficulty` 个二进制位为 0，
    在提交反映时放入请求头 `X-Challenge`（挑战）与 `X-Challenge-Nonce`（nonce）。挑战一次有效，`expires_in` 秒后过期。"""
    response["Cache-Control"] = NO_STORE
    refused = _cross_origin(request)
    if refused is not None:
        return refused
    return Status(200, challenge.issue())


@public_router.get(
    "/receipts/{code}",
    auth=None,
    response={200: ReceiptStatusOut, 403: DetailOut, 404: DetailOut, 429: DetailOut},
    summary="凭查询码查看办理情况（无需登录）",
)
def receipt_get(request: HttpRequest, code: str, response: HttpResponse) -> Status[dict[str, Any]]:
    """凭16位查询码查看办理情况：状态、收到时间、巡察、答复（不含工作人员姓名）。

    查询码错误时答复 **404** `{"detail": "查询码不正确"}`，不透露任何其他信息；查询过于频繁时答复 **429**（带 `Retry-After`）。

    注意：本接口按约定把查询码放在地址中，地址可能被代理服务器或浏览器历史记录下来。面向反映人的网页
    （/p/receipt/）用 POST 表单提交查询码，不会出现在地址中；调用方请不要记录或缓存本接口的地址，答复带
    `Cache-Control: no-store`。
    """
    response["Cache-Control"] = NO_STORE
    verdict = ratelimit.hit("lookup", request)
    if not verdict.allowed:
        return _rate_limited(response, verdict, "查询")
    refused = _cross_origin(request)
    if refused is not None:
        return refused
    report = receipt_lookup(code=code, via="接口")
    if report is None:
        return Status(404, {"detail": "查询码不正确"})
    return Status(200, receipt_status(report))
