"""The domain error, mapped once for pages (middleware, form helper) and once for the API."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound, messages_of
from xuncha.middleware import domain_errors
from xuncha.web import form_submit


class NoteForm(forms.Form):
    text = forms.CharField()


def test_errors_carry_chinese_messages_and_django_kinds() -> None:
    assert isinstance(NotFound(), Http404)
    assert isinstance(Invalid(["甲", "乙"]), ValidationError)
    assert Invalid(["甲", "乙"]).messages == ["甲", "乙"]
    assert isinstance(NotAllowed(), PermissionError)
    assert NotAllowed().messages == ["您无权进行此操作。"]
    assert (NotFound().status, NotAllowed().status, Invalid("x").status, Conflict("x").status) == (404, 403, 400, 409)
    assert messages_of(ValidationError(["一", "二"])) == ["一", "二"]


@pytest.mark.parametrize("exc", [Invalid(["请填写理由。"]), NotAllowed("只有组长可以批准。"), Conflict("该通知已签发。"),
                                 ValidationError("请填写理由。"), PermissionError("只有组长可以批准。")])
def test_a_refusal_lands_on_the_form_and_keeps_what_was_typed(exc: Exception) -> None:
    form = NoteForm({"text": "已经写好的一段话"})

    def action(data: dict[str, Any]) -> None:
        raise exc

    assert form_submit(form, action) is None
    assert form.non_field_errors() == messages_of(exc)
    assert form["text"].value() == "已经写好的一段话"


def test_not_found_is_not_swallowed_by_the_form() -> None:
    form = NoteForm({"text": "x"})

    def action(data: dict[str, Any]) -> None:
        raise NotFound

    with pytest.raises(Http404):
        form_submit(form, action)


@pytest.mark.django_db
@pytest.mark.parametrize(("exc", "status", "text"), [(NotAllowed("只有组长可以签发。"), 403, "只有组长可以签发。"),
                                                      (Conflict("该事项已销号。"), 409, "该事项已销号。"),
                                                      (Invalid("日期无效。"), 400, "日期无效。")])
def test_an_unhandled_refusal_becomes_its_chinese_page(exc: Exception, status: int, text: str) -> None:
    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    def view(req: HttpRequest) -> HttpResponse:
        raise exc

    middleware = domain_errors(view)
    response = middleware.process_exception(request, exc)  # type: ignore[attr-defined]
    assert response.status_code == status
    assert text in response.content.decode()


def test_not_found_is_left_to_the_404_page() -> None:
    middleware = domain_errors(lambda r: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), NotFound()) is None  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_404_page_is_chinese(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


@pytest.mark.django_db
def test_the_api_maps_each_error_once(settings: Any) -> None:
    from xuncha.api.api import api, on_domain_error

    request = RequestFactory().get("/api/v1/x")
    for exc, status in ((NotFound(), 404), (NotAllowed("不行。"), 403), (Invalid(["一", "二"]), 400), (Conflict("已变。"), 409)):
        response = on_domain_error(request, exc)
        assert response.status_code == status
        assert "detail" in __import__("json").loads(response.content)
    assert api is not None
