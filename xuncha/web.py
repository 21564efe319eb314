"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.errors import Conflict, DomainError, Invalid, NotAllowed, messages_of

# What a form shows instead of failing: a rule broken, an act not allowed, a state that changed meanwhile.
# NotFound is not among them: it propagates to the 404 page.
FORM_ERRORS = (Invalid, NotAllowed, Conflict, ValidationError, PermissionError)


def attach_error(form: Form, exc: BaseException) -> None:
    """Show a service's refusal (Chinese messages) on the form, keeping what was typed."""
    for message in messages_of(exc):
        form.add_error(None, message)


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
