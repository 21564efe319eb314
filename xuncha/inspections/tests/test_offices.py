"""Offices in a tree (issue 20): the office role scoped to an office and its subtree, on pages and endpoints.

The demo tree: root (`office`) → 省委教育工委巡察办 (seed000, elevated) → 中国计量大学党委巡察办 (`office_cjlu`,
co-organiser of seed000); root → 防城港市委巡察办 (`office_city`: seed001 and the live practice inspection).
`other` belongs to the root (made by `office` with no office given)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from xuncha.access import Kind, Purpose, allows, scope
from xuncha.errors import NotAllowed
from xuncha.inspections import services, services_offices
from xuncha.inspections.models import Inspection, Office, Round

pytestmark = pytest.mark.django_db

OFFICES = ["office", "office_cjlu", "office_city"]
KEYS = ["seed000", "seed001", "practice", "other"]

# What each office admin reads of each demo inspection: "case" (own subtree: schedule, rectification,
# dashboard), "co" (co-organiser: schedule and rectification, no figures), None (nothing: 404).
READS: dict[str, dict[str, str | None]] = {
    "office": {"seed000": "case", "seed001": "case", "practice": "case", "other": "case"},
    "office_cjlu": {"seed000": "co", "seed001": None, "practice": None, "other": None},
    "office_city": {"seed000": None, "seed001": "case", "practice": "case", "other": None},
}


def test_demo_tree(demo: dict[str, Any]) -> None:
    root = Office.objects.get(parent__isnull=True)
    province = Office.objects.get(name="省委教育工委巡察办", parent=root)
    cjlu = Office.objects.get(name="中国计量大学党委巡察办", parent=province)
    city = Office.objects.get(name="防城港市委巡察办", parent=root)
    assert demo["seed000"].office_id == province.pk and demo["seed000"].co_organiser_id == cjlu.pk
    assert demo["seed001"].office_id == city.pk and demo["practice"].office_id == city.pk
    assert demo["seed000"].round.office_id == province.pk
    assert Round.objects.filter(office=cjlu).count() == 1  # the practice internal round


@pytest.mark.parametrize("persona", OFFICES)
@pytest.mark.parametrize("key", KEYS)
def test_inspection_pages(clients: Any, demo: dict[str, Any], persona: str, key: str) -> None:
    pk = demo[key].pk
    reach = READS[persona][key]
    c = clients[persona]
    assert c.get(reverse("inspections:detail", args=[pk])).status_code == (200 if reach else 404)
    assert c.get(reverse("rectification:ledger", args=[pk])).status_code == (200 if reach else 404)
    # Figures of an inspection: the subtree's; not a co-organiser's (they count reports).
    assert c.get(reverse("dashboard:inspection", args=[pk])).status_code == (200 if reach == "case" else 404)
    # The case file (reports) is the team's: never an office's.
    assert c.get(reverse("intake:reports", args=[pk])).status_code == 404


@pytest.mark.parametrize("persona", OFFICES)
def test_inspection_list_api_and_page(clients: Any, demo: dict[str, Any], persona: str) -> None:
    expected = sorted(demo[k].pk for k in KEYS if READS[persona][k])
    assert sorted(i["id"] for i in clients[persona].get("/api/v1/inspections").json()) == expected
    for key in KEYS:
        response = clients[persona].get(f"/api/v1/inspections/{demo[key].pk}")
        assert response.status_code == (200 if READS[persona][key] else 404)
    html = clients[persona].get(reverse("inspections:list")).content.decode()
    for key in KEYS:
        assert (f'href="{reverse("inspections:detail", args=[demo[key].pk])}"' in html) is bool(READS[persona][key])


@pytest.mark.parametrize("persona", OFFICES)
def test_rounds_and_dashboard_rounds(clients: Any, demo: dict[str, Any], persona: str) -> None:
    for key in KEYS:
        rnd = demo[key].round
        own = READS[persona][key] == "case"
        assert clients[persona].get(reverse("inspections:round", args=[rnd.pk])).status_code == (200 if own else 404)
        assert clients[persona].get(reverse("dashboard:round", args=[rnd.pk])).status_code == (200 if own else 404)


def test_city_office_cannot_work_on_provincial_round(demo: dict[str, Any]) -> None:
    city = demo["users"]["office_city"]
    with pytest.raises(NotAllowed):
        services.team_create(actor=city, round=demo["seed000"].round, name="越权组")
    with pytest.raises(NotAllowed):
        services.meeting_save(actor=city, inspection=demo["seed000"], date=demo["seed000"].start_date)


def test_upper_office_reads_subtree_but_works_on_its_own(demo: dict[str, Any]) -> None:
    province = Office.objects.get(name="省委教育工委巡察办")
    cjlu = Office.objects.get(name="中国计量大学党委巡察办")
    root_admin = demo["users"]["office"]
    sysadmin = demo["users"]["sysadmin"]
    from xuncha.accounts.models import User
    from xuncha.accounts.roles import Role
    from xuncha.accounts.services import role_assign

    prov = User.objects.create(username="office_prov")
    role_assign(actor=sysadmin, user=prov, role=Role.OFFICE_ADMIN, office=province)
    rnd = services.round_create(actor=root_admin, office=cjlu, name="校内第二轮", kind="regular", year=2026)
    team = services.team_create(actor=root_admin, round=rnd, name="校内第二组")
    target = services.target_create(actor=root_admin, office=cjlu, name="测试学院（校内）")
    internal = services.inspection_create(actor=root_admin, round=rnd, team=team, target=target,
                                          start_date=demo["practice"].start_date, working_days=10)
    assert internal.office_id == cjlu.pk
    # Read: the provincial office sees the university's inspection (its subtree) and its figures.
    assert allows(prov, Kind.INSPECTION, Purpose.READ, internal)
    assert allows(prov, Kind.DASHBOARD, Purpose.READ, internal)
    assert Inspection.objects.filter(scope(prov, Kind.INSPECTION, via=""), pk=internal.pk).exists()
    # Work and decide: its own rounds only.
    assert not allows(prov, Kind.INSPECTION, Purpose.WORK, internal)
    assert not allows(prov, Kind.RECTIFICATION, Purpose.APPROVE, internal)
    assert allows(prov, Kind.RECTIFICATION, Purpose.APPROVE, demo["seed000"])
    assert not Inspection.objects.filter(scope(prov, Kind.INSPECTION, Purpose.WORK, via=""), pk=internal.pk).exists()
    # Never the case file.
    assert not allows(prov, Kind.CASE, Purpose.READ, internal)


def test_co_organiser_reads_schedule_and_rectification_only(demo: dict[str, Any]) -> None:
    cjlu = demo["users"]["office_cjlu"]
    seed = demo["seed000"]
    assert allows(cjlu, Kind.INSPECTION, Purpose.READ, seed)
    assert allows(cjlu, Kind.RECTIFICATION, Purpose.READ, seed)
    for kind in (Kind.CASE, Kind.HANDOVER, Kind.DASHBOARD):
        assert not allows(cjlu, kind, Purpose.READ, seed)
    for purpose in (Purpose.WORK, Purpose.APPROVE):
        assert not allows(cjlu, Kind.INSPECTION, purpose, seed)
        assert not allows(cjlu, Kind.RECTIFICATION, purpose, seed)


def test_root_office_without_office_scope_keeps_everything(demo: dict[str, Any]) -> None:
    office = demo["users"]["office"]
    assert Inspection.objects.filter(scope(office, Kind.INSPECTION, Purpose.WORK, via="")).count() == Inspection.objects.count()


def test_co_organiser_must_be_another_office(demo: dict[str, Any]) -> None:
    from xuncha.errors import Invalid

    with pytest.raises(Invalid):
        services_offices.inspection_co_organiser_set(actor=demo["users"]["office"], inspection=demo["seed000"],
                                                     office=demo["seed000"].office)


def test_round_form_takes_an_office(clients: Any, demo: dict[str, Any]) -> None:
    city = Office.objects.get(name="防城港市委巡察办")
    province = Office.objects.get(name="省委教育工委巡察办")
    data = {"name": "东兴市委第一轮巡察", "kind": "regular", "year": 2026, "office": city.pk}
    assert clients["office"].post(reverse("inspections:rounds"), data).status_code == 302
    assert Round.objects.get(name="东兴市委第一轮巡察").office == city
    # The city office's own round by default; another office's is refused with a message on the form.
    assert clients["office_city"].post(reverse("inspections:rounds"), {**data, "name": "市第二轮", "office": ""}).status_code == 302
    assert Round.objects.get(name="市第二轮").office == city
    refused = clients["office_city"].post(reverse("inspections:rounds"), {**data, "name": "越权轮次", "office": province.pk})
    assert refused.status_code == 200 and not Round.objects.filter(name="越权轮次").exists()


def test_create_page_names_a_co_organiser(clients: Any, demo: dict[str, Any]) -> None:
    cjlu = Office.objects.get(name="中国计量大学党委巡察办")
    rnd = demo["seed000"].round
    data = {"round": rnd.pk, "team": demo["seed000"].team.pk, "target": "中国计量大学经济与管理学院党委（测试）",
            "start_date": "2026-12-01", "working_days": 15, "co_organiser": cjlu.pk}
    services.target_create(actor=demo["users"]["office"], name=data["target"])
    response = clients["office"].post(reverse("inspections:create"), data)
    assert response.status_code == 302
    created = Inspection.objects.get(target__name=data["target"])
    assert created.co_organiser == cjlu and created.office_id == rnd.office_id
    # The city office is not offered the provincial round.
    form = clients["office_city"].get(reverse("inspections:create")).content.decode()
    assert rnd.name not in form


def test_calendar_is_the_root_offices(demo: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        services.calendar_day_set(actor=demo["users"]["office_city"], date=demo["practice"].start_date, kind="holiday")


@pytest.mark.parametrize("persona", ["office_cjlu", "office_city"])
def test_scoped_office_pages_render(clients: Any, demo: dict[str, Any], persona: str) -> None:
    """The navigation of a scoped office renders in Chinese, with no other office's rounds or people."""
    for url in ("/inspections/", "/rounds/", "/teams/", "/targets/", "/bodies/", "/people/", "/pool/", "/dashboard/",
                "/dashboard/offices/", "/todo/", "/calendar/", "/find/?q=巡察"):
        response = clients[persona].get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Traceback" not in html and "This field is required" not in html
        assert "省委教育工委2024年提级巡察" not in html or url == "/inspections/", url
    if persona == "office_cjlu":
        detail = clients[persona].get(reverse("inspections:detail", args=[demo["seed000"].pk])).content.decode()
        assert 'id="co-organiser"' in detail
