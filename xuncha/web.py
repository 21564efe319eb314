"""Small helpers shared by the views of every app."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape

from xuncha.errors import Conflict, DomainError, Invalid, NotAllowed, messages_of

# What a form shows instead of failing: a rule broken, an act not allowed, a state that changed meanwhile.
# NotFound is not among them: it propagates to the 404 page.
FORM_ERRORS = (Invalid, NotAllowed, Conflict, ValidationError, PermissionError)


def attach_error(form: Form, exc: BaseException) -> None:
    """Show a service's refusal (Chinese messages) on the form, keeping what was typed."""
    for message in messages_of(exc):
        form.add_error(None, message)


def _plain_messages(field: forms.Field, label: str) -> dict[str, str]:
    """Plain Chinese sentences naming the field, instead of Django's stock wording
    ("确保该变量包含不超过 120 字符"). The values are %-formatted by Django with limit_value/show_value."""
    name = label.replace("%", "%%")
    choose = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField, forms.BooleanField))
    result = {
        "required": f"请{'选择' if choose else '填写'}{name}。",
        "invalid": f"{name}的格式不对，请按提示填写。",
        "invalid_choice": f"{name}的选项无效，请重新选择。",
        "invalid_list": f"{name}的选项无效，请重新选择。",
        "invalid_pk_value": f"{name}的选项无效，请重新选择。",
    }
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        result["invalid"] = f"{name}不是有效的日期，请按“年-月-日”填写。"
    elif isinstance(field, forms.TimeField):
        result["invalid"] = f"{name}不是有效的时间，请按“时:分”填写。"
    elif isinstance(field, forms.IntegerField):
        result["invalid"] = f"{name}须为整数。"
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        result["invalid"] = f"{name}须为数字。"
    elif isinstance(field, forms.EmailField):
        result["invalid"] = f"{name}不是有效的电子邮箱地址。"
    if getattr(field, "max_length", None) is not None:
        result["max_length"] = f"{name}最多 %(limit_value)d 个字，现在有 %(show_value)d 个字。"
    if getattr(field, "min_length", None) is not None:
        result["min_length"] = f"{name}至少 %(limit_value)d 个字，现在只有 %(show_value)d 个字。"
    if getattr(field, "max_value", None) is not None:
        result["max_value"] = f"{name}不能大于 %(limit_value)s。"
    if getattr(field, "min_value", None) is not None:
        result["min_value"] = f"{name}不能小于 %(limit_value)s。"
    return result


class ChineseErrorsMixin:
    """A form whose fields say what is wrong in a plain Chinese sentence naming the field. Messages a
    form sets itself (error_messages=...) are kept; only Django's stock wordings are replaced."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            stock: dict[str, Any] = {}
            for klass in reversed(type(field).__mro__):
                stock.update(getattr(klass, "default_error_messages", {}))
            label = str(field.label or name)
            for code, message in _plain_messages(field, label).items():
                current = field.error_messages.get(code)
                if current is None or current == stock.get(code):
                    field.error_messages[code] = message


T = TypeVar("T")


def form_submit(form: Form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """The usual POST: if the form is valid, run the service on its cleaned data and return the result;
    a refusal from the service (Invalid, NotAllowed, Conflict) lands on the form and None is returned."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except FORM_ERRORS as exc:
        attach_error(form, exc)
        return None


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A refusal that reached no form: the Chinese error page with the service's message."""
    template = {403: "403.html", 409: "409.html"}.get(exc.status, "400.html")
    return render(request, template, {"messages_list": exc.messages}, status=exc.status)


def keepalive(request: HttpRequest) -> HttpResponse:
    """Renew a signed-in session (the idle warning's "继续工作"); 401 once it has expired."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)


def site(request: HttpRequest) -> dict[str, Any]:
    """Template context of every page: the idle timeout the browser warns before."""
    return {"session_idle_seconds": settings.SESSION_COOKIE_AGE}


RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = "系统暂时无法访问数据库，请稍后重试。已经提交并收到确认的内容不会丢失。"


def _back_path(request: HttpRequest) -> str:
    """Where "返回并重新提交" leads: the page the form was on (same site only), else the form's own URL."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = str(request.META.get("HTTP_REFERER", ""))
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def unavailable(request: HttpRequest) -> HttpResponse:
    """The database cannot be reached: a 503 that says so and when to retry (JSON for the API), never a
    500; each request tries the database again, so service comes back by itself.

    A form that failed this way keeps its text twice over: the public pages' script saved the form in the
    browser before submitting and puts it back on "返回并重新提交"; and the page itself shows the main text
    (field `content`) to copy. Nothing here needs the database (no session, no user, no template tags)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
    else:
        body_class = "public" if request.path.startswith("/p/") else "staff"
        extra = ""
        if request.method == "POST":
            try:
                typed = str(request.POST.get("content", ""))
            except Exception:  # noqa: BLE001 - a body that cannot be parsed has nothing to keep
                typed = ""
            extra = ('<p>您这次提交的内容没有保存到系统，但没有丢失：点击下面的按钮回到表单，已填写的内容会自动恢复，请核对后再提交一次。</p>'
                     f'<p class="actions"><a class="button" id="resubmit" href="{escape(_back_path(request))}">返回并重新提交</a></p>')
            if typed.strip():
                extra += ('<p>为稳妥起见，您填写的正文也附在下面，可先复制保存：</p>'
                          f'<textarea readonly id="kept-content" rows="6">{escape(typed)}</textarea>')
        else:
            extra = '<p>请等待半分钟后刷新页面。</p>'
        response = HttpResponse(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>暂时无法访问 · 巡察通</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="/static/css/app.css"></head><body class="{body_class}"><main class="content">'
            f'<section class="error-page" id="unavailable"><h1>暂时无法访问</h1><p>{UNAVAILABLE_MESSAGE}</p>{extra}'
            '</section></main></body></html>',
            status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"  # it may hold what was typed
    return response


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or read: lost connections and locks (OperationalError,
    InterfaceError), and a bare DatabaseError such as SQLite's "file is not a database" while its files
    are moved or restored. Integrity, data and programming errors are bugs or bad input, not an outage."""
    return isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a 503 with Retry-After, wherever it failed (a
    middleware reading the session included); anything else the static Chinese 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器出错，已记录。请稍后重试。"}, status=500)
    template = loader.get_template("500.html")
    return HttpResponse(template.render(), status=500)
