"""Login throttling that does not reveal accounts and cannot be used to keep a person out.

Nothing is ever locked. Failed attempts (a wrong password, an unknown or inactive account, a wrong
second factor, a wrong old password when changing it) are counted in the shared cache
(xuncha.core.counters) per fixed window of settings.LOGIN_WINDOW_SECONDS, twice:

- per client address (xuncha.core.client): after settings.LOGIN_ADDRESS_FAILURES failures, whatever the
  usernames, that address must wait before its next attempt; the wait doubles with each further failure
  (settings.LOGIN_DELAY_SECONDS, 2×, 4× … up to settings.LOGIN_DELAY_MAX_SECONDS);
- per username *and* address: after settings.LOGIN_MAX_FAILURES failures on one username, the same
  growing wait, for that address and that username only.

A browser in which an account has logged in fully (password and, if enrolled, second factor) keeps a
signed "known device" cookie naming that account (by a keyed hash). Its attempts on that account are
counted under the device instead of the address: people guessing from the same network (a campus NAT)
cannot make the owner wait on the owner's own computer (OWASP "device cookies").

The counts are keyed by the username as typed (normalised), whether or not such an account exists, so
an unknown name and an existing one are answered alike, word for word. A wait applies to the failing
client only: the owner, from another address, is not slowed by someone guessing from elsewhere. During
a wait the password is not checked at all, so guesses cost the attacker time and nothing else.
docs/architecture.md ("登录保护") gives the reasoning.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from xuncha.core.client import client_address
from xuncha.core.counters import hashed, window_hit

FAILED_MESSAGE = "用户名或密码错误。"


def now() -> float:
    return time.time()


def _norm(username: str) -> str:
    return username.strip().casefold()[:150]


def _generation(username: str) -> str:
    """Bumped when the sysadmin clears the account's counts (user_unlock): every old count is forgotten."""
    return str(cache.get(f"xc:login-gen:{hashed('login-gen', _norm(username))}", 0))


DEVICE_COOKIE = "xc_device"
DEVICE_SALT = "xuncha.accounts.known-device"
DEVICE_DAYS = 180
DEVICE_MAX_ACCOUNTS = 5


def _device(request: HttpRequest | None) -> dict[str, object]:
    raw = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("u"), list):
        return {}
    return data


def _source(username: str, request: HttpRequest | None) -> str:
    """Where the attempt is counted: the known device of this account, else the client's address."""
    device = _device(request)
    accounts = device.get("u")
    if isinstance(accounts, list) and hashed("device-user", _norm(username)) in accounts:
        return f"device:{device['d']}"
    return client_address(request)


def remember_device(*, request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a complete login: this browser is a known device of the account."""
    device = _device(request)
    known = device.get("u")
    accounts = [a for a in known if isinstance(a, str)] if isinstance(known, list) else []
    mine = hashed("device-user", _norm(username))
    accounts = ([mine] + [a for a in accounts if a != mine])[:DEVICE_MAX_ACCOUNTS]
    value = signing.dumps({"d": device.get("d") or secrets.token_hex(16), "u": accounts}, salt=DEVICE_SALT, compress=False)
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


def _keys(username: str, request: HttpRequest | None) -> tuple[str, str]:
    address = _source(username, request)
    return (f"login-addr:{hashed('login-addr', address)}",
            f"login-pair:{hashed('login-pair', _norm(username), _generation(username), address)}")


@dataclass(frozen=True)
class Wait:
    seconds: int

    @property
    def message(self) -> str:
        minutes = (self.seconds + 59) // 60
        text = f"{minutes} 分钟" if self.seconds >= 60 else f"{max(self.seconds, 1)} 秒"
        return f"登录尝试过于频繁，请 {text}后再试。"


def wait_for(*, username: str, request: HttpRequest | None) -> Wait | None:
    """The wait this client must still sit out before trying this username, or None."""
    left = 0.0
    for key in _keys(username, request):
        until = cache.get(f"xc:until:{key}")
        if until is not None:
            left = max(left, float(until) - now())
    return Wait(int(left + 0.999)) if left > 0 else None


def failure(*, username: str, request: HttpRequest | None) -> bool:
    """Count one failed attempt; True when this failure starts (or lengthens) a wait for the client."""
    window = int(settings.LOGIN_WINDOW_SECONDS)
    waiting = False
    address_key, pair_key = _keys(username, request)
    for key, free in ((address_key, settings.LOGIN_ADDRESS_FAILURES), (pair_key, settings.LOGIN_MAX_FAILURES)):
        count, _ = window_hit(key, window)
        if count >= int(free):
            delay = min(float(settings.LOGIN_DELAY_SECONDS) * 2 ** (count - int(free)), float(settings.LOGIN_DELAY_MAX_SECONDS))
            cache.set(f"xc:until:{key}", now() + delay, timeout=int(delay) + 1)
            waiting = True
    return waiting


def forget(*, username: str) -> None:
    """The sysadmin clears the account's counts (every address's)."""
    key = f"xc:login-gen:{hashed('login-gen', _norm(username))}"
    cache.set(key, int(cache.get(key, 0)) + 1, timeout=None)
