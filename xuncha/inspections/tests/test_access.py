"""Access matrix of the staff pages of inspections: every page × every persona × own/other object.

An object a persona may not see is a 404, never a 403 (docs/architecture.md §3); the anonymous visitor is sent to
the login page. Unsafe requests by anyone but the office are refused with 404 and change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS, VISIBLE_INSPECTIONS
from xuncha.accounts.models import RoleAssignment, User
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services
from xuncha.inspections.models import (
    AcceptanceHours,
    CalendarDay,
    Channel,
    ConflictDeclaration,
    Inspection,
    MeetingSpeaker,
    MobilizationMeeting,
    Round,
    TargetOrg,
    Team,
    TeamMember,
)

pytestmark = pytest.mark.django_db



OFFICE = {"office"}
# Who sees an inspection at all (detail, announcement page).
SEES = {"own": {"office", "leader", "member", "liaison"}, "other": {"office", "other_leader", "other_member", "other_liaison"}}
# Who sees the team's side of it (documents, team page): not the liaison.
TEAM = {"own": {"office", "leader", "member"}, "other": {"office", "other_leader", "other_member"}}

# (url name, method, audience, status on success)
OBJECT_PAGES = [
    ("detail", "get", SEES, 200),
    ("edit", "get", OFFICE, 200),
    ("channel_create", "get", OFFICE, 200),
    ("channel_edit", "get", OFFICE, 200),
    ("channel_delete", "post", OFFICE, 302),
    ("meeting", "get", OFFICE, 200),
    ("announcement", "get", SEES, 200),
    ("announcement_docx", "get", TEAM, 200),
    ("letterbox_notice", "get", TEAM, 200),
    ("round", "get", OFFICE, 200),
    ("team", "get", TEAM, 200),
]
PLAIN_PAGES = [
    ("rounds", "get", OFFICE, 200),
    ("targets", "get", OFFICE, 200),
    ("calendar", "get", OFFICE, 200),
    ("calendar_delete", "post", OFFICE, 302),
    ("create", "get", OFFICE, 200),
    ("import", "get", OFFICE, 200),
]
EVERYONE = [*PERSONAS, "anonymous"]


def _audience(audience: Any, obj: str | None) -> set[str]:
    return audience[obj] if isinstance(audience, dict) else audience


def _url(name: str, inspection: Inspection | None, day: CalendarDay | None = None) -> str:
    if name == "round":
        return reverse("inspections:round", args=[inspection.round_id])
    if name == "team":
        return reverse("inspections:team", args=[inspection.team_id])
    if name in ("channel_edit", "channel_delete"):
        channel = inspection.channels.order_by("order", "id").first()
        return reverse(f"inspections:{name}", args=[inspection.pk, channel.pk])
    if name == "calendar_delete":
        return reverse("inspections:calendar_delete", args=[day.pk])
    if inspection is None:
        return reverse(f"inspections:{name}")
    return reverse(f"inspections:{name}", args=[inspection.pk])


def _inspection(demo: dict[str, Any], obj: str) -> Inspection:
    return demo["seed000"] if obj == "own" else demo["other"]


def _check(response: Any, persona: str, allowed: bool, ok_status: int) -> None:
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif allowed:
        assert response.status_code == ok_status, response.content[:500]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("obj", ["own", "other"])
@pytest.mark.parametrize(("name", "method", "audience", "ok_status"), OBJECT_PAGES, ids=[p[0] for p in OBJECT_PAGES])
@pytest.mark.parametrize("persona", EVERYONE)
def test_object_page(clients: Any, demo: dict[str, Any], persona: str, name: str, method: str, audience: Any,
                     ok_status: int, obj: str) -> None:
    inspection = _inspection(demo, obj)
    url = _url(name, inspection)
    channels_before = Channel.objects.filter(inspection=inspection).count()
    allowed = persona in _audience(audience, obj)

    response = getattr(clients[persona], method)(url)

    _check(response, persona, allowed, ok_status)
    channels_after = Channel.objects.filter(inspection=inspection).count()
    if name == "channel_delete" and allowed and persona != "anonymous":
        assert channels_after == channels_before - 1
    else:
        assert channels_after == channels_before
    if response.status_code == 200 and name in ("detail", "announcement"):
        assert inspection.target.name in response.content.decode()
    if response.status_code == 200 and name == "announcement_docx":
        assert response.content[:2] == b"PK"
    if response.status_code == 200 and name == "letterbox_notice":
        assert response.content[:5] == b"%PDF-"
    if response.status_code == 404:
        assert inspection.target.name.encode() not in response.content


@pytest.mark.parametrize(("name", "method", "audience", "ok_status"), PLAIN_PAGES, ids=[p[0] for p in PLAIN_PAGES])
@pytest.mark.parametrize("persona", EVERYONE)
def test_office_page(clients: Any, demo: dict[str, Any], persona: str, name: str, method: str, audience: Any,
                     ok_status: int) -> None:
    day = services.calendar_day_set(actor=demo["users"]["office"], date=dt.date(2027, 2, 8), kind="holiday", name="春节")
    url = _url(name, None, day)

    response = getattr(clients[persona], method)(url)

    _check(response, persona, persona in audience, ok_status)
    still_there = CalendarDay.objects.filter(pk=day.pk).exists()
    assert still_there is not (name == "calendar_delete" and persona == "office")


def _names(demo: dict[str, Any]) -> dict[str, str]:
    return {key: str(demo[key]) for key in ("seed000", "seed001", "practice", "other")}




@pytest.mark.parametrize("persona", EVERYONE)
def test_list_shows_exactly_the_visible_inspections(clients: Any, demo: dict[str, Any], persona: str) -> None:
    response = clients[persona].get(reverse("inspections:list"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    visible = VISIBLE_INSPECTIONS[persona]
    for key, title in _names(demo).items():
        link = reverse("inspections:detail", args=[demo[key].pk])
        assert (f'href="{link}"' in html) is (key in visible), (persona, key)
        assert (title in html) is (key in visible), (persona, key)
    if not visible:
        assert "暂无可查看的巡察任务" in html
    assert ("新建巡察任务" in html) is (persona == "office")


# ---------------------------------------------------------------------------------------------------
# Unsafe methods: a POST that works for the office is a 404 that changes nothing for everyone else.


def _snapshot() -> dict[str, list[Any]]:
    return {
        "inspections": list(Inspection.objects.order_by("pk").values_list(
            "pk", "start_date", "end_date", "working_days", "intake_start", "intake_end", "duration_text", "scope_text")),
        "channels": list(Channel.objects.order_by("pk").values_list("pk", "kind", "label", "value", "postcode", "location")),
        "hours": list(AcceptanceHours.objects.order_by("pk").values_list("pk", "channel_id", "days", "start", "end")),
        "meetings": list(MobilizationMeeting.objects.order_by("pk").values_list("pk", "date", "place", "host")),
        "speakers": list(MeetingSpeaker.objects.order_by("pk").values_list("pk", "name")),
        "calendar": list(CalendarDay.objects.order_by("pk").values_list("pk", "date", "kind")),
        "rounds": list(Round.objects.order_by("pk").values_list("pk", "name")),
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name")),
        "members": list(TeamMember.objects.order_by("pk").values_list("pk", "name", "user_id")),
        "conflicts": list(ConflictDeclaration.objects.order_by("pk").values_list("pk", "member_id", "org_id")),
        "targets": list(TargetOrg.objects.order_by("pk").values_list("pk", "name")),
        "roles": list(RoleAssignment.objects.order_by("pk").values_list("pk", "user_id", "role")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
    }


def _unsafe_request(name: str, demo: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A URL and POST data that the office may submit successfully."""
    office = demo["users"]["office"]
    seed000 = demo["seed000"]
    phone = seed000.channels.get(kind="phone")
    empty_hours = {"hours-TOTAL_FORMS": "0", "hours-INITIAL_FORMS": "0"}
    if name == "edit":
        return reverse("inspections:edit", args=[seed000.pk]), {
            "start_date": "2024-09-25", "end_date": "2024-10-30", "duration_text": "一个多月", "scope_text": "改过的范围"}
    if name == "channel_create":
        return reverse("inspections:channel_create", args=[seed000.pk]), {
            "kind": "email", "value": "new@example.org", "order": "9", **empty_hours}
    if name == "channel_edit":
        return reverse("inspections:channel_edit", args=[seed000.pk, phone.pk]), {
            "kind": "phone", "label": "改后电话", "value": "0571-00000000", "order": "0", **empty_hours}
    if name == "channel_delete":
        return reverse("inspections:channel_delete", args=[seed000.pk, phone.pk]), {}
    if name == "meeting":
        return reverse("inspections:meeting", args=[seed000.pk]), {
            "date": "2024-09-26", "place": "新会场", "speakers-TOTAL_FORMS": "0", "speakers-INITIAL_FORMS": "0"}
    if name == "calendar":
        return reverse("inspections:calendar"), {"d-date": "2027-01-04", "d-kind": "holiday", "d-name": "测试假日"}
    if name == "calendar_delete":
        day = services.calendar_day_set(actor=office, date=dt.date(2027, 2, 8), kind="holiday", name="春节")
        return reverse("inspections:calendar_delete", args=[day.pk]), {}
    if name == "create":
        target = services.target_create(actor=office, name="新的被巡察单位党委")
        return reverse("inspections:create"), {
            "round": seed000.round_id, "team": seed000.team_id, "target": target.name, "start_date": "2024-11-04", "working_days": "10"}
    if name == "rounds":
        return reverse("inspections:rounds"), {"name": "新的轮次", "kind": "regular", "year": "2025"}
    if name == "round":
        return reverse("inspections:round", args=[seed000.round_id]), {"name": "新的巡察组"}
    if name == "team_member":
        return reverse("inspections:team", args=[seed000.team_id]), {"m-name": "新组员", "m-position": "member"}
    if name == "team_conflict":
        member = seed000.team.members.first()
        return reverse("inspections:team", args=[seed000.team_id]), {
            "c-member": member.pk, "c-org": demo["other"].target_id, "c-reason": "近亲属在该单位任职"}
    if name == "targets":
        return reverse("inspections:targets"), {"name": "又一个党委"}
    raise AssertionError(name)


