"""The product's settings, unchanged except for the URLconf (which adds the minimal view) and the public
API's proof-of-work check (off: the load client replays one body).

Used only by bench/intake.py: ``DJANGO_SETTINGS_MODULE=bench.minimal.settings gunicorn xuncha.wsgi``.
Middleware, database, cache and everything else come from xuncha.settings and its environment, so
the minimal view and the public API run through the same stack in the same worker processes.
"""

import os

from xuncha.settings import *  # noqa: F403
from xuncha.settings import CACHES

ROOT_URLCONF = "bench.minimal.urls"
# The load client replays one body: it does no proof of work (the check's cost is one sha256 and one
# cache add; bench/intake.py measures the intake path behind it).
PUBLIC_API_CHALLENGE = False

# A shared Redis may hold other installations' keys (the calendar cache, rate-limit counters):
# the bench keeps its own under a prefix, and deletes them when it ends.
if os.environ.get("XUNCHA_BENCH_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["XUNCHA_BENCH_CACHE_PREFIX"]
