"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse


def attach_error(form: Form, exc: ValidationError | PermissionError) -> None:
    """Show a service's ValidationError (Chinese messages) on the form, keeping what was typed."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        form.add_error(None, message)


T = TypeVar("T")


def form_submit(form: Form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """The usual POST: if the form is valid, run the service on its cleaned data and return the result;
    a ValidationError or PermissionError from the service lands on the form (None is returned)."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except (ValidationError, PermissionError) as exc:
        attach_error(form, exc)
        return None


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
