"""The database out of reach: every path answers 503 with Retry-After (never 500), and recovers by itself."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tests.publicapi import PublicClient

pytestmark = pytest.mark.django_db


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize(("path", "signed_in"), [("/p/{public_id}/", False), ("/inspections/", True)])
def test_pages_answer_503_when_the_database_is_down(demo: dict[str, Any], path: str, signed_in: bool) -> None:
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(demo["users"]["member"])
    url = path.format(public_id=demo["practice"].public_id)
    with mock.patch("django.db.models.sql.compiler.SQLCompiler.execute_sql", _down), \
         mock.patch("django.contrib.sessions.backends.db.SessionStore.load", _down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "暂时无法访问" in response.content.decode()
    assert client.get(url).status_code in (200, 302)  # back by itself


def test_the_api_answers_503_json(demo: dict[str, Any]) -> None:
    client = PublicClient(raise_request_exception=False)
    public_id = demo["practice"].public_id
    with mock.patch("django.db.models.sql.compiler.SQLCompiler.execute_sql", _down):
        response = client.post(f"/api/v1/public/inspections/{public_id}/reports", {"anonymous": True, "content": "反映食堂问题"},
                               content_type="application/json")
        token = client.post("/api/v1/auth/token", {"username": "member", "password": "x"}, content_type="application/json")
    assert response.status_code == 503 and "暂时无法访问数据库" in response.json()["detail"]
    assert token.status_code == 503 and response["Retry-After"] == "30"


def test_any_other_failure_is_the_chinese_500_page(demo: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch("xuncha.portal.views.inspection_get_public", side_effect=RuntimeError("bug")):
        response = client.get(f"/p/{demo['practice'].public_id}/")
    assert response.status_code == 500 and "服务器出错" in response.content.decode()
