"""Login throttling (xuncha.accounts.throttle): answers never tell whether an account exists, a guesser
is slowed per address and per username+address, and the owner elsewhere is never kept out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from xuncha.accounts import throttle
from xuncha.audit.models import AuditEvent
from xuncha.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token"
A, B = "198.51.100.10", "203.0.113.20"


@pytest.fixture(autouse=True)
def _long_waits(settings: Any) -> None:
    """Waits of a minute and more: no wait runs out while a test runs, however slow the machine."""
    settings.LOGIN_DELAY_SECONDS = 60


def _page(username: str, password: str, address: str = A) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(URL, {"username": username, "password": password})
    # The page differs only by its fresh CSRF token and the username typed, which it keeps.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, html.replace(f'value="{username}"', 'value="…"')


def _api(username: str, password: str, address: str = A) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(TOKEN_URL, {"username": username, "password": password},
                                                 content_type="application/json")
    return response.status_code, response.content.decode("unicode_escape")


@pytest.mark.parametrize("attempt", [_page, _api])
def test_unknown_and_existing_accounts_get_identical_answers(demo: dict[str, Any], settings: Any, attempt: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        known, unknown = attempt("leader", "wrong"), attempt("no-such-person", "wrong")
        assert known == unknown
        assert known[0] in (200, 401) and "用户名或密码错误。" in known[1]
    # Once the client must wait, the answers are still the same, whether the account exists or not.
    known, unknown = attempt("leader", "wrong"), attempt("no-such-person", "wrong")
    assert known == unknown
    assert "登录尝试过于频繁" in known[1] and "锁定" not in known[1]


def test_the_owner_logs_in_from_elsewhere_while_the_account_is_attacked(demo: dict[str, Any]) -> None:
    for _ in range(8):
        _page("leader", "wrong", address=A)
    assert "登录尝试过于频繁" in _page("leader", DEMO_PASSWORD, address=A)[1]  # the attacker waits, even with the password
    owner = Client(REMOTE_ADDR=B)
    assert owner.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).status_code == 302
    assert "_auth_user_id" in owner.session
    # And through the API.
    assert _api("leader", DEMO_PASSWORD, address=B)[0] == 200


def test_many_usernames_from_one_address_are_throttled(demo: dict[str, Any]) -> None:
    answers = [_page(f"guess{i}", "wrong", address=A)[1] for i in range(30)]
    throttled = [i for i, a in enumerate(answers) if "登录尝试过于频繁" in a]
    assert throttled and throttled[0] == 10  # ten failures per address, then a wait
    assert len(throttled) == 20
    # A real account's right password from that address waits too; another address is unaffected.
    assert "登录尝试过于频繁" in _page("member", DEMO_PASSWORD, address=A)[1]
    assert Client(REMOTE_ADDR=B).post(URL, {"username": "member", "password": DEMO_PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1  # the failure that started the wait


def test_the_wait_grows_and_ends(demo: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    client = Client(REMOTE_ADDR=A)
    waits = []
    client.post(URL, {"username": "leader", "password": "wrong"})  # the first failure is free
    for _ in range(4):
        client.post(URL, {"username": "leader", "password": "wrong"})
        wait = throttle.wait_for(username="leader", request=client.get(URL).wsgi_request)
        assert wait is not None
        waits.append(wait.seconds)
        clock[0] += wait.seconds
    assert waits == [60, 120, 240, 480]
    assert client.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).status_code == 302


def test_the_sysadmin_clears_the_counts(demo: dict[str, Any], settings: Any) -> None:
    from xuncha.accounts.services import user_unlock

    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        _page("leader", "wrong")
    assert "登录尝试过于频繁" in _page("leader", DEMO_PASSWORD)[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        user_unlock(actor=demo["users"]["sysadmin"], user=demo["users"]["leader"])
    assert _page("leader", DEMO_PASSWORD)[0] == 302


def test_the_owners_known_browser_is_not_slowed_by_guessers_on_the_same_network(demo: dict[str, Any]) -> None:
    owner = Client(REMOTE_ADDR=A)
    assert owner.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).status_code == 302
    assert throttle.DEVICE_COOKIE in owner.cookies
    owner.post("/accounts/logout/")
    # Someone behind the same address (a campus NAT) guesses the leader's password and others'.
    for i in range(12):
        _page("leader", "wrong", address=A)
        _page(f"guess{i}", "wrong", address=A)
    assert "登录尝试过于频繁" in _page("leader", DEMO_PASSWORD, address=A)[1]
    # The owner's own browser, with its known-device cookie, logs in at once.
    assert owner.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).status_code == 302
    # The cookie is for the leader only, and cannot be forged.
    assert "登录尝试过于频繁" in owner.post(URL, {"username": "member", "password": DEMO_PASSWORD}).content.decode()
    forged = Client(REMOTE_ADDR=A)
    forged.cookies[throttle.DEVICE_COOKIE] = owner.cookies[throttle.DEVICE_COOKIE].value[:-2] + "xx"
    assert "登录尝试过于频繁" in forged.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).content.decode()


def test_a_known_browser_that_fails_waits_on_its_own(demo: dict[str, Any], settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    owner = Client(REMOTE_ADDR=A)
    owner.post(URL, {"username": "leader", "password": DEMO_PASSWORD})
    owner.post("/accounts/logout/")
    for _ in range(3):
        owner.post(URL, {"username": "leader", "password": "wrong"})
    assert "登录尝试过于频繁" in owner.post(URL, {"username": "leader", "password": DEMO_PASSWORD}).content.decode()
    assert Client(REMOTE_ADDR=B).post(URL, {"username": "leader", "password": DEMO_PASSWORD}).status_code == 302
