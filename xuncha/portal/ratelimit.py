"""Per-client rate limits for the public pages and the public API (cache-based, fixed windows).

A rate is "count/seconds" (settings.RATE_LIMIT_SUBMIT, settings.RATE_LIMIT_LOOKUP). The client is
identified by REMOTE_ADDR; only a keyed hash of the address goes into the cache, so the cache never
holds reporters' addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

SCOPES = {"submit": "RATE_LIMIT_SUBMIT", "lookup": "RATE_LIMIT_LOOKUP"}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends

    @property
    def wait_text(self) -> str:
        """A kind Chinese phrase for how long to wait."""
        minutes = (self.retry_after + 59) // 60
        return f"{minutes} 分钟" if self.retry_after >= 60 else f"{max(self.retry_after, 1)} 秒"


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return max(int(count), 0), max(int(seconds or 1), 1)


def client_key(request: HttpRequest) -> str:
    address = str(request.META.get("REMOTE_ADDR", ""))
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(scope: str, request: HttpRequest) -> Verdict:
    """Count one attempt of this client in this scope; allowed is False once the limit is passed."""
    count, seconds = parse_rate(getattr(settings, SCOPES[scope]))
    now = int(time.time())
    window = now // seconds
    key = f"portal:rate:{scope}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        used = 1
    return Verdict(used <= count, seconds - now % seconds)
