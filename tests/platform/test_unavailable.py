"""The database out of reach: every path answers 503 with Retry-After (never 500), and recovers by itself."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tests.publicapi import PublicClient

pytestmark = pytest.mark.django_db


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize(("path", "signed_in"), [("/p/{public_id}/", False), ("/inspections/", True)])
def test_pages_answer_503_when_the_database_is_down(demo: dict[str, Any], path: str, signed_in: bool) -> None:
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(demo["users"]["member"])
    url = path.format(public_id=demo["practice"].public_id)
    with mock.patch("django.db.models.sql.compiler.SQLCompiler.execute_sql", _down), \
         mock.patch("django.contrib.sessions.backends.db.SessionStore.load", _down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "暂时无法访问" in response.content.decode()
    assert client.get(url).status_code in (200, 302)  # back by itself


def test_the_api_answers_503_json(demo: dict[str, Any]) -> None:
    client = PublicClient(raise_request_exception=False)
    public_id = demo["practice"].public_id
    with mock.patch("django.db.models.sql.compiler.SQLCompiler.execute_sql", _down):
        response = client.post(f"/api/v1/public/inspections/{public_id}/reports", {"anonymous": True, "content": "反映食堂问题"},
                               content_type="application/json")
        token = client.post("/api/v1/auth/token", {"username": "member", "password": "x"}, content_type="application/json")
    assert response.status_code == 503 and "暂时无法访问数据库" in response.json()["detail"]
    assert token.status_code == 503 and response["Retry-After"] == "30"


def test_an_unreadable_database_file_is_a_503_too(demo: dict[str, Any]) -> None:
    """SQLite answers "file is not a database" (a bare DatabaseError) while its files are moved or restored."""
    from django.db import DatabaseError, IntegrityError

    client = Client(raise_request_exception=False)
    with mock.patch("xuncha.portal.views.inspection_get_public", side_effect=DatabaseError("file is not a database")):
        response = client.get(f"/p/{demo['practice'].public_id}/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    with mock.patch("xuncha.portal.views.inspection_get_public", side_effect=IntegrityError("bug")):
        response = client.get(f"/p/{demo['practice'].public_id}/")
    assert response.status_code == 500


def test_any_other_failure_is_the_chinese_500_page(demo: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch("xuncha.portal.views.inspection_get_public", side_effect=RuntimeError("bug")):
        response = client.get(f"/p/{demo['practice'].public_id}/")
    assert response.status_code == 500 and "服务器出错" in response.content.decode()


# --- the database wholly out of reach (sessions, the database cache, every query) --------------------

DB_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xuncha_cache"}}


@pytest.fixture
def db_cache(settings: Any) -> None:
    """The embedded deployment's cache: a table in the same database (so rate limits fail with it)."""
    from django.core.management import call_command

    settings.CACHES = DB_CACHE
    call_command("createcachetable", verbosity=0)


def _database_down() -> Any:
    return mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", _down)


