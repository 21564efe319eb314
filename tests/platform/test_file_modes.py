"""What the embedded deployment writes to disk is readable by the service's account only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_data_folder_the_database_and_the_key_are_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {**os.environ, "XUNCHA_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "xuncha.settings"}
    env.pop("DATABASE_URL", None)
    code = ("import django; django.setup(); from xuncha.keys import key_ring; key_ring()")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
    assert var.stat().st_mode & 0o777 == 0o700
    assert (var / "xuncha.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (var / "keys" / "identity.key").stat().st_mode & 0o777 == 0o600
    assert (var / "keys").stat().st_mode & 0o777 == 0o700


def test_uploads_are_written_private() -> None:
    from django.conf import settings

    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600 and settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_without_redis_the_cache_is_shared_by_every_server_process(tmp_path: Path) -> None:
    """Two processes (two gunicorn workers) count one client's attempts together."""
    var = tmp_path / "var"
    env = {**os.environ, "XUNCHA_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "xuncha.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True, timeout=120)
    hit = ("import django; django.setup(); from django.test import RequestFactory; from xuncha.portal.ratelimit import hit; "
           "r = RequestFactory().get('/', REMOTE_ADDR='203.0.113.9'); print(sum(not hit('lookup', r).allowed for _ in range(20)))")
    env["RATE_LIMIT_LOOKUP"] = "30/600"
    denied = [int(subprocess.run([sys.executable, "-c", hit], cwd=ROOT, env=env, check=True, timeout=120,
                                 capture_output=True, text=True).stdout.strip()) for _ in range(2)]
    assert denied == [0, 10]  # 40 attempts from two processes against a limit of 30
