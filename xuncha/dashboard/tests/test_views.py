"""The dashboard (统计看板): figures of a small data set, who reaches which page, a query count that
does not grow with the data, the per-round cache and its user scope, the chart JSON, and assets served
from /static/ only."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.dashboard.selectors import inspection_dashboard, round_dashboard
from xuncha.inspections import services
from xuncha.inspections.models import ConflictDeclaration, Inspection, RoundKind, TeamMember
from xuncha.intake.models import ReplyExemption, Report
from xuncha.rectification.models import Finding, RectificationItem
from xuncha.replies.models import Reply

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 9, 2, 2, 0, tzinfo=dt.UTC)


def _report(inspection: Inspection, status: str, kind: str, *, anonymous: bool = True, **extra: Any) -> Report:
    number = Report.objects.filter(inspection=inspection).count() + 1
    return Report.objects.create(inspection=inspection, number=number, channel_kind=kind, received_at=AT, content="反映问题",
                                 status=status, anonymous=anonymous, **extra)


def _finding(inspection: Inspection, focus: str, state: str, user: User) -> Finding:
    number = Finding.objects.filter(inspection=inspection).count() + 1
    return Finding.objects.create(inspection=inspection, number=number, title=f"问题{number}", facts="经查属实。", rule_broken="违反规定。",
                                  focus=focus, state=state, created_by=user)


def _item(finding: Finding, status: str, deadline: dt.date | None) -> RectificationItem:
    number = RectificationItem.objects.filter(inspection=finding.inspection).count() + 1
    return RectificationItem.objects.create(inspection=finding.inspection, finding=finding, number=number, measures="整改措施",
                                            responsible_leader="某某", responsible_dept="某部门", deadline=deadline, status=status)


def add_data(a: Inspection, b: Inspection, leader: User, today: dt.date) -> None:
    """Inspection A: 5 reports, 4 findings (3 approved), 4 items; inspection B: 1 report."""
    past, future = today - dt.timedelta(days=5), today + dt.timedelta(days=5)
    _report(a, "registered", "online")
    _report(a, "registered", "online", anonymous=False, receipt_notice_due=future)  # receipt notice due
    accepted = _report(a, "accepted", "phone", anonymous=False, receipt_notice_due=past)  # answered: nothing due
    Reply.objects.create(report=accepted, kind=Reply.Kind.RECEIPT, content="已受理。", created_by=leader)
    _report(a, "closed", "email", anonymous=False, receipt_notice_due=past, result_due=past)  # both overdue, unanswered
    _report(a, "referred", "post")  # anonymous, closed, no reply: unanswered
    _report(b, "filed", "letterbox", reply_exempt=ReplyExemption.NO_CONTACT)  # exempted
    policy = _finding(a, "policy", "approved", leader)
    _finding(a, "policy", "approved", leader)
    _finding(a, "corruption", "approved", leader)
    _finding(a, "party_building", "draft", leader)
    _item(policy, "signed_off", past)
    _item(policy, "in_progress", past)  # overdue
    _item(policy, "not_started", future)
    _item(policy, "done", past)  # done, waiting for sign-off: not overdue


@pytest.fixture
def dash(demo: dict) -> dict[str, Any]:
    """A round of its own with two inspections of one team; the demo leader leads it and has declared
    a conflict with target B (so sees inspection A only); the demo member is not on the team."""
    office, sysadmin = demo["users"]["office"], demo["users"]["sysadmin"]
    rnd = services.round_create(actor=office, name="看板测试轮次", kind=RoundKind.REGULAR, year=2026)
    team = services.team_create(actor=office, round=rnd, name="看板测试巡察组")
    targets = [services.target_create(actor=office, name=f"看板测试单位{k}党委") for k in ("甲", "乙")]
    a, b = (services.inspection_create(actor=office, round=rnd, team=team, target=t, start_date=dt.date(2026, 9, 1),
                                       end_date=dt.date(2026, 10, 30)) for t in targets)
    role_assign(actor=sysadmin, user=demo["users"]["leader"], role=Role.TEAM_LEADER, system=True, team=team)
    member = TeamMember.objects.create(team=team, name="组长", position=TeamMember.Position.LEADER, user=demo["users"]["leader"])
    ConflictDeclaration.objects.create(member=member, org=targets[1], reason="曾在该单位任职")
    today = timezone.localdate()
    add_data(a, b, demo["users"]["leader"], today)
    users = {u.username: u for u in User.objects.all()}  # fresh: no cached roles
    return {"round": rnd, "a": a, "b": b, "users": users, "today": today}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def chart_json(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "chart data block missing"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["code"]: r["count"] for r in rows}


# --- figures ----------------------------------------------------------------------------------------


def test_figures_of_an_inspection(dash: dict) -> None:
    f = inspection_dashboard(user=dash["users"]["office"], inspection=dash["a"], today=dash["today"])
    assert f["reports"]["total"] == 5 and f["reports"]["closed"] == 2 and f["reports"]["closed_rate"] == 40.0
    assert counts(f["reports"]["by_status"]) == {"registered": 2, "accepted": 1, "referred": 1, "transferred": 0, "filed": 0, "closed": 1}
    assert counts(f["reports"]["by_channel"]) == {"phone": 1, "sms": 0, "email": 1, "post": 1, "letterbox": 0, "visit": 0, "online": 2}
    assert f["findings"]["approved"] == 3 and f["findings"]["in_progress"] == 1
    assert counts(f["findings"]["by_focus"]) == {"policy": 2, "corruption": 1, "party_building": 0, "rectification": 0}
    r = f["rectification"]
    assert (r["total"], r["signed_off"], r["rate"], r["overdue"]) == (4, 1, 25.0, 1)
    assert counts(r["by_status"]) == {"not_started": 1, "in_progress": 1, "done": 1, "signed_off": 1, "long_term": 0}
    replies = f["replies"]
    assert {k: replies[k] for k in ("receipt_due", "receipt_overdue", "result_due", "result_overdue", "unanswered", "exempt")} == {
        "receipt_due": 1, "receipt_overdue": 1, "result_due": 0, "result_overdue": 1, "unanswered": 2, "exempt": 0}
    assert replies["overdue"] == 2


def test_figures_of_a_round_per_user_scope(dash: dict) -> None:
    office = round_dashboard(user=dash["users"]["office"], round=dash["round"], today=dash["today"])
    assert [row["pk"] for row in office["inspections"]] == sorted([dash["a"].pk, dash["b"].pk])
    t = office["totals"]
    assert t["reports"]["total"] == 6 and counts(t["reports"]["by_status"])["filed"] == 1
    assert t["replies"]["exempt"] == 1 and t["replies"]["unanswered"] == 2
    assert t["rectification"]["total"] == 4 and t["findings"]["approved"] == 3
    # The leader declared a conflict with B: the round shows A only, even though the office's figures are cached.
    leader = round_dashboard(user=dash["users"]["leader"], round=dash["round"], today=dash["today"])
    assert [row["pk"] for row in leader["inspections"]] == [dash["a"].pk]
    assert leader["totals"]["reports"]["total"] == 5 and leader["totals"]["replies"]["exempt"] == 0


def test_the_round_figures_are_cached_for_a_minute(dash: dict) -> None:
    office = dash["users"]["office"]
    assert round_dashboard(user=office, round=dash["round"])["totals"]["reports"]["total"] == 6
    _report(dash["b"], "registered", "phone")
    with CaptureQueriesContext(connection) as ctx:
        cached = round_dashboard(user=office, round=dash["round"])
    assert cached["totals"]["reports"]["total"] == 6
    assert not any("intake_report" in q["sql"] for q in ctx.captured_queries)
    cache.clear()
    assert round_dashboard(user=office, round=dash["round"])["totals"]["reports"]["total"] == 7


def test_pages_show_the_figures_as_tables_and_chart_json(dash: dict) -> None:
    client = _client(dash["users"]["office"])
    html = client.get(reverse("dashboard:inspection", args=[dash["a"].pk])).content.decode()
    assert '<strong class="dash-number" id="kf-reports">5</strong>' in html
    assert '<strong class="dash-number" id="kf-rectification">25.0%</strong>' in html
    assert "<td>群众身边不正之风和腐败问题</td><td>1</td>" in html
    data = chart_json(html)
    charts = {c["id"]: c for c in data["charts"]}
    assert set(charts) == {"chart-status", "chart-channel", "chart-focus", "chart-rectification", "chart-replies"}
    for chart in charts.values():
        assert f'<canvas id="{chart["id"]}"' in html
        assert len(chart["labels"]) == len(chart["datasets"][0]["data"])
    assert dict(zip(charts["chart-status"]["labels"], charts["chart-status"]["datasets"][0]["data"], strict=True))["已登记"] == 2
    assert sum(charts["chart-focus"]["datasets"][0]["data"]) == 3

    html = client.get(reverse("dashboard:round", args=[dash["round"].pk])).content.decode()
    data = chart_json(html)
    per = next(c for c in data["charts"] if c["id"] == "chart-inspections")
    assert per["stacked"] and len(per["labels"]) == 2
    assert [sum(col) for col in zip(*(d["data"] for d in per["datasets"]), strict=True)] == [4, 0]  # every item in one series
    assert f'id="inspection-{dash["a"].pk}"' in html and f'id="inspection-{dash["b"].pk}"' in html
    html = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:round", args=[dash["round"].pk]) in html and reverse("dashboard:inspection", args=[dash["b"].pk]) in html


def test_assets_are_served_from_static_and_no_third_party_url(dash: dict) -> None:
    client = _client(dash["users"]["office"])
    for url in (reverse("dashboard:inspection", args=[dash["a"].pk]), reverse("dashboard:round", args=[dash["round"].pk])):
        response = client.get(url)
        html = response.content.decode()
        assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and 'src="/static/dashboard/dashboard.js"' in html
        assert 'href="/static/dashboard/dashboard.css"' in html
        assert "http://" not in html and "https://" not in html and 'src="//' not in html
        # No inline script: the only <script> without src is the JSON data block.
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == ['<script id="dashboard-data" type="application/json">']
        assert "script-src 'self'" in response["Content-Security-Policy"]
    for path in ("/static/dashboard/dashboard.js", "/static/dashboard/dashboard.css", "/static/vendor/chartjs/chart.umd.min.js"):
        response = Client().get(path)
        assert response.status_code == 200, path
    body = Client().get("/static/dashboard/dashboard.js")
    text = b"".join(body.streaming_content) if body.streaming else body.content  # type: ignore[attr-defined]
    assert b"http" not in text and b"dashboard-data" in text


# --- access -----------------------------------------------------------------------------------------


def test_who_reaches_which_page(dash: dict, demo: dict) -> None:
    users, a, b, rnd = dash["users"], dash["a"], dash["b"], dash["round"]
    pages = {"index": reverse("dashboard:index"), "round": reverse("dashboard:round", args=[rnd.pk]),
             "a": reverse("dashboard:inspection", args=[a.pk]), "b": reverse("dashboard:inspection", args=[b.pk]),
             "seed000": reverse("dashboard:inspection", args=[demo["seed000"].pk]),
             "other": reverse("dashboard:inspection", args=[demo["other"].pk])}
    expected = {
        "office": {"index", "round", "a", "b", "seed000", "other"},
        "leader": {"index", "round", "a", "seed000"},  # B: a declared conflict
        "member": {"index", "seed000"},  # not on the new team
        "other_leader": {"index", "other"},
        "other_member": {"index", "other"},
    }
    for persona in ("office", "leader", "member", "other_leader", "other_member", "liaison", "other_liaison", "recipient",
                    "other_recipient", "auditor", "sysadmin", "norole"):
        client = _client(users[persona])
        for name, url in pages.items():
            status = client.get(url).status_code
            assert status == (200 if name in expected.get(persona, set()) else 404), (persona, name, status)
    response = Client().get(pages["index"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_nav_link_is_for_office_and_teams(dash: dict) -> None:
    link = f'<a href="{reverse("dashboard:index")}">统计看板</a>'
    for persona, shown in (("office", True), ("leader", True), ("member", True), ("liaison", False), ("recipient", False),
                           ("auditor", False)):
        html = _client(dash["users"][persona]).get(reverse("home"), follow=True).content.decode()
        assert (link in html) is shown, persona


def test_the_team_sees_links_to_its_own_pages_and_the_office_does_not(dash: dict) -> None:
    url = reverse("dashboard:inspection", args=[dash["a"].pk])
    stats = reverse("triage:stats", args=[dash["a"].pk])
    assert stats in _client(dash["users"]["leader"]).get(url).content.decode()
    assert stats not in _client(dash["users"]["office"]).get(url).content.decode()


# --- bounded queries --------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(dash: dict) -> None:
    users, a, b = dash["users"], dash["a"], dash["b"]
    pages = [reverse("dashboard:inspection", args=[a.pk]), reverse("dashboard:round", args=[dash["round"].pk]),
             reverse("dashboard:index")]
    clients = {p: _client(users[p]) for p in ("office", "leader")}
    before = {(p, url): _queries(c, url) for p, c in clients.items() for url in pages}
    add_data(a, b, users["leader"], dash["today"])
    add_data(a, b, users["leader"], dash["today"])
    for status in ("transferred", "filed", "accepted"):
        for kind in ("visit", "sms"):
            _report(a, status, kind, anonymous=False, receipt_notice_due=dash["today"], result_due=dash["today"])
    after = {(p, url): _queries(c, url) for p, c in clients.items() for url in pages}
    assert after == before
    assert max(before.values()) <= 20, before
    assert inspection_dashboard(user=users["office"], inspection=a, today=dash["today"])["reports"]["total"] == 5 * 3 + 6
