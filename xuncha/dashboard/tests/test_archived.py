"""Archived inspections leave the dashboard's default views (the index and the round page, its totals too);
a closed one stays (the work on its registered cases goes on); an archived one's own page still opens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.dashboard.selectors import dashboard_rounds, round_dashboard
from xuncha.dashboard.tests.test_views import _client, dash  # noqa: F401  (the fixture)
from xuncha.inspections.services_master import inspection_archive, inspection_close

pytestmark = pytest.mark.django_db


def _in_view(d: dict) -> tuple[list[int], int, list[int]]:  # noqa: F811
    """(inspections of the round's page, its reports total, inspections of the round on the index) for the office."""
    office = d["users"]["office"]
    figures = round_dashboard(user=office, round=d["round"], today=d["today"])
    index = next(r for r in dashboard_rounds(user=office) if r["round"].pk == d["round"].pk)
    return [r["pk"] for r in figures["inspections"]], figures["totals"]["reports"]["total"], [i.pk for i in index["inspections"]]


def test_a_closed_inspection_stays_in_view(dash: dict) -> None:  # noqa: F811
    inspection_close(actor=dash["users"]["office"], inspection=dash["b"])
    both = sorted([dash["a"].pk, dash["b"].pk])
    assert _in_view(dash) == (both, 6, sorted(both))


def test_an_archived_inspection_leaves_the_default_views(dash: dict) -> None:  # noqa: F811
    office = dash["users"]["office"]
    assert _in_view(dash)[1] == 6
    inspection_archive(actor=office, inspection=dash["b"])
    assert _in_view(dash) == ([dash["a"].pk], 5, [dash["a"].pk])  # B's one report no longer in the totals
    client = _client(office)
    index = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:inspection", args=[dash["a"].pk]) in index
    assert reverse("dashboard:inspection", args=[dash["b"].pk]) not in index
    round_page = client.get(reverse("dashboard:round", args=[dash["round"].pk])).content.decode()
    assert dash["b"].target.name not in round_page
    assert client.get(reverse("dashboard:inspection", args=[dash["b"].pk])).status_code == 200
