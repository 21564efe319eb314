"""The dashboard pages: an index of rounds, a page per round and per inspection. Every figure is shown
as a table (the page works and prints without JavaScript); static/dashboard/dashboard.js draws the
charts (vendored Chart.js) from the JSON block of the page, which the strict CSP allows (no inline script).
Aggregates only, no report or reporter: viewing is not audited (as the team's statistics page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.http import AuthedRequest

from .selectors import dashboard_inspection_get, dashboard_round_get, dashboard_rounds, inspection_dashboard, round_dashboard

SERIES = {"signed_off": "已销号", "open": "未销号（未逾期）", "overdue": "逾期未完成"}


def _chart(chart_id: str, kind: str, title: str, rows: list[dict[str, Any]], label: str = "件数") -> dict[str, Any]:
    return {"id": chart_id, "type": kind, "title": title, "labels": [r["label"] for r in rows],
            "datasets": [{"label": label, "data": [r["count"] for r in rows]}]}


def charts_for(f: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of one set of figures (an inspection's, or a round's totals)."""
    return [
        _chart("chart-status", "doughnut", "信访件办理状态", f["reports"]["by_status"]),
        _chart("chart-channel", "bar", "受理渠道", f["reports"]["by_channel"]),
        {**_chart("chart-focus", "bar", "问题（已审定）按四个聚焦", f["findings"]["by_focus"], "个数"), "horizontal": True},
        _chart("chart-rectification", "doughnut", "整改事项状态", f["rectification"]["by_status"], "项数"),
        _chart("chart-replies", "bar", "答复情况", f["replies"]["rows"]),
    ]


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page not wired (yet)
        return ""


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rounds = dashboard_rounds(user=request.user)
    return render(request, "dashboard/index.html", {"rounds": rounds})


@login_required
def round_page(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = dashboard_round_get(user=request.user, pk=pk)
    figures = round_dashboard(user=request.user, round=rnd)
    rows = figures["inspections"]
    per_inspection = {
        "id": "chart-inspections", "type": "bar", "stacked": True, "title": "各巡察任务整改事项",
        "labels": [r["target"] for r in rows],
        "datasets": [
            {"label": SERIES["signed_off"], "color": "#2e7d32", "data": [r["rectification"]["signed_off"] for r in rows]},
            {"label": SERIES["open"], "color": "#9e9e9e",
             "data": [r["rectification"]["total"] - r["rectification"]["signed_off"] - r["rectification"]["overdue"] for r in rows]},
            {"label": SERIES["overdue"], "color": "#b3261e", "data": [r["rectification"]["overdue"] for r in rows]},
        ],
    }
    return render(request, "dashboard/round.html", {
        "round": rnd, "f": figures["totals"], "figures": figures, "rows": rows,
        "charts": {"charts": charts_for(figures["totals"]) + [per_inspection]},
    })


@login_required
def inspection_page(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = dashboard_inspection_get(user=request.user, pk=pk)
    figures = inspection_dashboard(user=request.user, inspection=inspection)
    on_team = allows(request.user, Kind.CASE, Purpose.READ, inspection)
    return render(request, "dashboard/inspection.html", {
        "inspection": inspection, "f": figures, "charts": {"charts": charts_for(figures)},
        # The team's own pages (the office does not reach them).
        "replies_url": _link("replies:replies", inspection.pk) if on_team else "",
        "stats_url": _link("triage:stats", inspection.pk) if on_team else "",
    })
