"""Small helpers shared by the views of every app."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse


def attach_error(form: Form, exc: ValidationError | PermissionError) -> None:
    """Show a service's ValidationError (Chinese messages) on the form, keeping what was typed."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        form.add_error(None, message)


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
