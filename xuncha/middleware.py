"""Middleware of the whole site: security headers (a strict CSP with no third-party source) and the\none mapping of the domain error to pages."""

import re
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from xuncha.access import probing
from xuncha.errors import DomainError, NotFound
from xuncha.web import database_unavailable, error_page, unavailable

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Swagger UI sets inline styles; its scripts are served locally by django-ninja.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", DOCS_CSP)
        else:
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware


def read_probes(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """GET and HEAD only read: their `allows()` of work are probes (show a button?) and never refuse a filed
    inspection; any other method writes, and the access policy refuses writes to a filed one (409)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            with probing():
                return get_response(request)
        return get_response(request)

    return middleware


def domain_errors(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A DomainError that a view did not turn into a form error becomes its Chinese page: NotFound the
    404 page (it is an Http404), NotAllowed 403, Conflict 409, Invalid 400. The API maps the same
    error itself (xuncha.api.api)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    def process_exception(request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DomainError) and not isinstance(exc, NotFound):
            return error_page(request, exc)
        if database_unavailable(exc):
            return unavailable(request)
        return None

    middleware.process_exception = process_exception  # type: ignore[attr-defined]
    return middleware


SAVED_COOKIE = "xc_saved"


def _referer_path(request: HttpRequest) -> str | None:
    """The page the form was on, when it is a page of this site."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return None
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _error_queued(request: HttpRequest) -> bool:
    """Whether this request queued an error message (some forms redirect back with one)."""
    storage = getattr(request, "_messages", None)
    return any(m.level >= messages.ERROR for m in getattr(storage, "_queued_messages", []))


def form_continuity(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Nothing typed is lost to a session timeout (static/js/staff.js keeps the drafts):

    - a form posted after the session expired is answered with the login page whose `next` is the
      page the form was on (its Referer), not the POST-only address: after logging in again the user
      is back at the form, where the draft is restored;
    - a POST answered with a redirect (a saved form, POST/redirect/GET) and no error message sets a
      short-lived cookie naming the form's address, so the browser drops that form's draft.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        # Whether the POST arrived without a session (expired), decided before the view runs: a logout
        # is a POST whose user is anonymous only afterwards.
        user = getattr(request, "user", None)
        arrived_anonymous = request.method == "POST" and (user is None or not user.is_authenticated)
        response = get_response(request)
        if request.path.startswith(("/api/", "/static/")):
            return response
        if response.status_code == 405 and request.method == "GET" and not response.content:
            # A POST-only address opened directly (an old bookmark, a login's `next`): say so in Chinese.
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "POST")
            return page
        if request.method != "POST" or request.path.startswith("/p/"):
            return response
        if not isinstance(response, HttpResponseRedirect):
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.url).path == login:
            if arrived_anonymous:
                back = _referer_path(request)
                if back:
                    return HttpResponseRedirect(f"{login}?{urlencode({'next': back})}")
            return response
        if _error_queued(request):
            return response  # redirected back with an error message: not saved, the draft stays
        response.set_cookie(SAVED_COOKIE, request.path, max_age=120, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, httponly=False)
        return response

    return middleware


# C0 control characters other than tab, line feed and carriage return: no person types them, PostgreSQL
# refuses NUL in text, and they hide text in documents. Refused at the edge, the same on every database.
CONTROL_CHARS = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]")
# The same characters written as JSON escapes (\u0000 …), unless the backslash is itself escaped.
JSON_CONTROL_ESCAPES = re.compile(rb"(?<!\\)\\u00(?:0[0-8bcef]|1[0-9a-f])", re.IGNORECASE)
CONTROL_MESSAGE = "请求中含有不允许的控制字符（如 NUL），请检查后重新提交。"
MAX_JSON_DEPTH = 32
DEPTH_MESSAGE = f"请求内容的 JSON 嵌套过深（超过 {MAX_JSON_DEPTH} 层）。"


def _json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (scanned, not parsed: a parser would recurse)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _bad_input(request: HttpRequest) -> str | None:
    """The reason to refuse the request's input before any view sees it, or None."""
    for key, value in request.GET.lists():
        if CONTROL_CHARS.search(key) or any(CONTROL_CHARS.search(v) for v in value):
            return CONTROL_MESSAGE
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        body = request.body
        if CONTROL_CHARS.search(body.decode("utf-8", "replace")) or JSON_CONTROL_ESCAPES.search(body):
            return CONTROL_MESSAGE
        if _json_depth_exceeds(body, MAX_JSON_DEPTH):
            return DEPTH_MESSAGE
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        for key, value in request.POST.lists():
            if CONTROL_CHARS.search(key) or any(CONTROL_CHARS.search(str(v)) for v in value):
                return CONTROL_MESSAGE
    return None


def input_edges(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """The edge of the site: input no view should see is refused with a clear 400 (JSON for the API, the
    Chinese page otherwise), and what a signed-in user is shown is never stored by a browser or proxy cache."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            problem = _bad_input(request)
        except RequestDataTooBig:
            problem = "请求内容过大。"
        if problem is not None:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": problem}, status=400)
            return render(request, "400.html", {"messages_list": [problem]}, status=400)
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            # Case pages and their API answers: no copy kept on a shared computer or in a proxy.
            response.setdefault("Cache-Control", "no-store, private")
        return response

    return middleware
