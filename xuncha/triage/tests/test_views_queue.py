"""The team's work queue: filters, sorting, pagination, access, and a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.paging import COUNT_CAP
from xuncha.triage import services
from xuncha.triage.models import Scope

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT2 = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，后勤处长钱某与承包商关系密切。"
NOBODY = ["office", "liaison", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"]


@pytest.fixture
def reports(register):
    a = register(GIFT, [("赵某", "副院长", "leadership")], kind="email")
    b = register(GIFT2, kind="phone")
    c = register(CANTEEN, [("钱某", "后勤处处长", "key_post")], kind="post")
    return a, b, c


def rows(response) -> list[str]:
    return [r.reference for r in response.context["page"].items]


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_the_team_sees_its_queue(clients, reports, persona) -> None:
    r = clients[persona].get(reverse("triage:queue", args=[reports[0].inspection_id]))
    assert r.status_code == 200
    assert rows(r) == [x.reference for x in reversed(reports)]
    assert "研判工作台" in r.content.decode()


@pytest.mark.parametrize("persona", NOBODY)
def test_nobody_else_reaches_the_queue(clients, reports, persona) -> None:
    pk = reports[0].inspection_id
    for name in ("triage:queue", "triage:approvals", "triage:groups"):
        assert clients[persona].get(reverse(name, args=[pk])).status_code == 404
    assert clients[persona].get(reverse("triage:group", args=[reports[0].pk])).status_code == 404


def test_anonymous_is_sent_to_login(clients, reports) -> None:
    r = clients["anonymous"].get(reverse("triage:queue", args=[reports[0].inspection_id]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"discipline": "integrity"}, [0, 1]),
    ({"channel": "post"}, [2]),
    ({"category": "key_post"}, [2]),
    ({"category": "leadership"}, [0]),
    ({"q": "食堂"}, [2]),
    ({"q": "职称"}, [0, 1]),
    ({"group": "any"}, [0, 1]),
    ({"scope": "in"}, [0]),
    ({"scope": "pending"}, [1, 2]),
    ({"real_name": "yes"}, []),
    ({"window": "out"}, []),
    ({"status": "registered", "sort": "old"}, [0, 1, 2]),
])
def test_filters(clients, reports, query, expected) -> None:
    query.setdefault("sort", "old")
    r = clients["member"].get(reverse("triage:queue", args=[reports[0].inspection_id]), query)
    assert rows(r) == [reports[i].reference for i in expected]


def test_a_group_filter_lists_its_reports_and_shows_the_group(clients, reports) -> None:
    a = reports[0]
    r = clients["member"].get(reverse("triage:group", args=[a.pk]), follow=True)
    assert rows(r) == [a.reference, reports[1].reference]
    assert "2 位反映人" in r.content.decode()


def test_confirmed_labels_drive_the_filter(clients, reports) -> None:
    member = User.objects.get(username="member")
    services.labels_confirm(actor=member, report=reports[2], disciplines=["integrity"], focuses=[])
    r = clients["member"].get(reverse("triage:queue", args=[reports[0].inspection_id]), {"discipline": "integrity", "sort": "old"})
    assert rows(r) == [x.reference for x in reports]


def test_pagination_does_not_count_everything(clients, register, seed000) -> None:
    for i in range(55):
        register(f"第{i}件：食堂问题反映，饭菜价格上涨{i}元。")
    url = reverse("triage:queue", args=[seed000.pk])
    with CaptureQueriesContext(connection) as ctx:
        first = clients["member"].get(url, {"sort": "old"})
    assert not [q["sql"] for q in ctx.captured_queries if f"LIMIT {COUNT_CAP + 1}" in q["sql"]]  # no capped count with the page
    page = first.context["page"]
    # A full page is not counted: "more than 50", and a link to count.
    assert (len(page.items), page.has_next, page.count, page.capped, page.counted) == (50, True, 50, True, False)
    assert "超过 <span id=\"queue-count\">50</span> 件" in first.content.decode()
    counted = clients["member"].get(url, {"sort": "old", "count": "1"}).context["page"]
    assert (len(counted.items), counted.has_next, counted.count, counted.capped, counted.counted) == (50, True, 55, False, True)
    second = clients["member"].get(url, {"sort": "old", "page": 2})
    assert len(second.context["page"].items) == 5 and not second.context["page"].has_next
    assert second.context["page"].count == 55 and second.context["page"].counted  # the last page knows the total


def test_queue_queries_do_not_grow_with_reports(clients, register, seed000, django_assert_max_num_queries, settings) -> None:
    for i in range(30):
        register(f"反映{i}：副院长赵某违规收受礼金{i}次。", [("赵某", "副院长", "leadership"), (f"某{i}", "", "other")])
    settings.AUDIT_SEALING = "thread"  # the deployment's: audit events are sealed after the request (not run here)
    with django_assert_max_num_queries(26):
        assert clients["member"].get(reverse("triage:queue", args=[seed000.pk])).status_code == 200


def test_unknown_filter_values_are_ignored(clients, reports) -> None:
    r = clients["member"].get(reverse("triage:queue", args=[reports[0].inspection_id]),
                              {"discipline": "bogus", "status": "x", "sort": "zzz", "page": "abc"})
    assert r.status_code == 200 and len(rows(r)) == 3


def test_scope_column_shows_the_proposal(clients, reports) -> None:
    body = clients["member"].get(reverse("triage:queue", args=[reports[0].inspection_id])).content.decode()
    assert Scope.IN.label in body
