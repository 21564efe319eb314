"""API authentication: token, Bearer, session, none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xuncha.accounts.models import ApiToken, User
from xuncha.audit.models import AuditEvent
from xuncha.core.sm import sm3_hex
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def _token(username: str, password: str) -> Any:
    return Client().post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_for_the_right_password(demo: dict[str, Any]) -> None:
    response = _token("leader", DEMO_PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    stored = ApiToken.objects.get(user__username="leader")
    assert stored.token_hash == sm3_hex(token.encode()) and token not in stored.token_hash
    assert AuditEvent.objects.filter(action="auth.api_token", actor_name="leader").exists()
    assert AuditEvent.objects.filter(action="auth.login", actor_name="leader").exists()


def test_wrong_password_is_401_in_chinese(demo: dict[str, Any]) -> None:
    response = _token("leader", "wrong")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误。"}
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_the_token_endpoint_honours_the_lock_out(demo: dict[str, Any], settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    _token("leader", "wrong")
    _token("leader", "wrong")
    response = _token("leader", DEMO_PASSWORD)
    assert response.status_code == 401
    assert "账号已锁定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_malformed_token_request_is_400_in_chinese(demo: dict[str, Any]) -> None:
    response = Client().post(TOKEN_URL, {"username": "leader"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求参数有误：")
    assert "password" in response.json()["detail"]


def test_bearer_token_works(demo: dict[str, Any]) -> None:
    token = _token("other_leader", DEMO_PASSWORD).json()["token"]
    response = Client().get("/api/v1/inspections", **_bearer(token))
    assert response.status_code == 200
    assert [i["id"] for i in response.json()] == [demo["other"].pk]


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc", "Basic b2ZmaWNlOng="])
def test_a_bad_authorization_header_is_401(demo: dict[str, Any], header: str) -> None:
    response = Client().get("/api/v1/inspections", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效。"}


def test_an_expired_token_is_401(demo: dict[str, Any]) -> None:
    token = _token("office", DEMO_PASSWORD).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/inspections", **_bearer(token)).status_code == 401


def test_a_token_of_a_deactivated_user_is_401(demo: dict[str, Any]) -> None:
    token = _token("office", DEMO_PASSWORD).json()["token"]
    User.objects.filter(username="office").update(is_active=False)
    assert Client().get("/api/v1/inspections", **_bearer(token)).status_code == 401


def test_session_works(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["liaison"].get("/api/v1/inspections")
    assert response.status_code == 200
    assert len(response.json()) == 3


@pytest.mark.parametrize("url", ["/api/v1/inspections", "/api/v1/inspections/1",
                                 "/api/v1/calendar/add-working-days?start=2024-09-25&days=15",
                                 "/api/v1/calendar/within-hours?channel=1&at=2024-09-29T10:00:00%2B08:00"])
def test_no_auth_is_401(demo: dict[str, Any], url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效。"}


def test_docs_and_schema_load(clients: Any) -> None:
    client = clients["office"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Served from our own static files: no CDN on an intranet.
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/inspections", "/api/v1/calendar/add-working-days", "/api/v1/calendar/within-hours"):
        assert path in paths
