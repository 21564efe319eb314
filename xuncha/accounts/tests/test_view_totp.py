"""TOTP second factor: enrolment, two-step login, replay, reset by the sysadmin, API tokens."""

from __future__ import annotations

import json
from typing import Any

import pyotp
import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def enrol(client: Client) -> str:
    page = client.get("/accounts/totp/").content.decode()
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    r = client.post("/accounts/totp/", {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302
    return secret


def password_step(username: str) -> Client:
    client = Client()
    r = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/login/totp/"
    return client


def test_enrolment_needs_a_valid_code(clients: dict) -> None:
    c = clients["leader"]
    page = c.get("/accounts/totp/").content.decode()
    assert "data:image/png;base64," in page
    r = c.post("/accounts/totp/", {"code": "000000"})
    assert "动态口令不正确" in r.content.decode()
    assert not User.objects.get(username="leader").totp_enabled


def test_login_with_password_then_code(clients: dict) -> None:
    secret = enrol(clients["leader"])
    assert User.objects.get(username="leader").totp_enabled
    client = password_step("leader")
    # Not signed in before the second step.
    assert client.get("/inspections/").status_code == 302
    # The code used at enrolment cannot be replayed.
    used = User.objects.get(username="leader").totp_last_step
    r = client.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).generate_otp(used)})
    assert "已使用过" in r.content.decode()
    totp = pyotp.TOTP(secret)
    import datetime as dt

    later = totp.at(dt.datetime.now() + dt.timedelta(seconds=30))
    r = client.post("/accounts/login/totp/", {"code": later})
    assert r.status_code == 302
    assert client.get("/inspections/").status_code == 200


def test_wrong_codes_make_the_client_wait(clients: dict, settings: Any) -> None:
    settings.LOGIN_DELAY_SECONDS = 60  # no wait runs out during the test
    enrol(clients["member"])
    client = password_step("member")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/totp/", {"code": "123456"})
    r = client.post("/accounts/login/totp/", {"code": "654321"})  # not even checked

    assert r.status_code == 200 and "登录尝试过于频繁" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_second_step_without_the_first_goes_back_to_login() -> None:
    r = Client().get("/accounts/login/totp/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"


def test_sysadmin_resets_a_lost_authenticator(clients: dict, demo: dict) -> None:
    enrol(clients["leader"])
    leader = User.objects.get(username="leader")
    r = clients["sysadmin"].post(f"/accounts/users/{leader.pk}/", {"action": "totp_reset"})
    assert r.status_code == 302
    leader.refresh_from_db()
    assert not leader.totp_enabled and leader.totp_secret == ""
    # Nobody else can reset it.
    assert clients["office"].post(f"/accounts/users/{leader.pk}/", {"action": "totp_reset"}).status_code == 404


def test_required_mode_sends_unenrolled_staff_to_enrol(clients: dict, settings: Any) -> None:
    settings.TOTP_REQUIRED = True
    r = clients["office"].get("/inspections/")
    assert r.status_code == 302 and r["Location"] == "/accounts/totp/"
    enrol(clients["office"])
    assert clients["office"].get("/inspections/").status_code == 200


def test_api_token_needs_the_code_once_enrolled(clients: dict) -> None:
    secret = enrol(clients["leader"])

    def token(body: dict) -> Any:
        return Client().post("/api/v1/auth/token", json.dumps(body), content_type="application/json")

    r = token({"username": "leader", "password": DEMO_PASSWORD})
    assert r.status_code == 401 and "otp" in r.json()["detail"]
    import datetime as dt

    code = pyotp.TOTP(secret).at(dt.datetime.now() + dt.timedelta(seconds=30))
    r = token({"username": "leader", "password": DEMO_PASSWORD, "otp": code})
    assert r.status_code == 200 and r.json()["token"]


def test_correct_password_does_not_reset_failed_codes(clients: dict, settings: Any) -> None:
    """Alternating right passwords with wrong codes still makes the client wait."""
    settings.LOGIN_DELAY_SECONDS = 60  # no wait runs out during the test
    enrol(clients["member"])
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client = password_step("member")
        client.post("/accounts/login/totp/", {"code": "123456"})
    member = User.objects.get(username="member")
    r = Client().post("/accounts/login/", {"username": "member", "password": DEMO_PASSWORD})
    assert "登录尝试过于频繁" in r.content.decode()
    from xuncha.audit.models import AuditEvent

    assert not AuditEvent.objects.filter(action="auth.login", object_id=str(member.pk)).exists()
