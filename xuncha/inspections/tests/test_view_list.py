"""The list of inspections (/inspections/): what it shows, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.inspections import services
from xuncha.inspections.services_master import inspection_archive

pytestmark = pytest.mark.django_db

URL = "/inspections/"
# Session, user, roles, inspections with their round/team/target, channels, hours, team members, session save...
MAX_QUERIES = 12



def _add_inspections(demo: dict[str, Any], n: int) -> None:
    """n more inspections of the other team, each at its own target with channels and hours."""
    office = demo["users"]["office"]
    other = demo["other"]
    for i in range(n):
        target = services.target_create(actor=office, name=f"批量测试单位{i}党委")
        inspection = services.inspection_create(actor=office, round=other.round, team=other.team, target=target,
                                                start_date=dt.date(2026, 3, 2) + dt.timedelta(days=7 * i), working_days=20)
        services.channel_save(actor=office, inspection=inspection, kind="phone", value=f"0770-88800{i:02d}",
                              hours=[("workdays", dt.time(8, 30), dt.time(12)), ("workdays", dt.time(15), dt.time(18))])
        services.channel_save(actor=office, inspection=inspection, kind="letterbox", location=f"{i}号楼一楼")


def _count_queries(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("persona", ["other_leader", "office"])
def test_query_count_does_not_grow_with_the_number_of_inspections(clients: Any, demo: dict[str, Any], persona: str,
                                                                  django_assert_max_num_queries: Any) -> None:
    client = clients[persona]
    client.get(URL)  # warm the session
    few, html = _count_queries(client)
    rows_before = html.count('href="/inspections/') - html.count('href="/inspections/new/')

    _add_inspections(demo, 9)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    many, html = _count_queries(client)
    rows_after = html.count('href="/inspections/') - html.count('href="/inspections/new/')
    assert rows_after - rows_before == 9
    assert many == few
    assert "批量测试单位8党委" in response.content.decode()


def test_other_leader_sees_one_and_then_ten(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["other_leader"].get(URL).content.decode()
    assert html.count("测试市委第二巡察组巡察") == 1
    _add_inspections(demo, 9)
    html = clients["other_leader"].get(URL).content.decode()
    assert html.count("测试市委第二巡察组巡察") == 10
    # ...and the demo leader still sees none of them.
    assert "批量测试单位" not in clients["leader"].get(URL).content.decode()


def test_rows_show_period_and_window_status(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["office"].get(URL).content.decode()
    seed001 = demo["seed001"]
    row_start = html.index(reverse("inspections:detail", args=[seed001.pk]))
    row = html[row_start:html.index("</tr>", row_start)]
    assert "2024-03-06 至 2024-06-21" in row
    assert "2024-03-06 至 2024-06-14" in row
    assert "已结束" in row and "受理期已结束" in row
    practice = demo["practice"]
    row_start = html.index(reverse("inspections:detail", args=[practice.pk]))
    row = html[row_start:html.index("</tr>", row_start)]
    assert "演练" in row


def test_the_filter_missing_channels(clients: Any, demo: dict[str, Any]) -> None:
    """missing=channels lists the inspections with no acceptance channel (the office's to-do line), archived ones
    only with archived=1."""
    office = demo["users"]["office"]
    other = demo["other"]
    bare = [services.inspection_create(actor=office, round=other.round, team=other.team,
                                       target=services.target_create(actor=office, name=f"无渠道测试单位{i}党委"),
                                       start_date=dt.date(2026, 3, 2), working_days=20) for i in range(2)]
    _add_inspections(demo, 1)  # with channels

    def listed(query: dict[str, str]) -> list[int]:
        response = clients["office"].get(URL, query)
        assert response.status_code == 200
        return [i.pk for i, _, _ in response.context["rows"]]

    assert sorted(listed({"missing": "channels"})) == sorted(b.pk for b in bare)
    assert len(listed({})) > len(bare)
    assert "只列出尚未设置受理渠道的巡察任务" in clients["office"].get(URL, {"missing": "channels"}).content.decode()
    inspection_archive(actor=office, inspection=bare[0])
    assert listed({"missing": "channels"}) == [bare[1].pk]
    assert listed({"missing": "channels", "archived": "1"}) == [bare[0].pk]
    assert listed({"missing": "x"}) == listed({})
