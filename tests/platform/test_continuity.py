"""Work continuity on the server side: back to the form after a timeout, the saved-form cookie, keepalive."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_posted_after_the_session_expired_returns_to_its_page_after_login(demo: dict[str, Any]) -> None:
    client = Client()  # the session has expired: anonymous
    form_page = f"/inspections/{demo['seed000'].pk}/"
    response = client.post(f"/inspections/{demo['seed000'].pk}/edit/", {"name": "x"}, HTTP_REFERER=f"http://testserver{form_page}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2Finspections%2F{demo['seed000'].pk}%2F"
    # A Referer from elsewhere is not followed.
    response = client.post(f"/inspections/{demo['seed000'].pk}/edit/", {}, HTTP_REFERER="https://elsewhere.example/x/")
    assert "elsewhere" not in response["Location"]


def test_a_saved_form_tells_the_browser_to_drop_its_draft(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    office = clients["office"]
    inspection = demo["seed000"]
    channel = inspection.channels.first()
    response = office.post(f"/inspections/{inspection.pk}/channels/{channel.pk}/delete/")
    assert response.status_code == 302
    assert response.cookies["xc_saved"].value == f"/inspections/{inspection.pk}/channels/{channel.pk}/delete/"
    assert not response.cookies["xc_saved"]["httponly"]


def test_a_form_shown_again_with_errors_keeps_its_draft(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    response = clients["office"].post("/rounds/", {"name": "", "year": "", "kind": ""})
    assert response.status_code == 200
    assert "xc_saved" not in response.cookies


def test_keepalive_renews_a_session_and_says_when_it_is_gone(clients: dict[str, Client]) -> None:
    assert clients["member"].get("/session/keepalive/").status_code == 204
    assert Client().get("/session/keepalive/").status_code == 401


def test_staff_pages_carry_what_the_idle_warning_needs(clients: dict[str, Client], settings: Any) -> None:
    html = clients["member"].get("/inspections/").content.decode()
    assert f'data-idle-seconds="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'data-keepalive-url="/session/keepalive/"' in html
    assert "js/staff.js" in html


def test_opening_a_post_only_address_explains_itself_in_chinese(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    inspection = demo["seed000"]
    channel = inspection.channels.first()
    response = clients["office"].get(f"/inspections/{inspection.pk}/channels/{channel.pk}/delete/")
    assert response.status_code == 405
    assert "请从页面上提交" in response.content.decode()


def test_logging_out_goes_to_the_plain_login_page(clients: dict[str, Client]) -> None:
    response = clients["member"].post("/accounts/logout/", HTTP_REFERER="http://testserver/inspections/")
    assert response.status_code == 302
    assert "next=" not in response["Location"]
