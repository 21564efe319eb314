"""Middleware of the whole site: security headers (a strict CSP with no third-party source) and the\none mapping of the domain error to pages."""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from xuncha.errors import DomainError, NotFound
from xuncha.web import error_page

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


def domain_errors(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A DomainError that a view did not turn into a form error becomes its Chinese page: NotFound the
    404 page (it is an Http404), NotAllowed 403, Conflict 409, Invalid 400. The API maps the same
    error itself (xuncha.api.api)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    def process_exception(request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DomainError) and not isinstance(exc, NotFound):
            return error_page(request, exc)
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
