"""Middleware of the whole site: security headers (a strict CSP with no third-party source) and the\none mapping of the domain error to pages."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
