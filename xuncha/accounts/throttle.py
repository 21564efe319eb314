"""Login throttling that does not reveal accounts and cannot be used to keep a person out.

Nothing is ever locked. Failed attempts (a wrong password, an unknown or inactive account, a wrong
second factor, a wrong old password when changing it) are counted in the shared cache
(xuncha.core.counters) per fixed window of settings.LOGIN_WINDOW_SECONDS, twice:

- per client address (xuncha.core.client): after settings.LOGIN_ADDRESS_FAILURES failures, whatever the
  usernames, that address must wait before its next attempt; the wait doubles with each further failure
  (settings.LOGIN_DELAY_SECONDS, 2×, 4× … up to settings.LOGIN_DELAY_MAX_SECONDS);
- per username *and* address: after settings.LOGIN_MAX_FAILURES failures on one username, the same
  growing wait, for that address and that username only.

The counts are keyed by the username as typed (normalised), whether or not such an account exists, so
an unknown name and an existing one are answered alike, word for word. A wait applies to the failing
client only: the owner, from another address, is not slowed by someone guessing from elsewhere. During
a wait the password is not checked at all, so guesses cost the attacker time and nothing else.
docs/architecture.md ("登录保护") gives the reasoning.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

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


def _keys(username: str, request: HttpRequest | None) -> tuple[str, str]:
    address = client_address(request)
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
