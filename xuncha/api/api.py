"""The REST API (django-ninja); OpenAPI at /api/v1/docs. Views only call selectors and services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xuncha.accounts.http import AuthedRequest
from xuncha.accounts.passwords import password_change
from xuncha.accounts.services import LoginError, api_token_create, user_login_check, user_login_failure, user_login_success
from xuncha.accounts.sessions import session_keep_after_password_change
from xuncha.accounts.totp import totp_verify
from xuncha.core.announcement import parse_announcement
from xuncha.core.hours import HoursRange, within_hours
from xuncha.errors import DomainError, Invalid, NotAllowed, NotFound, messages_of
from xuncha.inspections.models import Channel, Inspection
from xuncha.inspections.selectors import calendar_for, calendar_get, calendar_of, can_plan, inspection_get, inspection_list
from xuncha.inspections.selectors_offices import office_get
from xuncha.inspections.urls_public import public_url

from .auth import staff_auth
from .problems import problems_text
from .schemas import AddWorkingDaysOut, AddWorkingDaysQuery, ErrorOut, InspectionOut, ParseIn, PasswordIn, TokenIn, TokenOut, WithinHoursOut


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive docs and the schema are for signed-in staff (docs/api.md), not the public."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "未登录或令牌无效。"}, status=401, json_dumps_params={"ensure_ascii": False})
        return redirect_to_login(request.get_full_path())

    return guarded


# What every operation can answer besides its own results, added to the schema in one place so that no
# operation forgets them: 400 when a parameter or the body does not validate, 401 without a caller,
# 404 for an object the caller may not see (any operation with a path parameter), 503 while the
# database is unreachable (xuncha.web.server_error).
COMMON_ANSWERS = {
    400: "请求参数有误（中文说明在 detail 中）。",
    401: "未登录或令牌无效。",
    404: "对象不存在，或当前用户无权查看（一律答 404，不区分两者）。",
    503: "服务暂时不可用（数据库无法连接），稍后重试；带 Retry-After。",
    409: "与对象当前状态冲突；巡察任务已立卷归档时，一切写操作都答 409（只读）。",
}


class XunchaApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                params = operation.get("parameters", [])
                wanted = [503]
                if operation.get("security"):
                    wanted.append(401)
                if params or "requestBody" in operation:
                    wanted.append(400)
                if any(p.get("in") == "path" for p in params):
                    wanted.append(404)
                # Any write may meet a filed (read-only) inspection: xuncha.access.allows refuses it with 409.
                if method in ("post", "put", "patch", "delete"):
                    wanted.append(409)
                for code in wanted:
                    answers.setdefault(code, {"description": COMMON_ANSWERS[code], **error_ref})
        return schema


api = XunchaApi(title="巡察通 API", version="1",
                description="巡察通的 REST 接口。除获取令牌和公开接口外，均需 `Authorization: Bearer <token>` 或已登录的会话。"
                            "错误一律答 `{\"detail\": \"中文说明\", \"errors\": [...]}`。",
                auth=staff_auth, urls_namespace="api", docs_decorator=signed_in_only)
api.add_router("/public/", "xuncha.api.public.public_router")
api.add_router("/public/", "xuncha.api.surveys.public_router")
api.add_router("/public/", "xuncha.api.aftercare.public_router")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到。"}, status=404)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The one mapping of the domain error for the API: 404/403/400/409 with the Chinese message."""
    if isinstance(exc, NotFound):
        return on_not_found(request, exc)
    return api.create_response(request, {"detail": exc.detail, "errors": exc.messages}, status=exc.status)


@api.exception_handler(DjangoValidationError)
def on_rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A Django ValidationError from a model or form layer: the same answer as Invalid."""
    return on_domain_error(request, Invalid(messages_of(exc)))


@api.exception_handler(PermissionError)
def on_not_allowed(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return on_domain_error(request, exc if isinstance(exc, DomainError) else NotAllowed(messages_of(exc)))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A path, query or body that does not validate: 400 in Chinese (docs/api.md), naming each field."""
    return api.create_response(request, {"detail": problems_text(exc.errors)}, status=400)


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut}, tags=["认证"])
def auth_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, str]]:
    try:
        user = user_login_check(username=payload.username, password=payload.password, request=request)
    except LoginError as exc:
        return Status(401, {"detail": str(exc)})
    if user.totp_enabled:
        if not payload.otp or not totp_verify(user=user, code=payload.otp, request=request):
            user_login_failure(user=user, request=request)
            return Status(401, {"detail": "该账号已启用动态口令，请在 otp 字段提供验证器上的6位数字。"})
        user_login_success(user=user, request=request)
    elif settings.TOTP_REQUIRED:
        return Status(401, {"detail": "请先登录网页端启用动态口令。"})
    if user.must_change_password:
        return Status(401, {"detail": "密码由系统管理员设置，请先登录网页端修改密码。"})
    return Status(200, {"token": api_token_create(user=user, request=request)})


@api.post("/auth/password", response={204: None, 400: ErrorOut, 401: ErrorOut}, tags=["认证"])
def auth_password(request: AuthedRequest, payload: PasswordIn) -> Status[None]:
    """Change the caller's own password (the project's password policy applies). A wrong old password
    counts toward the login lock-out. A browser session stays signed in."""
    password_change(actor=request.user, old_password=payload.old_password, new_password=payload.new_password, request=request)
    if hasattr(request, "session") and request.session.get("_auth_user_id") == str(request.user.pk):
        session_keep_after_password_change(request, request.user)
    return Status(204, None)


