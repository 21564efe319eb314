"""The search box (issue 11): the forms of a number, each persona finds exactly its own objects (the page
and the API agree), words, the audit event, and a fixed number of queries whatever the data."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_create
from xuncha.audit.models import AuditEvent
from xuncha.finder.selectors import NumberQuery, parse_number
from xuncha.rectification.models import ImmediateNotice

from .conftest import World

pytestmark = pytest.mark.django_db

NO_CASE_ROLE = {"auditor", "sysadmin", "norole"}
ROW = re.compile(r'<tr class="find-hit" data-kind="([a-z_]+)"><td>[^<]*</td><td><a href="([^"]+)">')


@pytest.mark.parametrize(("text", "expected"), [
    ("41", NumberQuery(41)),
    ("00041", NumberQuery(41)),
    ("3-00041", NumberQuery(41, 3)),
    ("  3-41 ", NumberQuery(41, 3)),
    ("３－０００４１", NumberQuery(41, 3)),
    ("４１", NumberQuery(41)),
    ("第41号", NumberQuery(41)),
    ("第 ４１ 号", NumberQuery(41)),
    ("第3-00041号", NumberQuery(41, 3)),
    ("3 — 00041", NumberQuery(41, 3)),
    ("食堂", None),
    ("41号楼", None),
    ("3-", None),
    ("", None),
])
def test_the_forms_of_a_number(text: str, expected: NumberQuery | None) -> None:
    assert parse_number(text) == expected


def page_hits(client: Client, q: str) -> list[tuple[str, str]] | int:
    """What the page answers: [(kind, url)] (one redirect is [("redirect", url)]), or its status code."""
    response = client.get("/find/", {"q": q})
    if response.status_code == 302:
        return [("redirect", response["Location"])]
    if response.status_code != 200:
        return int(response.status_code)
    return [(kind, html.unescape(url)) for kind, url in ROW.findall(response.content.decode())]


def api_hits(user: User, q: str) -> list[tuple[str, str]] | int:
    token = api_token_create(user=user)
    response = Client().get("/api/v1/search", {"q": q}, HTTP_AUTHORIZATION=f"Bearer {token}")
    if response.status_code != 200:
        return int(response.status_code)
    return [(h["kind"], h["url"]) for h in response.json()]


def same(page: list[tuple[str, str]] | int, api: list[tuple[str, str]] | int) -> bool:
    """The page and the API found the same objects (one object: the page redirects to its url)."""
    if isinstance(page, int) or isinstance(api, int):
        return page == api
    if len(api) == 1:
        return page == [("redirect", api[0][1])]
    return page == api


def expected_for(w: World, q: str) -> dict[str, set[tuple[str, str]] | int]:
    """Written by hand from the roles table (docs/architecture.md §3), not derived from the code."""
    g, c, lib, s1, o = w.gift, w.canteen, w.library, w.seed001, w.other
    insp = w.gift.inspection_id
    handovers = f"/triage/inspections/{insp}/handovers/#referral-{w.referral.pk}"
    out: dict[str, dict[str, set[tuple[str, str]] | int]] = {
        "1": {
            "team": {("report", f"/reports/{g.pk}/"), ("report", f"/reports/{s1.pk}/"), ("notice", f"/rectification/notices/{w.notice.pk}/"),
                     ("ledger_item", f"/rectification/ledger-items/{w.item.pk}/"), ("referral", handovers),
                     ("finding", f"/rectification/findings/{w.finding.pk}/"), ("transfer_batch", f"/triage/batches/{w.batch.pk}/")},
            "office": {("notice", f"/rectification/notices/{w.notice.pk}/"), ("ledger_item", f"/rectification/ledger-items/{w.item.pk}/")},
            "liaison": {("notice", f"/target/notices/{w.notice.pk}/"), ("ledger_item", f"/target/items/{w.item.pk}/")},
            "recipient": {("referral", f"/recipient/referrals/{w.referral.pk}/"), ("clue", f"/recipient/clues/{w.clue.pk}/"),
                          ("transfer_batch", f"/recipient/batches/{w.batch.pk}/")},
            "other_recipient": {("clue", f"/recipient/clues/{w.clue.pk}/"), ("transfer_batch", f"/recipient/batches/{w.batch.pk}/")},
            "other_team": {("report", f"/reports/{o.pk}/")},
            "other_liaison": set(),
        },
        f"{insp}-00002": {
            "team": {("report", f"/reports/{c.pk}/")},
            "recipient": {("referral", f"/recipient/referrals/{w.referral.pk}/")},
        },
        "第３号": {"team": {("report", f"/reports/{lib.pk}/")}},
        "2": {
            "team": {("report", f"/reports/{c.pk}/"), ("notice", f"/rectification/notices/{w.draft.pk}/")},
            "office": {("notice", f"/rectification/notices/{w.draft.pk}/")},
            "recipient": {("referral", f"/recipient/referrals/{w.referral.pk}/")},  # the referral of report no. 2
        },
        "礼金": {
            "team": {("report", f"/reports/{g.pk}/"), ("finding", f"/rectification/findings/{w.finding.pk}/"),
                     ("notice", f"/rectification/notices/{w.notice.pk}/"), ("ledger_item", f"/rectification/ledger-items/{w.item.pk}/")},
            "office": {("notice", f"/rectification/notices/{w.notice.pk}/"), ("ledger_item", f"/rectification/ledger-items/{w.item.pk}/")},
            "liaison": {("notice", f"/target/notices/{w.notice.pk}/"), ("ledger_item", f"/target/items/{w.item.pk}/")},
        },
        "食堂": {
            "team": {("report", f"/reports/{c.pk}/"), ("notice", f"/rectification/notices/{w.draft.pk}/")},
            "office": {("notice", f"/rectification/notices/{w.draft.pk}/")},  # the liaison: a draft is not theirs
            "other_team": {("report", f"/reports/{o.pk}/")},
        },
    }[q]
    result: dict[str, set[tuple[str, str]] | int] = {}
    for persona in PERSONAS:
        group = {"leader": "team", "member": "team", "other_leader": "other_team", "other_member": "other_team"}.get(persona, persona)
        result[persona] = 404 if persona in NO_CASE_ROLE else out.get(group, set())
    return result


@pytest.mark.parametrize("q", ["1", "1-00002", "第３号", "2", "礼金", "食堂"])
def test_each_persona_finds_exactly_its_own_objects(world: World, clients: dict[str, Client], demo: dict[str, Any], q: str) -> None:
    q = q.replace("1-", f"{world.gift.inspection_id}-")
    expected = expected_for(world, q)
    wrong = []
    for persona in PERSONAS:
        want = expected[persona]
        api = api_hits(demo["users"][persona], q)
        page = page_hits(clients[persona], q)
        got = api if isinstance(api, int) else set(api)
        if got != want or not same(page, api):
            wrong.append(f"{persona}: expected {want}, API {api}, page {page}")
    assert not wrong, "\n".join(wrong)


def test_a_reference_redirects_each_role_to_its_own_page(world: World, clients: dict[str, Client]) -> None:
    ref = f" 第{world.canteen.inspection_id}－０００02号 "
    assert clients["member"].get("/find/", {"q": ref})["Location"] == f"/reports/{world.canteen.pk}/"
    assert clients["recipient"].get("/find/", {"q": ref})["Location"] == f"/recipient/referrals/{world.referral.pk}/"
    gift = f"{world.gift.inspection_id}-00001"
    assert clients["other_recipient"].get("/find/", {"q": gift})["Location"] == f"/recipient/clues/{world.clue.pk}/"
    assert clients["leader"].get("/find/", {"q": gift})["Location"] == f"/reports/{world.gift.pk}/"
    # Another team's member, the liaison, the office: nothing of ours.
    for persona in ("other_member", "liaison", "office"):
        response = clients[persona].get("/find/", {"q": gift})
        assert response.status_code == 200 and "未找到" in response.content.decode()


def test_several_matches_are_listed_and_none_keeps_the_query(world: World, clients: dict[str, Client]) -> None:
    body = clients["member"].get("/find/", {"q": "00001"}).content.decode()
    assert body.count('class="find-hit"') == 7
    assert world.gift.reference in body and world.seed001.reference in body
    response = clients["member"].get("/find/", {"q": "第999号"})
    body = response.content.decode()
    assert response.status_code == 200 and "未找到" in body and 'value="第999号"' in body
    assert "<title>未找到" in body


def test_the_page_and_the_api_need_a_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get("/find/", {"q": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/api/v1/search", {"q": "1"}).status_code == 401


def test_the_box_is_in_the_top_bar_of_staff_with_a_case_role(clients: dict[str, Client]) -> None:
    for persona in PERSONAS:
        body = clients[persona].get("/", follow=True).content.decode()
        assert ('id="topfind"' in body) == (persona not in NO_CASE_ROLE), persona


def test_each_search_is_one_audit_event_with_its_query(world: World, clients: dict[str, Client], demo: dict[str, Any]) -> None:
    before = AuditEvent.objects.filter(action="search").count()
    clients["member"].get("/find/", {"q": "礼金"})
    api_hits(demo["users"]["liaison"], "1")
    clients["member"].get("/find/")  # an empty box searches nothing
    events = list(AuditEvent.objects.filter(action="search").order_by("id"))[before:]
    assert [(e.actor.username if e.actor else "", e.data["q"], e.data["results"]) for e in events] == [
        ("member", "礼金", 4), ("liaison", "1", 2)]


def test_the_number_of_queries_does_not_grow_with_the_data(world: World, clients: dict[str, Client], register: Any) -> None:
    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            clients["member"].get("/find/", {"q": q})
        return len(ctx)

    before = {q: queries(q) for q in ("1", "礼金")}
    member = User.objects.get(username="member")
    for n in range(3, 9):
        ImmediateNotice.objects.create(inspection=world.gift.inspection, number=n, title=f"礼金事项{n}", problem="问题",
                                       suggestion="建议", deadline_days=10, created_by=member)
        register(f"第{n}件：收受礼金。")
        register("另一件收受礼金。", inspection=world.seed001.inspection)
    assert {q: queries(q) for q in ("1", "礼金")} == before


def test_a_member_who_declared_a_conflict_finds_nothing_there(world: World) -> None:
    from xuncha.inspections import services as planning
    from xuncha.inspections.models import TeamMember

    office = User.objects.get(username="office")
    user = User.objects.create(username="conflicted", display_name="回避组员")
    inspection = world.gift.inspection
    member = planning.team_member_add(actor=office, team=inspection.team, name="回避组员", position=TeamMember.Position.MEMBER, user=user)
    assert ("report", f"/reports/{world.gift.pk}/") in api_hits(User.objects.get(pk=user.pk), "1")  # on the team: found
    planning.conflict_declare(actor=office, member=member, org=inspection.target, reason="配偶在该单位任职")
    assert api_hits(User.objects.get(pk=user.pk), "1") == []
    assert api_hits(User.objects.get(pk=user.pk), "礼金") == []


@pytest.mark.parametrize("q", ['"食堂" OR *', "食", "x" * 500, "41号楼", "-", "第号", "'; DROP TABLE x; --"])
def test_odd_queries_are_answered_not_failed(world: World, clients: dict[str, Client], q: str) -> None:
    response = clients["member"].get("/find/", {"q": q})
    assert response.status_code in (200, 302)


def test_every_link_found_opens_for_the_one_who_found_it(world: World, clients: dict[str, Client], demo: dict[str, Any]) -> None:
    for persona in PERSONAS:
        if persona in NO_CASE_ROLE:
            continue
        for q in ("1", "2", "礼金"):
            found = api_hits(demo["users"][persona], q)
            assert not isinstance(found, int)
            for kind, url in found:
                assert clients[persona].get(url.split("#")[0]).status_code == 200, (persona, kind, url)