UNSAFE = ["edit", "channel_create", "channel_edit", "channel_delete", "meeting", "calendar", "calendar_delete", "create",
          "rounds", "round", "team_member", "team_conflict", "targets"]


@pytest.mark.parametrize("name", UNSAFE)
@pytest.mark.parametrize("persona", EVERYONE)
def test_unsafe_post(clients: Any, demo: dict[str, Any], persona: str, name: str) -> None:
    url, data = _unsafe_request(name, demo)
    before = _snapshot()

    response = clients[persona].post(url, data)

    after = _snapshot()
    if persona == "office":
        # The same request is accepted for the office: the refusal below is about the persona.
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after != before
        assert len(after["audit"]) > len(before["audit"])
    else:
        _check(response, persona, False, 0)
        assert after == before


def test_get_on_post_only_endpoints_is_refused(clients: Any, demo: dict[str, Any]) -> None:
    seed000 = demo["seed000"]
    channel = seed000.channels.first()
    day = services.calendar_day_set(actor=demo["users"]["office"], date=dt.date(2027, 2, 8), kind="holiday", name="春节")
    for url in (reverse("inspections:channel_delete", args=[seed000.pk, channel.pk]),
                reverse("inspections:calendar_delete", args=[day.pk])):
        assert clients["office"].get(url).status_code == 405
    assert Channel.objects.filter(pk=channel.pk).exists()
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_norole_user_lands_on_the_home_page_without_case_data(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["norole"].get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未分配角色" in html
    for key in ("seed000", "seed001", "practice", "other"):
        assert demo[key].target.name not in html


@pytest.mark.parametrize(("persona", "target"), [("office", "todo:index"), ("leader", "todo:index"), ("member", "todo:index"),
                                                 ("liaison", "todo:index"), ("recipient", "todo:index"), ("auditor", "audit:list"),
                                                 ("sysadmin", "accounts:users")])
def test_home_sends_each_role_to_its_page(clients: Any, demo: dict[str, Any], persona: str, target: str) -> None:
    response = clients[persona].get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_inactive_user_is_logged_out(demo: dict[str, Any], clients: Any) -> None:
    User.objects.filter(username="leader").update(is_active=False)
    response = clients["leader"].get(reverse("inspections:detail", args=[demo["seed000"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
