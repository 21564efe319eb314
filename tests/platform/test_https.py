"""HTTPS settings from the environment (HSTS, the redirect, the proxy's scheme header), and no copy of a
case kept by a browser or proxy: case pages and case API answers carry Cache-Control: no-store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from xuncha.demo.loader import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
r = Client().get("/accounts/login/", secure=True)
plain = Client().get("/accounts/login/")
print(json.dumps({"hsts": r.get("Strict-Transport-Security", ""), "redirect": settings.SECURE_SSL_REDIRECT,
                  "plain_status": plain.status_code, "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
                  "proxies": settings.TRUSTED_PROXIES}))
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    full = {**os.environ, "XUNCHA_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "xuncha.settings",
            "SECRET_KEY": "https-test", **env}
    for name in ("DATABASE_URL", "REDIS_URL", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "TRUSTED_PROXIES"):
        if name not in env:
            full.pop(name, None)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=full, check=True, timeout=120, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_https_settings_come_from_the_environment(tmp_path: Path) -> None:
    default = _probe(tmp_path)
    assert default["hsts"] == "" and default["redirect"] is False and default["plain_status"] == 200
    assert default["proxy_header"] is None  # no proxy configured: X-Forwarded-Proto is not believed

    configured = _probe(tmp_path, SECURE_HSTS_SECONDS="31536000", SECURE_SSL_REDIRECT="1", TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert configured["hsts"] == "max-age=31536000"
    assert configured["redirect"] is True and configured["plain_status"] == 301
    assert configured["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert configured["proxies"] == ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.django_db
def test_case_pages_and_token_api_answers_are_not_stored(demo: dict[str, Any], register: Any) -> None:
    report = register("反映食堂招标问题。")
    member = Client()
    member.force_login(demo["users"]["member"])
    page = member.get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    token = Client().post("/api/v1/auth/token", {"username": "member", "password": DEMO_PASSWORD},
                          content_type="application/json").json()["token"]
    for url in (f"/api/v1/reports/{report.pk}", f"/api/v1/inspections/{demo['seed000'].pk}"):
        answer = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 200 and "no-store" in answer["Cache-Control"], url
