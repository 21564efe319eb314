"""What the pages of rectification share: the signed-in user, a button's POST (run the service, show a
refusal after the redirect), and the audited downloads' responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse

from xuncha import documents
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.web import attachment, form_submit

from ..models import Evidence, ImmediateNotice

T = TypeVar("T")


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every page here is login_required)."""
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


def act(request: HttpRequest, form: Form, action: Callable[[dict[str, Any]], T], success: Callable[[T], str]) -> T | None:
    """A POST from a button or a small form on another page: form_submit, then the outcome as a message
    (the success, or each refusal) for the page the caller redirects to."""
    result = form_submit(form, action)
    if result is None:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        messages.success(request, success(result))
    return result


def notice_docx_response(notice: ImmediateNotice, content: bytes) -> HttpResponse:
    return attachment(content, documents.DOCX, f"立行立改通知书-第{notice.number}号-{notice.inspection.target.name}.docx")


def evidence_response(evidence: Evidence, content: bytes) -> HttpResponse:
    return attachment(content, evidence.content_type, evidence.original_name)
