"""The public page of an inspection (/p/<uuid>/): no login, the announcement, the channels, strict CSP."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(inspection: Any) -> Any:
    return Client().get(reverse("portal:inspection", args=[inspection.public_id]))


@pytest.fixture
def today(monkeypatch: Any) -> Any:
    """Set the portal's today."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr("xuncha.portal.views.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


def test_seed000_shows_the_announcement_and_every_channel(demo: dict[str, Any], today: Any) -> None:
    today(dt.date(2024, 9, 26))
    response = _page(demo["seed000"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "受理中：2024年9月25日至2024年10月18日" in html
    assert 'id="announcement"' in html and "2024年10月18日" in html
    table = html[html.index("<h2>受理渠道</h2>"):html.index("<h2>受理范围</h2>")]
    assert table.count("<tr>") == 1 + 5
    for fact in ("0571-86837284", "工作日08:30-11:30", "工作日13:30-16:30", "tjxcz2@zjedu.gov.cn",
                 "浙江省杭州市拱墅区文晖路321号省委教育工委1914室（邮编310014）",
                 "中国计量大学(下沙校区)西区仰仪南楼一楼西侧楼梯口", "中国计量大学(下沙校区)西区仰仪中楼一楼西侧楼梯口"):
        assert fact in table
    assert 'id="closed-notice"' not in html


def test_no_staff_information_leaks(demo: dict[str, Any]) -> None:
    html = _page(demo["seed000"]).content.decode()
    assert "退出" not in html and "/inspections/" not in html
    assert "牛东红" not in html  # team members are not published here


def test_seed001_after_the_window_shows_the_closed_notice(demo: dict[str, Any], today: Any) -> None:
    # The window ended on 06-14; the team stays until 06-21.
    today(dt.date(2024, 6, 17))
    html = _page(demo["seed001"]).content.decode()
    assert 'id="closed-notice"' in html
    assert "本次巡察的信访受理期已于2024年6月14日结束。" in html
    assert "纪检监察机关、组织部门、信访部门的常设渠道" in html
    assert "受理期外不接受网上反映。" in html
    assert "受理中" not in html
    assert "18877009155" in html  # the channels stay listed


def test_seed001_on_the_last_day_of_the_window(demo: dict[str, Any], today: Any) -> None:
    today(dt.date(2024, 6, 14))
    html = _page(demo["seed001"]).content.decode()
    assert "受理中：2024年3月6日至2024年6月14日" in html
    assert 'id="closed-notice"' not in html


def test_before_the_window(demo: dict[str, Any], today: Any) -> None:
    today(dt.date(2024, 3, 1))
    html = _page(demo["seed001"]).content.decode()
    assert "巡察组将于2024年3月6日开始受理来信来电。" in html


def test_unknown_uuid_is_404(demo: dict[str, Any]) -> None:
    assert Client().get(reverse("portal:inspection", args=[uuid.uuid4()])).status_code == 404
    assert Client().get("/p/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("key", ["seed000", "seed001", "practice"])
def test_csp_and_no_third_party_request(demo: dict[str, Any], key: str) -> None:
    response = _page(demo[key])
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in csp and "*" not in csp and "unsafe" not in csp
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    urls = re.findall(r"https?://[^\s\"'<>）)]+", html)
    assert all(u.startswith(settings.SITE_URL + "/") for u in urls), urls
    assert "<script>" not in html and " style=" not in html  # nothing inline that the CSP would block
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/") or src.startswith(settings.SITE_URL + "/"), src


def test_practice_online_channel_points_to_this_site(demo: dict[str, Any]) -> None:
    html = _page(demo["practice"]).content.decode()
    assert settings.SITE_URL + reverse("portal:inspection", args=[demo["practice"].public_id]) in html
