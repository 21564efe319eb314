from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import DEMO_TODAY
from xuncha.fieldwork.models import Interview

from .conftest import stamp_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch: Any) -> None:
    monkeypatch.setattr("xuncha.portal.services.timezone.localdate", lambda *a, **k: DEMO_TODAY)
    monkeypatch.setattr("xuncha.portal.views.timezone.localdate", lambda *a, **k: DEMO_TODAY)


def test_someone_asks_to_talk_gets_a_code_once_and_looks_it_up(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    c = Client()
    assert "申请个别谈话" in c.get(reverse("portal:inspection", args=[practice.public_id])).content.decode()
    url = reverse("portal:talk_request", args=[practice.public_id])
    page = c.get(url)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    bad = c.post(url, {"stamp": stamp_of(page.content.decode()), "homepage": "", "name": "李四", "contact": "", "topic": "食堂"})
    assert bad.status_code == 400 and 'value="李四"' in bad.content.decode()
    r = c.post(url, {"stamp": stamp_of(page.content.decode()), "homepage": "", "name": "李四", "contact": "13900002222",
                     "topic": "食堂承包问题"})
    assert r.status_code == 302
    receipt = c.get(reverse("portal:talk_receipt")).content.decode()
    code = re.search(r'id="receipt">([\d ]+)<', receipt).group(1)  # type: ignore[union-attr]
    again = c.get(reverse("portal:talk_receipt")).content.decode()
    assert "只显示一次" in again and code not in again
    it = Interview.objects.get(inspection=practice, category="requested")
    assert "李四" not in str(it.identity_sealed) and it.request_topic == "食堂承包问题"
    status = c.post(reverse("portal:talk_lookup"), {"code": code})
    assert status.status_code == 200 and "巡察组正在安排" in status.content.decode()
    assert c.post(reverse("portal:talk_lookup"), {"code": "1234 5678 9012 3456"}).status_code == 404


def test_honeypot_and_missing_stamp_are_refused(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    url = reverse("portal:talk_request", args=[practice.public_id])
    c = Client()
    assert c.post(url, {"name": "李四", "contact": "1390000"}).status_code == 400
    stamp = stamp_of(c.get(url).content.decode())
    assert c.post(url, {"stamp": stamp, "homepage": "x", "name": "李四", "contact": "1390000"}).status_code == 400
    assert not Interview.objects.filter(inspection=practice).exists()


def test_rate_limited(demo: dict[str, Any], settings: Any) -> None:
    settings.RATE_LIMIT_SUBMIT = "1/3600"
    practice = demo["practice"]
    url = reverse("portal:talk_request", args=[practice.public_id])
    c = Client()
    for expected in (302, 429):
        stamp = stamp_of(c.get(url).content.decode())
        assert c.post(url, {"stamp": stamp, "homepage": "", "name": "李四", "contact": "1390000"}).status_code == expected


def test_closed_window_refuses(demo: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr("xuncha.portal.services.timezone.localdate", lambda *a, **k: dt.date(2030, 1, 1))
    seed = demo["practice"]
    assert Client().get(reverse("portal:talk_request", args=[seed.public_id])).status_code in (403, 410)
