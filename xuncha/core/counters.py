"""Fixed-window counters in the shared cache (Redis when configured, else the database cache
`xuncha_cache`): every server process and worker sees the same counts (docs/deploy.md).

Keys are keyed hashes (HMAC with SECRET_KEY) of what is counted, so the cache never holds a client's
address or a username in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def hashed(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def window_hit(name: str, seconds: int) -> tuple[int, int]:
    """Count one event under `name` in the current window of `seconds`: (count so far, seconds left).

    Redis increments atomically; the database cache reads and writes, so under truly simultaneous
    requests a count may be lost (the limit then lets through at most one extra per concurrent worker)."""
    now = int(time.time())
    key = f"xc:win:{name}:{now // seconds}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        used = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        used = 1
    return used, seconds - now % seconds


def window_count(name: str, seconds: int) -> int:
    """The count under `name` in the current window, without counting."""
    return int(cache.get(f"xc:win:{name}:{int(time.time()) // seconds}", 0))