FORM = {"mode": "anonymous", "content": "学校食堂承包给校长亲属，饭菜价格高质量差。", "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "0", "subjects-MIN_NUM_FORMS": "0", "subjects-MAX_NUM_FORMS": "10"}

# Every way in: (method, path, body, signed in as, JSON?). Two pages need no database and still answer
# (the look-up form and the login form); the POSTs behind them do not.
PATHS = [
    ("get", "/p/{public_id}/", None, None, False),
    ("post", "/p/{public_id}/", FORM, None, False),
    ("post", "/p/receipt/", {"code": "ABCD-EFGH-JKLM-NPQR"}, None, False),
    ("post", "/accounts/login/", {"username": "member", "password": "x"}, None, False),
    ("get", "/todo/", None, "member", False),
    ("get", "/inspections/", None, "office", False),
    ("post", "/api/v1/public/inspections/{public_id}/reports", {"anonymous": True, "content": "反映食堂问题"}, None, True),
    ("get", "/api/v1/public/receipts/ABCDEFGHJKLMNPQR", None, None, True),
    ("post", "/api/v1/auth/token", {"username": "member", "password": "x"}, None, True),
    ("get", "/api/v1/inspections", None, "member", True),
]


@pytest.mark.parametrize(("method", "path", "body", "user", "json"), PATHS,
                         ids=[f"{m} {p}" for m, p, *_ in PATHS])
def test_every_path_answers_503_and_recovers(demo: dict[str, Any], db_cache: None, method: str, path: str,
                                             body: dict[str, Any] | None, user: str | None, json: bool) -> None:
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    if user:
        client.force_login(demo["users"][user])
    url = path.format(public_id=demo["practice"].public_id)
    kwargs: dict[str, Any] = {"content_type": "application/json"} if json and body is not None else {}
    with _database_down():
        response = getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "30"
    assert "no-store" in response.get("Cache-Control", "")
    if json:
        assert "暂时无法访问数据库" in response.json()["detail"] or "暂时无法保存" in response.json()["detail"]
    else:
        text = response.content.decode()
        assert "暂时无法" in text and "Traceback" not in text
        if method == "post":
            assert "返回并重新提交" in text or "您填写的文字都还在下面" in text
    # Back by itself: the next request reaches the database again.
    again = getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
    assert again.status_code != 503


def test_the_public_form_503_keeps_the_text_and_leads_back_to_the_form(demo: dict[str, Any], db_cache: None) -> None:
    client = Client(raise_request_exception=False)
    url = f"/p/{demo['practice'].public_id}/"
    with _database_down():
        response = client.post(url, {**FORM, "content": "<b>食堂</b>账目不公开"}, HTTP_REFERER=f"http://testserver{url}")
    text = response.content.decode()
    assert response.status_code == 503
    assert f'href="{url}"' in text and "返回并重新提交" in text
    assert "&lt;b&gt;食堂&lt;/b&gt;账目不公开" in text  # shown to copy, escaped
    assert 'class="public"' in text


def test_the_back_link_never_leads_off_site(demo: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    url = f"/p/{demo['practice'].public_id}/"
    with _database_down():
        response = client.post(url, FORM, HTTP_REFERER="https://evil.example/phish")
    assert f'href="{url}"' in response.content.decode() and "evil" not in response.content.decode()


def test_an_addition_of_a_looked_up_report_answers_503_and_keeps_the_text(demo: dict[str, Any], db_cache: None) -> None:
    from xuncha.portal.services import public_report_submit

    registered = public_report_submit(inspection=demo["practice"], content="食堂饭菜价格高。", reporter=None, subjects=[], files=[])
    client = Client(raise_request_exception=False)
    assert client.post("/p/receipt/", {"code": registered.receipt_code}).status_code == 302
    with _database_down():
        response = client.post("/p/receipt/add/", {"content": "补充：食堂账目不公开。"}, HTTP_REFERER="http://testserver/p/receipt/")
    text = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "返回并重新提交" in text and 'href="/p/receipt/"' in text and "补充：食堂账目不公开。" in text
    assert client.get("/p/receipt/").status_code == 200  # the look-up survived the outage


@pytest.mark.django_db
def test_a_triage_failure_after_the_commit_does_not_turn_a_registered_report_into_a_failure(
        demo: dict[str, Any], django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture) -> None:
    """The database drops between the registration's commit and the inline triage: the reporter still
    gets the receipt code (the report is registered); the catch-up job triages it later."""
    import datetime as dt

    from xuncha.intake.models import Report
    from xuncha.triage.models import Triage
    from xuncha.triage.tasks import triage_pending

    client = PublicClient(raise_request_exception=False)
    url = f"/api/v1/public/inspections/{demo['practice'].public_id}/reports"
    with mock.patch("xuncha.triage.services.report_triage", _down), \
         mock.patch("xuncha.triage.tasks.report_triage", _down), \
         mock.patch("xuncha.triage.drain.report_triage", _down), \
         django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"anonymous": True, "content": "食堂招标不公开，指定供应商。"}, content_type="application/json")
    assert response.status_code == 201, response.content
    report = Report.objects.get(content="食堂招标不公开，指定供应商。")
    assert not Triage.objects.filter(report=report).exists()
    assert "on_commit" in caplog.text  # logged by Django's robust on-commit
    assert triage_pending() == {"triaged": 0}  # too fresh: its own hook may still be running
    Report.objects.filter(pk=report.pk).update(created_at=report.created_at - dt.timedelta(minutes=5))
    assert triage_pending() == {"triaged": 1}
    assert Triage.objects.filter(report=report).exists()
