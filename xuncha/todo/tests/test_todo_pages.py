"""Each to-do line opens a page filtered to exactly the items it counts: for every persona's to-do on the demo
data (with work of every kind), the count on the line equals the rows on the page it links to."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.todo.tests.test_todo import PERSONAS, work  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


# The recipient's page has one section per kind of item (the line's link points at its section).
SECTION = {"batch_sign": "batches", "referral_acknowledge": "referrals", "result_overdue": "referrals"}


def rows_on(response: Any, kind: str = "") -> int:
    """The number of rows the page lists (in the line's section), from what the view handed its template."""
    ctx = response.context
    if kind in SECTION:
        return len(ctx[SECTION[kind]])
    if "page" in ctx:
        assert not ctx["page"].capped
        return int(ctx["page"].count)
    for key in ("pending", "notices", "findings"):
        if key in ctx and not isinstance(ctx[key], int):
            return len(ctx[key])
    raise AssertionError(f"no list on {response.request['PATH_INFO']}: {sorted(ctx.keys())}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_line_opens_exactly_its_items(clients, work, persona) -> None:  # noqa: F811
    lines = clients[persona].get("/api/v1/me/todo").json()
    assert bool(lines) == (persona in {"office", "leader", "member", "liaison", "recipient", "other_leader", "other_member"})
    for line in lines:
        response = clients[persona].get(line["url"])
        assert response.status_code == 200, line
        assert rows_on(response, line["kind"]) == line["count"], line
