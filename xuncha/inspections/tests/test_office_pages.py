"""Issue 20, the office's own pages: offices created, renamed, moved and configured (term, time limits,
templates, calendar days, inherited down the tree); targets placed in the party-organisation tree; the pool's people
edited (relations, ratings); and the registry's full-coverage view (dashboard). Each page by persona and
office of the tree (the root `office`, `office_cjlu`, `office_city`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from conftest import PERSONAS
from xuncha.errors import Invalid, NotAllowed
from xuncha.inspections import services_offices
from xuncha.inspections.models import CalendarDay, Office, OfficeSettings, Person, PersonRelation, TargetOrg
from xuncha.inspections.selectors_offices import office_briefing_asks, office_limit, office_term
from xuncha.rectification.services import report_due_for

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "office_cjlu", "office_city"]


def _o(name: str) -> Office:
    return Office.objects.get(name=name)


def _objects() -> dict[str, Any]:
    return {
        "root": Office.objects.get(parent__isnull=True), "province": _o("省委教育工委巡察办"), "cjlu": _o("中国计量大学党委巡察办"),
        "city": _o("防城港市委巡察办"), "school": TargetOrg.objects.get(name="中国计量大学机电工程学院党委"),
        "practice_school": TargetOrg.objects.get(name="中国计量大学示范学院党委（演练）"),
        "university": TargetOrg.objects.get(name="中国计量大学党委"),
        "province_person": Person.objects.get(name="王建国"), "city_person": Person.objects.get(name="林涛"),
    }


def _expected(o: dict[str, Any]) -> dict[str, dict[str, int]]:
    """GET url → persona → status (anyone not listed: 404)."""
    return {
        "/offices/new/": {"office": 200, "office_cjlu": 200, "office_city": 200},
        f"/offices/{o['city'].pk}/edit/": {"office": 200},
        f"/offices/{o['cjlu'].pk}/edit/": {"office": 200},
        f"/offices/{o['root'].pk}/edit/": {"office": 200},
        f"/offices/{o['city'].pk}/settings/": {"office": 200, "office_city": 200},
        f"/offices/{o['cjlu'].pk}/settings/": {"office": 200, "office_cjlu": 200},
        f"/offices/{o['province'].pk}/calendar/": {"office": 200},
        f"/offices/{o['city'].pk}/calendar/": {"office": 200, "office_city": 200},
        f"/offices/{o['cjlu'].pk}/calendar/": {"office": 200, "office_cjlu": 200},
        f"/targets/{o['school'].pk}/parent/": {"office": 200},
        f"/targets/{o['practice_school'].pk}/parent/": {"office": 200, "office_cjlu": 200},
        "/pool/people/new/": {"office": 200, "office_cjlu": 200, "office_city": 200},
        f"/pool/people/{o['province_person'].pk}/": {"office": 200},
        f"/pool/people/{o['city_person'].pk}/": {"office": 200, "office_city": 200},
        f"/dashboard/offices/{o['province'].pk}/registry/": {"office": 200},
        f"/dashboard/offices/{o['cjlu'].pk}/registry/": {"office": 200, "office_cjlu": 200},
        f"/dashboard/offices/{o['city'].pk}/registry/": {"office": 200, "office_city": 200},
    }


@pytest.mark.parametrize("persona", [*ALL, "anonymous"])
def test_access_matrix(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    o = _objects()
    c = clients[persona]
    for url, codes in _expected(o).items():
        got = c.get(url).status_code
        want = 302 if persona == "anonymous" else codes.get(persona, 404)
        assert got == want, (url, persona, got)
    # A write by someone who may not: 404 too (never a change).
    before = OfficeSettings.objects.filter(office=o["province"]).values_list("term_years", flat=True).first()
    code = c.post(f"/offices/{o['province'].pk}/settings/", {"term_years": "3"}).status_code
    assert code in ((200, 302, 400) if persona == "office" else (302,) if persona == "anonymous" else (404,))
    if persona != "office":
        assert OfficeSettings.objects.filter(office=o["province"]).values_list("term_years", flat=True).first() == before
    # The province's calendar: a day entered by its admins only.
    code = c.post(f"/offices/{o['province'].pk}/calendar/", {"d-date": "2027-03-04", "d-kind": "holiday"}).status_code
    assert code == (302 if persona in ("office", "anonymous") else 404)
    assert CalendarDay.objects.filter(office=o["province"]).exists() == (persona == "office")


def test_office_tree_pages(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    city = clients["office_city"]
    page = city.get("/dashboard/offices/").content.decode()
    assert "设立下级巡察办" in page and f"/offices/{o['city'].pk}/settings/" in page
    assert f"/offices/{o['city'].pk}/edit/" not in page  # the city office is kept from above
    r = city.post("/offices/new/", {"name": "东兴市委巡察办", "parent": o["city"].pk})
    assert r.status_code == 302
    dongxing = _o("东兴市委巡察办")
    assert dongxing.parent_id == o["city"].pk
    # The city keeps the office it made: rename it; moving it outside its own offices is refused (choice invalid).
    assert city.post(f"/offices/{dongxing.pk}/edit/", {"name": "东兴市委巡察工作办公室", "parent": o["city"].pk}).status_code == 302
    assert city.post(f"/offices/{dongxing.pk}/edit/", {"name": "东兴", "parent": o["province"].pk}).status_code == 400
    # Creating under an office one does not own: the choice is not offered.
    bad = clients["office_cjlu"].post("/offices/new/", {"name": "某办", "parent": o["city"].pk})
    assert bad.status_code == 400 and "某办" in bad.content.decode()
    # A duplicate name or an empty one: a Chinese message, no server error.
    assert "已有名为" in city.post("/offices/new/", {"name": "防城港市委巡察办", "parent": o["city"].pk}).content.decode()
    assert city.post("/offices/new/", {"name": "", "parent": "x"}).status_code == 400


def test_office_moves_and_root(demo: dict[str, Any]) -> None:
    o = _objects()
    office = demo["users"]["office"]
    with pytest.raises(Invalid, match="不能把巡察办移到"):
        services_offices.office_update(actor=office, office=o["province"], name=o["province"].name, parent=o["cjlu"])
    with pytest.raises(Invalid, match="根巡察办"):
        services_offices.office_update(actor=office, office=o["root"], name=o["root"].name, parent=o["city"])
    with pytest.raises(NotAllowed):
        services_offices.office_update(actor=demo["users"]["office_city"], office=o["city"], name="改名", parent=o["root"])
    moved = services_offices.office_update(actor=office, office=o["cjlu"], name=o["cjlu"].name, parent=o["root"])
    assert moved.parent_id == o["root"].pk


def test_settings_inherit_down_the_tree(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    assert office_limit(o["cjlu"].pk, "handover_working_days") == settings.HANDOVER_WORKING_DAYS
    r = clients["office"].post(f"/offices/{o['province'].pk}/settings/", {
        "term_start": "2022-06-01", "term_years": "5", "handover_working_days": "9", "feedback_report_months": "3",
        "asks_audit": "近五年审计发现问题及整改情况。"})
    assert r.status_code == 302
    assert office_limit(o["province"].pk, "handover_working_days") == 9
    assert office_limit(o["cjlu"].pk, "handover_working_days") == 9  # inherited from the province
    assert office_limit(o["city"].pk, "handover_working_days") == settings.HANDOVER_WORKING_DAYS
    assert report_due_for(dt.date(2026, 1, 10), o["cjlu"].pk) == dt.date(2026, 4, 10)
    assert report_due_for(dt.date(2026, 1, 10), o["city"].pk) == dt.date(2026, 1, 10).replace(month=1 + settings.FEEDBACK_REPORT_MONTHS)
    assert office_briefing_asks(o["cjlu"].pk, "audit") == "近五年审计发现问题及整改情况。"
    # cjlu's own setting overrides the province's.
    assert clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/settings/", {
        "term_years": "5", "handover_working_days": "4"}).status_code == 302
    assert office_limit(o["cjlu"].pk, "handover_working_days") == 4
    assert office_term(o["cjlu"], dt.date(2026, 12, 1)) == (dt.date(2022, 6, 1), True)
    # Bad input: Chinese messages, what was typed kept.
    bad = clients["office_cjlu"].post(f"/offices/{o['cjlu'].pk}/settings/", {"term_years": "99", "handover_working_days": "abc"})
    assert bad.status_code == 400 and "99" in bad.content.decode()


def test_target_tree(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    office = demo["users"]["office"]
    assert o["school"].parent_org_id == o["university"].pk  # the demo's tree
    with pytest.raises(Invalid, match="不能把党组织"):
        services_offices.target_parent_set(actor=office, target=o["university"], parent=o["school"])
    r = clients["office"].post(f"/targets/{o['university'].pk}/parent/", {"parent_org": o["school"].pk})
    assert r.status_code == 400 and "不能把党组织" in r.content.decode()
    r = clients["office_cjlu"].post(f"/targets/{o['practice_school'].pk}/parent/", {"parent_org": ""})
    assert r.status_code == 302 and TargetOrg.objects.get(pk=o["practice_school"].pk).parent_org_id is None


def test_pool_person_pages(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    c = clients["office_city"]
    r = c.post("/pool/people/new/", {"name": "新同志", "unit": "防城港市审计局", "post": "科员", "expertise": ["audit", "law"],
                                     "office": o["city"].pk})
    assert r.status_code == 302
    person = Person.objects.get(name="新同志")
    assert person.expertise_codes == ["audit", "law"] and person.office_id == o["city"].pk
    url = f"/pool/people/{person.pk}/"
    assert c.post(url, {"action": "edit", "e-name": "新同志", "e-unit": "防城港市财政局", "e-expertise": ["finance"]}).status_code == 302
    person.refresh_from_db()
    assert person.unit == "防城港市财政局" and person.expertise_codes == ["finance"]
    target = demo["seed001"].target
    assert c.post(url, {"action": "relation", "r-org": target.pk, "r-kind": "relative", "r-detail": "弟弟在财务处"}).status_code == 302
    rel = PersonRelation.objects.get(person=person)
    page = c.get(url).content.decode()
    assert "弟弟在财务处" in page and 'data-confirm=' in page
    # The declared relation keeps the person off a team at that target (一次一授权 refused with the reason).
    with pytest.raises(Invalid, match="需回避"):
        services_offices.authorisation_record(actor=demo["users"]["office_city"], person=person, team=demo["seed001"].team,
                                              pledge_signed_on=dt.date(2026, 11, 1), declaration="无")
    assert c.post(url, {"action": "remove", "d-relation": rel.pk, "d-reason": ""}).status_code == 400
    assert c.post(url, {"action": "remove", "d-relation": rel.pk, "d-reason": "已调离"}).status_code == 302
    assert not PersonRelation.objects.filter(pk=rel.pk).exists()
    rnd = demo["seed001"].round
    assert c.post(url, {"action": "rate", "s-round": rnd.pk, "s-rating": "4", "s-note": "认真"}).status_code == 302
    assert person.rounds.get().rating == 4
    assert c.post(url, {"action": "rate", "s-round": rnd.pk, "s-rating": "9"}).status_code == 400
    assert c.post(url, {"action": "nonsense"}).status_code == 404
    # Another office's person: the city cannot edit the province's.
    assert c.post(f"/pool/people/{o['province_person'].pk}/", {"action": "edit", "e-name": "x", "e-unit": "y"}).status_code == 404


def test_registry_coverage(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    page = clients["office"].get(f"/dashboard/offices/{o['province'].pk}/registry/").content.decode()
    # The province's term began 2022-06-01: the school inspected in 2024 is covered, the university is not.
    assert "本届自 2022-06-01" in page
    assert "└ 中国计量大学机电工程学院党委" in page and "省委教育工委提级巡察二组" in page
    uncovered = clients["office"].get(f"/dashboard/offices/{o['province'].pk}/registry/?uncovered=1").content.decode()
    assert "中国计量大学党委" in uncovered and "机电工程学院" not in uncovered
    # The university office co-organised the elevated inspection: it sees it in its history, without figures.
    cjlu = clients["office_cjlu"].get(f"/dashboard/offices/{o['cjlu'].pk}/registry/").content.decode()
    assert "示范学院" in cjlu and "中国计量大学机电工程学院党委" in cjlu and "（提级巡察，本级协同）" in cjlu
    assert "已审定问题" not in cjlu
    city = clients["office_city"].get(f"/dashboard/offices/{o['city'].pk}/registry/").content.decode()
    assert "防城港职业技术学院党委" in city and "市委第五巡察组" in city and "已审定问题" in city
    assert "中国计量大学" not in city


@pytest.mark.parametrize("persona", ALL)
def test_registry_api(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    o = _objects()
    reach = {"office": {"province", "cjlu", "city"}, "office_cjlu": {"cjlu"}, "office_city": {"city"}}.get(persona, set())
    for key in ("province", "cjlu", "city"):
        r = clients[persona].get(f"/api/v1/offices/{o[key].pk}/registry")
        assert r.status_code == (200 if key in reach else 404), (persona, key)
    if "province" in reach:
        body = clients[persona].get(f"/api/v1/offices/{o['province'].pk}/registry").json()
        assert body["term_start"] == "2022-06-01"
        orgs = {x["name"]: x for x in body["organisations"]}
        assert orgs["中国计量大学机电工程学院党委"]["covered"] is True
        assert orgs["中国计量大学机电工程学院党委"]["parent_id"] == o["university"].pk
        assert orgs["中国计量大学党委"]["covered"] is False and body["uncovered"] >= 1
        only = clients[persona].get(f"/api/v1/offices/{o['province'].pk}/registry?uncovered=true").json()
        assert all(not x["covered"] for x in only["organisations"]) and len(only["organisations"]) == body["uncovered"]


def test_target_page_links_to_its_place_in_the_tree(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    o = _objects()
    page = clients["office"].get(f"/targets/{o['school'].pk}/").content.decode()
    assert f"/targets/{o['school'].pk}/parent/" in page and "中国计量大学党委" in page
