"""The public API's edge: content types (415), the Origin check (403), the proof-of-work challenge."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from tests.publicapi import CHALLENGE_URL, PublicClient, challenge_headers
from xuncha.intake.models import Report
from xuncha.portal import challenge
from xuncha.portal.challenge import solve

pytestmark = pytest.mark.django_db
BODY = json.dumps({"anonymous": True, "content": "反映食堂招标问题。"}, ensure_ascii=False)


def _url(inspection: Any) -> str:
    return f"/api/v1/public/inspections/{inspection.pk}/reports"


@pytest.mark.parametrize(("body", "content_type"), [
    ("anonymous=true&content=x", "application/x-www-form-urlencoded"),
    (BODY, "text/plain"),
    (BODY, "application/xml"),
    (BODY, ""),
])
def test_only_json_and_multipart_are_accepted(demo: dict[str, Any], body: str, content_type: str) -> None:
    response = PublicClient().post(_url(demo["practice"]), body, content_type=content_type)
    assert response.status_code == 415
    assert "application/json 或 multipart/form-data" in response.json()["detail"]
    assert not Report.objects.filter(inspection=demo["practice"], content__contains="x").exists()


def test_json_with_a_charset_is_json(demo: dict[str, Any]) -> None:
    response = PublicClient().post(_url(demo["practice"]), BODY, content_type="application/json; charset=utf-8")
    assert response.status_code == 201


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:8000.evil.example"])
def test_a_page_of_another_site_is_refused(demo: dict[str, Any], origin: str) -> None:
    client = PublicClient(HTTP_ORIGIN=origin)
    response = client.post(_url(demo["practice"]), BODY, content_type="application/json", **challenge_headers(Client()))
    assert response.status_code == 403
    assert "其他网站" in response.json()["detail"]
    assert client.get("/api/v1/public/receipts/1234567890123456").status_code == 403
    assert client.get(CHALLENGE_URL).status_code == 403
    assert not Report.objects.filter(inspection=demo["practice"], content="反映食堂招标问题。").exists()


@pytest.mark.parametrize("origin", ["http://testserver", "http://127.0.0.1:8000", "https://xuncha.example.edu.cn"])
def test_this_site_and_configured_sites_are_accepted(demo: dict[str, Any], settings: Any, origin: str) -> None:
    settings.PUBLIC_API_ORIGINS = ["https://xuncha.example.edu.cn"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = PublicClient(HTTP_ORIGIN=origin).post(_url(demo["practice"]), BODY, content_type="application/json")
    assert response.status_code == 201


def _post(demo: dict[str, Any], **headers: str) -> Any:
    return Client().post(_url(demo["practice"]), BODY, content_type="application/json", **headers)


def test_a_submission_without_the_work_is_refused(demo: dict[str, Any]) -> None:
    response = _post(demo)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "X-Challenge"
    assert "/api/v1/public/challenge" in response.json()["detail"]
    assert not Report.objects.filter(content="反映食堂招标问题。").exists()


def test_a_challenge_is_used_once(demo: dict[str, Any]) -> None:
    headers = challenge_headers(Client())
    assert _post(demo, **headers).status_code == 201
    again = _post(demo, **headers)
    assert again.status_code == 400 and "已使用过" in again.json()["detail"]
    assert Report.objects.filter(content="反映食堂招标问题。").count() == 1


def test_the_work_must_be_done(demo: dict[str, Any], settings: Any) -> None:
    settings.PUBLIC_API_POW_BITS = 12
    issued = Client().get(CHALLENGE_URL).json()
    assert issued["difficulty"] == 12 and issued["expires_in"] == 600
    nonce = solve(issued["challenge"], 12)
    wrong = next(str(n) for n in range(1000) if challenge.leading_zero_bits(
        hashlib.sha256(f"{issued['challenge']}{n}".encode()).digest()) < 12)
    response = _post(demo, HTTP_X_CHALLENGE=issued["challenge"], HTTP_X_CHALLENGE_NONCE=wrong)
    assert response.status_code == 400 and "计算结果不满足要求" in response.json()["detail"]
    assert _post(demo, HTTP_X_CHALLENGE=issued["challenge"], HTTP_X_CHALLENGE_NONCE=nonce).status_code == 201


def test_a_forged_or_easier_challenge_is_refused(demo: dict[str, Any], settings: Any) -> None:
    forged = signing.dumps({"r": "x" * 32, "t": int(time.time()), "d": 0}, salt="another-salt", compress=False)
    response = _post(demo, HTTP_X_CHALLENGE=forged, HTTP_X_CHALLENGE_NONCE="1")
    assert response.status_code == 400 and "无效" in response.json()["detail"]
    # A genuine challenge issued at 0 bits must still meet today's difficulty.
    settings.PUBLIC_API_POW_BITS = 0
    easy = Client().get(CHALLENGE_URL).json()["challenge"]
    settings.PUBLIC_API_POW_BITS = 16
    nonce = next(str(n) for n in range(100) if challenge.leading_zero_bits(
        hashlib.sha256(f"{easy}{n}".encode()).digest()) < 16)
    assert _post(demo, HTTP_X_CHALLENGE=easy, HTTP_X_CHALLENGE_NONCE=nonce).status_code == 400


def test_an_expired_challenge_is_refused(demo: dict[str, Any], settings: Any) -> None:
    old = signing.dumps({"r": "y" * 32, "t": int(time.time()) - 10_000, "d": 4}, salt=challenge.SALT, compress=False)
    settings.PUBLIC_API_POW_SECONDS = 1
    time_now = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: time_now() + 5)
        response = _post(demo, HTTP_X_CHALLENGE=old, HTTP_X_CHALLENGE_NONCE=solve(old, 4))
    assert response.status_code == 400 and "已过期" in response.json()["detail"]


def test_the_challenge_is_not_cached_and_documented(demo: dict[str, Any]) -> None:
    response = Client().get(CHALLENGE_URL)
    assert response["Cache-Control"] == "no-store, private"
    staff = Client()
    staff.force_login(demo["users"]["office"])  # the API's documentation is for signed-in staff
    spec = staff.get("/api/v1/openapi.json").json()
    assert "/api/v1/public/challenge" in spec["paths"]
    report = spec["paths"]["/api/v1/public/inspections/{inspection_id}/reports"]["post"]
    assert {"X-Challenge", "X-Challenge-Nonce"} <= {p["name"] for p in report["parameters"]}
    assert "415" in report["responses"]
