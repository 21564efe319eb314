"""The inspectors' pool (巡察人员库): conflicts with a target, suggestions, assignment refused with the
reason, the per-round authorisation; and GET /api/v1/people, /offices, /offices/{id}/summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.errors import Invalid, NotFound
from xuncha.inspections import services, services_offices
from xuncha.inspections.models import Authorisation, Office, Person, PersonRelation, TeamMember
from xuncha.inspections.selectors_offices import person_conflict, team_suggestions

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_demo_pool(demo: dict[str, Any]) -> None:
    assert Person.objects.count() == 30
    assert PersonRelation.objects.count() == 2


def test_declared_relations_are_conflicts(demo: dict[str, Any]) -> None:
    spouse = Person.objects.get(name="陶文静")
    former = Person.objects.get(name="高雪")
    assert "配偶" in (person_conflict(spouse, demo["seed001"].target, TODAY) or "")
    assert "曾在" in (person_conflict(former, demo["seed000"].target, TODAY) or "")
    assert person_conflict(spouse, demo["seed000"].target, TODAY) is None
    # A former post longer ago than FORMER_POST_YEARS is no longer a conflict.
    assert person_conflict(former, demo["seed000"].target, dt.date(2029, 1, 1)) is None


def test_own_unit_is_a_conflict_in_a_cross_inspection(demo: dict[str, Any]) -> None:
    person = Person.objects.get(name="罗慧")
    person.unit_org = demo["seed001"].target
    person.save()
    assert "本人所在单位" in (person_conflict(person, demo["seed001"].target, TODAY) or "")


def test_conflict_blocks_the_assignment(demo: dict[str, Any]) -> None:
    office = demo["users"]["office"]
    spouse = Person.objects.get(name="陶文静")
    team = demo["seed001"].team
    before = TeamMember.objects.count()
    with pytest.raises(Invalid, match="配偶"):
        services.team_member_add(actor=office, team=team, name=spouse.name, position=TeamMember.Position.MEMBER, person=spouse)
    assert TeamMember.objects.count() == before
    with pytest.raises(Invalid, match="配偶"):
        services_offices.authorisation_record(actor=office, person=spouse, team=team, pledge_signed_on=TODAY, declaration="无")
    # Someone without a conflict joins, and their authorisation for the round is recorded once.
    ok = Person.objects.get(name="林涛")
    member = services.team_member_add(actor=office, team=team, name=ok.name, position=TeamMember.Position.MEMBER, person=ok)
    assert member.person == ok
    services_offices.authorisation_record(actor=office, person=ok, team=team, pledge_signed_on=TODAY, declaration="无")
    assert Authorisation.objects.filter(person=ok, round=team.round).count() == 1
    with pytest.raises(Invalid):
        services_offices.authorisation_record(actor=office, person=ok, team=team, pledge_signed_on=TODAY, declaration="无")


def test_suggestions_exclude_conflicts_and_balance_expertise(demo: dict[str, Any]) -> None:
    office = demo["users"]["office"]
    picks = team_suggestions(user=office, target=demo["seed001"].target, wanted=["finance", "law", "construction"], size=3, today=TODAY)
    assert len(picks) == 3
    assert all(c.conflict is None for c in picks)
    assert "陶文静" not in {c.person.name for c in picks}
    covered = set().union(*(set(c.person.expertise_codes) for c in picks))
    assert {"finance", "law", "construction"} <= covered


def test_pool_is_the_offices(demo: dict[str, Any]) -> None:
    from xuncha.inspections.selectors_offices import person_list

    assert person_list(user=demo["users"]["office_city"]).count() == 12
    assert person_list(user=demo["users"]["office_cjlu"]).count() == 8
    with pytest.raises(NotFound):
        person_list(user=demo["users"]["leader"])


def test_people_api(clients: Any, demo: dict[str, Any]) -> None:
    target = demo["seed001"].target.pk
    rows = clients["office"].get(f"/api/v1/people?for_target={target}").json()
    assert len(rows) == 30
    by_name = {r["name"]: r for r in rows}
    assert "配偶" in by_name["陶文静"]["conflict"]
    assert by_name["林涛"]["conflict"] is None
    finance = clients["office_city"].get("/api/v1/people?expertise=finance").json()
    assert finance and all("finance" in r["expertise"] for r in finance)
    assert clients["office_city"].get("/api/v1/people?expertise=bogus").json() == []
    # A target outside the caller's offices, or no office role: 404.
    assert clients["office_city"].get(f"/api/v1/people?for_target={demo['seed000'].target.pk}").status_code == 404
    assert clients["leader"].get("/api/v1/people").status_code == 404
    assert clients["office"].get("/api/v1/people?for_target=abc").status_code == 400


def test_offices_api(clients: Any, demo: dict[str, Any]) -> None:
    names = {o.pk: o.name for o in Office.objects.all()}
    tree = clients["office"].get("/api/v1/offices").json()
    assert {o["id"] for o in tree} == set(names) and all(set(o) == {"id", "name", "parent_id"} for o in tree)
    city = clients["office_city"].get("/api/v1/offices").json()
    assert [o["name"] for o in city] == ["防城港市委巡察办"]
    assert [o["name"] for o in clients["office_cjlu"].get("/api/v1/offices").json()] == ["中国计量大学党委巡察办"]
    for persona in ("leader", "liaison", "auditor", "sysadmin", "norole"):
        assert clients[persona].get("/api/v1/offices").json() == []


def test_office_summary_api(clients: Any, demo: dict[str, Any]) -> None:
    root = Office.objects.get(parent__isnull=True)
    city = Office.objects.get(name="防城港市委巡察办")
    province = Office.objects.get(name="省委教育工委巡察办")
    keys = {"inspections", "reports", "findings", "ledger_items", "signed_off", "overdue"}
    total = clients["office"].get(f"/api/v1/offices/{root.pk}/summary").json()
    assert set(total) == keys and total["inspections"] == 4
    assert clients["office"].get(f"/api/v1/offices/{province.pk}/summary").json()["inspections"] == 1
    assert clients["office_city"].get(f"/api/v1/offices/{city.pk}/summary").json()["inspections"] == 2
    assert clients["office_city"].get(f"/api/v1/offices/{province.pk}/summary").status_code == 404
    assert clients["office_city"].get(f"/api/v1/offices/{root.pk}/summary").status_code == 404
    assert clients["leader"].get(f"/api/v1/offices/{city.pk}/summary").status_code == 404


def test_office_pages(clients: Any, demo: dict[str, Any]) -> None:
    city = Office.objects.get(name="防城港市委巡察办")
    province = Office.objects.get(name="省委教育工委巡察办")
    page = clients["office"].get("/dashboard/offices/").content.decode()
    assert "中国计量大学党委巡察办" in page and "防城港市委巡察办" in page
    assert clients["office_city"].get(f"/dashboard/offices/{city.pk}/").status_code == 200
    assert clients["office_city"].get(f"/dashboard/offices/{province.pk}/").status_code == 404
    body = clients["office"].get(f"/dashboard/offices/{province.pk}/").content.decode()
    assert "按年度" in body and "省委教育工委2024年提级巡察" in body
    for persona in ("leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"):
        assert clients[persona].get("/dashboard/offices/").status_code == 404
        assert clients[persona].get(f"/dashboard/offices/{city.pk}/").status_code == 404


def test_pool_page(clients: Any, demo: dict[str, Any]) -> None:
    from xuncha.inspections.models import Team

    target = demo["seed001"].target
    page = clients["office"].get(f"/pool/?target={target.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "陶文静" in html and "需回避" in html and "推荐人选" in html
    spouse = Person.objects.get(name="陶文静")
    team = demo["seed001"].team
    before = TeamMember.objects.count()
    refused = clients["office"].post(f"/pool/?target={target.pk}", {"action": "assign", "a-person": spouse.pk, "a-team": team.pk})
    assert refused.status_code == 200 and "配偶" in refused.content.decode()
    assert TeamMember.objects.count() == before
    ok = Person.objects.get(name="林涛")
    done = clients["office"].post("/pool/", {"action": "assign", "a-person": ok.pk, "a-team": team.pk})
    assert done.status_code == 302 and TeamMember.objects.filter(team=team, person=ok).exists()
    recorded = clients["office"].post("/pool/", {"action": "authorise", "z-person": ok.pk, "z-team": team.pk,
                                                 "z-pledge_signed_on": "2026-11-20", "z-declaration": "无"})
    assert recorded.status_code == 302 and Authorisation.objects.filter(person=ok).exists()
    # The city office cannot put its people on a provincial team (the team is not in its list), nor see other offices' people.
    city = clients["office_city"].post("/pool/", {"action": "assign", "a-person": ok.pk, "a-team": demo["seed000"].team.pk})
    assert city.status_code == 200 and not TeamMember.objects.filter(team=demo["seed000"].team, person=ok).exists()
    assert "王建国" not in clients["office_city"].get("/pool/").content.decode()
    assert Team.objects.filter(pk=demo["seed000"].team.pk).exists()
    for persona in ("leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"):
        assert clients[persona].get("/pool/").status_code == 404
