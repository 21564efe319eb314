"""Input no view should see is refused at the edge with a clear 400, the same on SQLite and PostgreSQL;
what a signed-in user sees is not cached."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "不允许的控制字符"


def test_nul_in_a_query_string_is_a_400_not_a_server_error(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    response = clients["member"].get(f"/triage/inspections/{demo['seed000'].pk}/", {"q": "食堂\x00采购"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_nul_in_a_staff_form_is_a_400(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    url = f"/inspections/{demo['seed000'].pk}/reports/new/phone/"
    response = clients["member"].post(url, {"content": "反映\x00内容", "received_at": "2024-09-26T10:00"})
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("username", ["a\x00b", "a\\u0000b"])
def test_nul_in_the_token_request_is_a_json_400(username: str) -> None:
    body = json.dumps({"username": "a\x00b", "password": "x"}) if "\x00" in username else '{"username": "a\\u0000b", "password": "x"}'
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(demo: dict[str, Any]) -> None:
    public_id = demo["practice"].public_id
    body = '{"anonymous": true, "content": "文件路径 C:\\\\u0000 写错了，反映食堂问题"}'
    response = Client().post(f"/api/v1/public/inspections/{public_id}/reports", body, content_type="application/json")
    assert response.status_code != 400 or NUL_MESSAGE not in response.content.decode()


def test_deeply_nested_json_is_a_400_before_any_parser_recurses(demo: dict[str, Any]) -> None:
    public_id = demo["practice"].public_id
    body = "[" * 100_000 + "]" * 100_000
    response = Client().post(f"/api/v1/public/inspections/{public_id}/reports", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套过深" in response.json()["detail"]
    # A string full of brackets is text, not nesting.
    body = json.dumps({"anonymous": True, "content": "[" * 200 + "反映食堂问题"})
    response = Client().post(f"/api/v1/public/inspections/{public_id}/reports", body, content_type="application/json")
    assert "嵌套过深" not in response.content.decode()


@pytest.mark.parametrize("url", ["/inspections/{pk}/", "/api/v1/inspections/{pk}", "/triage/inspections/{pk}/stats/csv/"])
def test_what_a_signed_in_user_sees_is_not_cached(clients: dict[str, Client], demo: dict[str, Any], url: str) -> None:
    response = clients["member"].get(url.format(pk=demo["seed000"].pk))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