def _channel_out(channel: Channel) -> dict[str, object]:
    return {
        "id": channel.pk, "kind": channel.kind, "label": channel.display_label,
        "value": channel.value or None, "postcode": channel.postcode or None, "location": channel.location or None,
        "hours": [{"days": h.days, "start": f"{h.start:%H:%M}", "end": f"{h.end:%H:%M}"} for h in channel.hours.all()],
    }


def inspection_out(request: HttpRequest, inspection: Inspection) -> dict[str, object]:
    return {
        "id": inspection.pk, "round": inspection.round.name, "kind": inspection.round.kind,
        "team": inspection.team.name, "target": inspection.target.name,
        "start_date": inspection.start_date, "end_date": inspection.end_date, "working_days": inspection.working_days,
        "intake_start": inspection.intake_start, "intake_end": inspection.intake_end,
        "postmark_counts": inspection.postmark_counts, "public_url": public_url(inspection),
        "channels": [_channel_out(c) for c in inspection.channels.all()],
    }


@api.get("/inspections", response=list[InspectionOut], tags=["巡察任务"])
def inspections(request: AuthedRequest) -> list[dict[str, object]]:
    return [inspection_out(request, i) for i in inspection_list(user=request.user)]


@api.get("/inspections/{inspection_id}", response={200: InspectionOut, 404: ErrorOut}, tags=["巡察任务"])
def inspection_detail(request: AuthedRequest, inspection_id: int) -> dict[str, object]:
    return inspection_out(request, inspection_get(user=request.user, pk=inspection_id))


@api.get("/calendar/add-working-days", response={200: AddWorkingDaysOut, 400: ErrorOut, 404: ErrorOut}, tags=["工作日历"])
def add_working_days(request: AuthedRequest, params: Query[AddWorkingDaysQuery]) -> dict[str, object]:
    """Count working days on the platform's calendar, or on that of an office (`office`) or of an
    inspection's office (`inspection`) the caller sees (404 otherwise, as GET /offices and /inspections)."""
    start, days = params.start, params.days
    if not 1 <= days <= 1000:
        raise HttpError(400, "工作日数应在 1 到 1000 之间。")
    if params.office is not None and params.inspection is not None:
        raise HttpError(400, "office 与 inspection 只能给一个。")
    if params.office is not None:
        cal = calendar_for(office_get(user=request.user, pk=params.office).pk)
    elif params.inspection is not None:
        cal = calendar_of(inspection_get(user=request.user, pk=params.inspection))
    else:
        cal = calendar_get()
    end = cal.add_working_days(start, days)
    return {"start": start, "days": days, "end": end, "calendar_covers": cal.covers(start) and cal.covers(end)}


@api.get("/calendar/within-hours", response={200: WithinHoursOut, 404: ErrorOut}, tags=["工作日历"])
def channel_within_hours(request: AuthedRequest, channel: int, at: dt.datetime) -> dict[str, object]:
    visible = inspection_list(user=request.user)
    obj = Channel.objects.filter(pk=channel, inspection__in=visible).select_related("inspection").prefetch_related("hours").first()
    if obj is None:
        raise NotFound
    verdict = within_hours([HoursRange(h.days, h.start, h.end) for h in obj.hours.all()], at, calendar_of(obj.inspection))
    return {"within": verdict.within, "reason": verdict.reason}


MAX_ANNOUNCEMENT_CHARS = 200_000


@api.post("/announcements/parse", response={200: dict, 400: ErrorOut, 404: ErrorOut}, tags=["公告导入"])
def announcement_parse(request: AuthedRequest, payload: ParseIn) -> dict[str, object]:
    """Clean a published announcement and extract its facts (nothing is created)."""
    if not can_plan(request.user):
        raise NotFound
    if not payload.text.strip():
        raise HttpError(400, "公告文字为空。")
    if len(payload.text) > MAX_ANNOUNCEMENT_CHARS:
        raise HttpError(400, "公告文字过长（超过20万字），请只保留公告正文。")
    return parse_announcement(payload.text, payload.published, add_working_days=calendar_get().add_working_days)


from .attachments import router as attachments_router  # noqa: E402
from .intake import router as intake_router  # noqa: E402

api.add_router("/", intake_router)
api.add_router("/", attachments_router)
from .triage import router as triage_router  # noqa: E402

api.add_router("/", triage_router)
from .ledger import router as ledger_router  # noqa: E402

api.add_router("/", ledger_router)
from .exports import router as exports_router  # noqa: E402

api.add_router("/", exports_router)
from .rectification_plan import router as rectification_plan_router  # noqa: E402

api.add_router("/", rectification_plan_router)
from .search import router as search_router  # noqa: E402

api.add_router("/", search_router)
from .todo import router as todo_router  # noqa: E402

api.add_router("/", todo_router)
from .notifications import router as notifications_router  # noqa: E402

api.add_router("/", notifications_router)
from .fieldwork_docs import router as fieldwork_docs_router  # noqa: E402

api.add_router("/", fieldwork_docs_router)
from .fieldwork_talks import router as fieldwork_talks_router  # noqa: E402

api.add_router("/", fieldwork_talks_router)
from .surveys import router as surveys_router  # noqa: E402

api.add_router("/", surveys_router)
from .offices import router as offices_router  # noqa: E402

api.add_router("/", offices_router)
from .aftercare import router as aftercare_router  # noqa: E402

api.add_router("/", aftercare_router)
from .briefings import router as briefings_router  # noqa: E402

api.add_router("/", briefings_router)
from .archive import router as archive_router  # noqa: E402

api.add_router("/", archive_router)
from .reporting import router as reporting_router  # noqa: E402

api.add_router("/", reporting_router)
from .special_reports import router as special_reports_router  # noqa: E402

api.add_router("/", special_reports_router)
