"""Each to-do line opens a page filtered to exactly the items it counts: for every persona's to-do on the demo
data (with work of every kind), the count on the line equals the rows on the page it links to."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xuncha.inspections import services as ins
from xuncha.inspections.services_master import inspection_archive, inspection_close
from xuncha.rectification import services as svc
from xuncha.rectification.models import RectificationItem
from xuncha.todo.tests.test_todo import PERSONAS, api, user, work  # noqa: F401  (the fixture)

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
    for key in ("pending", "notices", "findings", "rows"):
        if key in ctx and not isinstance(ctx[key], int):
            return len(ctx[key])
    raise AssertionError(f"no list on {response.request['PATH_INFO']}: {sorted(ctx.keys())}")


@pytest.fixture
def more(work: dict[str, Any], demo: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """On top of `work`: an item of seed000 due today (due soon), one returned by the office, and an
    inspection (of a new target) with no acceptance channel, all made through the services."""
    member, office, seed = user("member"), user("office"), demo["seed000"]
    finding = work["late"].finding
    today = timezone.localdate()
    soon = svc.item_create(actor=member, finding=finding, data=svc.ItemData(
        measures="完善台账", responsible_leader="王某", responsible_dept="办公室", deadline=today))
    back = svc.item_create(actor=member, finding=finding, data=svc.ItemData(
        measures="专项检查", responsible_leader="王某", responsible_dept="审计处", deadline=today + dt.timedelta(days=90)))
    svc.progress_report(actor=user("liaison"), item=back, text="已检查。", status="done")
    svc.item_return(actor=office, item=RectificationItem.objects.get(pk=back.pk), reason="佐证不足。")
    target = ins.target_create(actor=office, name="待办测试单位党委")
    bare = ins.inspection_create(actor=office, round=seed.round, team=seed.team, target=target, start_date=today, working_days=20)
    return {**work, "soon": soon, "back": back, "bare": bare}


def check_lines(client: Client) -> list[dict[str, Any]]:
    """Every line of the client's to-do opens a page with exactly the line's count of rows."""
    lines: list[dict[str, Any]] = client.get("/api/v1/me/todo").json()
    for line in lines:
        response = client.get(line["url"])
        assert response.status_code == 200, line
        assert rows_on(response, line["kind"]) == line["count"], line
    return lines


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_line_opens_exactly_its_items(clients, more, persona) -> None:
    lines = check_lines(clients[persona])
    assert bool(lines) == (persona in {"office", "leader", "member", "liaison", "recipient", "other_leader", "other_member"})


def test_the_liaison_and_office_lines_are_there(clients, more) -> None:
    """The fixture makes the lines this file is about (else the test above would pass without them)."""
    assert api(clients, "liaison") == {"notice_answer": 1, "item_overdue": 1, "item_due": 1, "item_returned": 1}
    assert api(clients, "office") == {"item_sign_off": 1, "item_overdue_all": 1, "inspection_no_channel": 1}
    urls = {x["kind"]: x["url"] for x in clients["liaison"].get("/api/v1/me/todo").json()}
    assert urls["item_due"].endswith("?due=soon") and urls["item_returned"].endswith("?state=returned")
    page = clients["liaison"].get(urls["item_due"])
    assert [r.pk for r in page.context["rows"]] == [more["soon"].pk]
    page = clients["liaison"].get(urls["item_returned"])
    assert [r.pk for r in page.context["rows"]] == [more["back"].pk]
    office = {x["kind"]: x["url"] for x in clients["office"].get("/api/v1/me/todo").json()}
    page = clients["office"].get(office["inspection_no_channel"])
    assert [i.pk for i, _, _ in page.context["rows"]] == [more["bare"].pk]


def test_a_closed_inspection_keeps_its_lines(clients, more, demo) -> None:
    before = {name: api(clients, name) for name in ("member", "leader", "liaison", "office")}
    inspection_close(actor=user("office"), inspection=demo["seed000"])
    inspection_close(actor=user("office"), inspection=more["bare"])
    assert {name: api(clients, name) for name in before} == before
    for name in before:
        check_lines(clients[name])


def test_an_archived_inspection_leaves_the_todo(clients, more, demo) -> None:
    """seed000 archived: its team's, its liaison's and the office's lines of it go; the office's line of the other
    inspection without a channel stays, and goes too once that one is archived."""
    assert api(clients, "member") and api(clients, "liaison")
    inspection_archive(actor=user("office"), inspection=demo["seed000"])
    assert api(clients, "member") == {} and api(clients, "liaison") == {}
    assert "disposition_approve" not in api(clients, "leader") and "finding_approve" not in api(clients, "leader")
    assert api(clients, "office") == {"inspection_no_channel": 1}
    for name in ("member", "leader", "liaison", "office"):
        check_lines(clients[name])
    inspection_archive(actor=user("office"), inspection=more["bare"])
    assert api(clients, "office") == {}
