"""Per-client rate limits for the public pages and the public API (cache-based, fixed windows).

A rate is "count/seconds" (settings.RATE_LIMIT_SUBMIT, settings.RATE_LIMIT_LOOKUP, settings.RATE_LIMIT_SURVEY). The client is
identified by its address (xuncha.core.client: REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy);
only a keyed hash of the address goes into the cache, so the cache never holds reporters' addresses.
The counts live in the shared cache (xuncha.core.counters), so they hold across all server processes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from xuncha.core.client import client_address
from xuncha.core.counters import hashed, window_hit

SCOPES = {"submit": "RATE_LIMIT_SUBMIT", "lookup": "RATE_LIMIT_LOOKUP", "survey": "RATE_LIMIT_SURVEY"}


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
    return hashed("client", client_address(request))


def hit(scope: str, request: HttpRequest) -> Verdict:
    """Count one attempt of this client in this scope; allowed is False once the limit is passed."""
    count, seconds = parse_rate(getattr(settings, SCOPES[scope]))
    used, left = window_hit(f"portal:{scope}:{client_key(request)}", seconds)
    return Verdict(used <= count, left)
