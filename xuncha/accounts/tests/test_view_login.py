"""Login and logout (/accounts/login/, /accounts/logout/): Chinese messages, lock-out, audit, safe redirects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
URL = "/accounts/login/"


def _login(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post(URL, {"username": username, "password": password, **extra})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_in_chinese(demo: dict[str, Any]) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("登录巡察通", "用户名", "密码", 'lang="zh-CN"'):
        assert text in html


def test_anonymous_is_sent_to_login_with_next(demo: dict[str, Any]) -> None:
    response = Client().get("/inspections/")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?next=/inspections/"


def test_successful_login_is_audited_and_lands_home(demo: dict[str, Any]) -> None:
    client = Client()
    response = _login(client, "office", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert (event.actor_name, event.object_id) == ("office", str(demo["users"]["office"].pk))


def test_wrong_password_is_refused_in_chinese_and_audited(demo: dict[str, Any]) -> None:
    client = Client()
    response = _login(client, "office", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码错误。" in html
    assert 'value="office"' in html
    assert not _logged_in(client)
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.actor_name == "公众" and event.actor_id is None
    assert event.object_id == str(demo["users"]["office"].pk)


def test_unknown_user_gets_the_same_message(demo: dict[str, Any]) -> None:
    response = _login(Client(), "nobody", "whatever")
    assert "用户名或密码错误。" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.object_id == "" and "nobody" in event.summary


def test_an_old_lock_is_not_honoured_any_more(demo: dict[str, Any]) -> None:
    """Nothing locks an account now (xuncha.accounts.throttle); a lock left from before does not keep its owner out."""
    User.objects.filter(username="leader").update(locked_until=timezone.now() + dt.timedelta(minutes=10), failed_logins=4)
    client = Client()
    assert _login(client, "leader", DEMO_PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_lock_expires(demo: dict[str, Any]) -> None:
    User.objects.filter(username="leader").update(locked_until=timezone.now() - dt.timedelta(seconds=1), failed_logins=2)
    client = Client()
    assert _login(client, "leader", DEMO_PASSWORD).status_code == 302
    assert _logged_in(client)
    user = User.objects.get(username="leader")
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_an_inactive_account_cannot_log_in(demo: dict[str, Any]) -> None:
    User.objects.filter(username="member").update(is_active=False)
    client = Client()
    assert "用户名或密码错误。" in _login(client, "member", DEMO_PASSWORD).content.decode()
    assert not _logged_in(client)


def test_missing_fields_are_reported_in_chinese(demo: dict[str, Any]) -> None:
    response = Client().post(URL, {"username": "office"})
    assert "请填写密码。" in response.content.decode()  # a plain sentence naming the field (xuncha.web.ChineseErrorsMixin)


@pytest.mark.parametrize("next_url", ["/inspections/", "/audit/?action=auth"])
def test_a_local_next_is_followed(demo: dict[str, Any], next_url: str) -> None:
    response = _login(Client(), "office", DEMO_PASSWORD, next=next_url)
    assert response["Location"] == next_url


@pytest.mark.parametrize("next_url", ["https://evil.example/phish", "//evil.example/", "http://testserver.evil.example/",
                                      "javascript:alert(1)", "\\\\evil.example", "https:///evil.example"])
def test_an_open_redirect_in_next_is_refused(demo: dict[str, Any], next_url: str) -> None:
    client = Client()
    response = _login(client, "office", DEMO_PASSWORD, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)


def test_next_from_the_query_string_is_kept_in_the_form(demo: dict[str, Any]) -> None:
    html = Client().get(URL, {"next": "/targets/"}).content.decode()
    assert '<input type="hidden" name="next" value="/targets/">' in html


def test_logout_is_post_only(clients: Any) -> None:
    client = clients["office"]
    assert client.get("/accounts/logout/").status_code == 405
    assert _logged_in(client)

    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "已退出登录。" in response.content.decode()
    assert not _logged_in(client)
    assert client.get("/inspections/").status_code == 302


def test_logout_needs_the_csrf_token(demo: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["users"]["office"])
    assert client.post("/accounts/logout/").status_code == 403
    assert _logged_in(client)


def test_login_needs_the_csrf_token(demo: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "office", DEMO_PASSWORD).status_code == 403
    assert not _logged_in(client)
