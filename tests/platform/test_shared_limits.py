"""The public rate limits hold across server processes: two separate processes (two gunicorn workers)
on the same embedded database count one client's requests together, through the public API itself.

The test suite's own process uses an in-memory cache (conftest.py); these processes run with the
deployment's settings (no REDIS_URL: the database cache `xuncha_cache`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import json, sys, django
django.setup()
from django.conf import settings
from django.test import Client
import os
expected = "RedisCache" if os.environ.get("REDIS_URL") else "DatabaseCache"
assert settings.CACHES["default"]["BACKEND"].endswith(expected), settings.CACHES
kind, n, remote, forwarded = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
codes = []
for _ in range(n):
    if kind == "lookup":
        codes.append(client.get("/api/v1/public/receipts/1234567890123456").status_code)
    else:
        codes.append(client.post("/api/v1/public/inspections/999999/reports", {"anonymous": True, "content": "x"},
                                 content_type="application/json").status_code)
print(json.dumps(codes))
"""


@pytest.fixture(params=["database", "redis"])
def cache_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """'' for the database cache of the embedded deployment; a private redis-server's URL for the scaled one."""
    if request.param == "database":
        yield ""
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _env(var: Path, cache_url: str = "") -> dict[str, str]:
    env = {**os.environ, "XUNCHA_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "xuncha.settings",
           # The counts, with windows so long that no window boundary falls inside the test (the windows are
           # fixed and aligned to the clock: with 600 s, a run across 14:10:00 would start counting afresh).
           "SECRET_KEY": "shared-limits-test", "RATE_LIMIT_LOOKUP": "30/31536000", "RATE_LIMIT_SUBMIT": "10/31536000",
           "TRUSTED_PROXIES": "10.0.0.1"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    if cache_url:
        env["REDIS_URL"] = cache_url
    return env


def _worker(env: dict[str, str], kind: str, n: int, remote: str = "198.51.100.7", forwarded: str = "") -> list[int]:
    done = subprocess.run([sys.executable, "-c", WORKER, kind, str(n), remote, forwarded], cwd=ROOT, env=env,
                          check=True, timeout=300, capture_output=True, text=True)
    return [int(c) for c in json.loads(done.stdout.strip().splitlines()[-1])]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated embedded database (with the cache table), copied for each test."""
    var = tmp_path_factory.mktemp("migrated") / "var"
    env = _env(var)
    for command in (["migrate", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=600)
    return var / "xuncha.sqlite3"


def test_two_processes_share_the_public_api_limits(tmp_path: Path, cache_url: str, migrated: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    shutil.copy(migrated, var / "xuncha.sqlite3")
    env = _env(var, cache_url)

    # 30 receipt look-ups per window: 20 in one worker, 15 in another.
    first, second = _worker(env, "lookup", 20), _worker(env, "lookup", 15)
    assert 429 not in first
    assert [c == 429 for c in second] == [False] * 10 + [True] * 5

    # 10 submissions per window: 6 in one worker, 6 in another.
    first, second = _worker(env, "submit", 6), _worker(env, "submit", 6)
    assert 429 not in first
    assert [c == 429 for c in second] == [False] * 4 + [True] * 2

    # Behind the trusted proxy, another client (X-Forwarded-For) has its own count; a client that is
    # limited cannot escape by sending the header itself (not from the proxy).
    assert 429 not in _worker(env, "lookup", 3, remote="10.0.0.1", forwarded="203.0.113.5")
    assert _worker(env, "lookup", 1, remote="198.51.100.7", forwarded="203.0.113.77") == [429]
    assert _worker(env, "lookup", 1, remote="10.0.0.1", forwarded="198.51.100.7") == [429]
