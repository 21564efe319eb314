"""Helpers for the public pages' tests: a page's form stamp, a complete form post, a quick minimum time."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

SITE_EXTERNAL = re.compile(r"https?://[^\s\"'<>）)]+")


@pytest.fixture(autouse=True)
def _no_minimum_time(settings: Any) -> None:
    """The form's minimum time is 0 in tests, except where a test sets it to check it."""
    settings.PORTAL_FORM_MIN_SECONDS = 0


def page_url(inspection: Any) -> str:
    return reverse("portal:inspection", args=[inspection.public_id])


def stamp_of(html: str) -> str:
    match = re.search(r'name="stamp" value="([^"]+)"', html)
    assert match, "the form carries a signed stamp"
    return match.group(1)


def form_data(client: Client, inspection: Any, **fields: Any) -> dict[str, Any]:
    """What a browser posts: the stamp of a freshly rendered page, an empty honeypot, 3 subject rows."""
    html = client.get(page_url(inspection)).content.decode()
    data: dict[str, Any] = {
        "stamp": stamp_of(html), "homepage": "", "mode": "anonymous", "content": "",
        "name": "", "phone": "", "role": "", "unit": "", "email": "", "address": "",
        "subjects-TOTAL_FORMS": "3", "subjects-INITIAL_FORMS": "0", "subjects-MIN_NUM_FORMS": "0", "subjects-MAX_NUM_FORMS": "10",
    }
    for i in range(3):
        data.update({f"subjects-{i}-name": "", f"subjects-{i}-post": "", f"subjects-{i}-category": "unsure"})
    data.update(fields)
    return data


def real_name(**extra: Any) -> dict[str, Any]:
    return {"mode": "real", "name": "韦秀兰", "phone": "13977001234", "role": "teacher", "unit": "机电工程学院",
            "email": "", "address": "", **extra}
