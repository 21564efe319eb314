"""Access matrix of the master-data pages and endpoints: every page × every persona. Only the office
reaches them; everyone else gets 404 (not 403: the object's existence is not confirmed) and changes
nothing; the anonymous visitor is sent to the login page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS
from xuncha.accounts.models import RoleAssignment
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection, ReceivingBody, Round, TargetOrg, Team, TeamMember

pytestmark = pytest.mark.django_db

EVERYONE = [*PERSONAS, "anonymous"]


def _objects(demo: dict[str, Any]) -> dict[str, Any]:
    other = demo["other"]
    return {
        "inspection": other, "round": other.round_id, "team": other.team_id, "target": other.target_id,
        "member": other.team.members.first().pk, "body": ReceivingBody.objects.get(name="示范市委组织部").pk,
        "liaison": demo["users"]["other_liaison"].pk, "recipient": demo["users"]["other_recipient"].pk,
    }


def _pages(o: dict[str, Any]) -> list[tuple[str, str, str, dict[str, str], int]]:
    """(id, method, url, data, the office's status)."""
    i = o["inspection"].pk
    return [
        ("teams", "get", reverse("inspections:teams"), {}, 200),
        ("people", "get", reverse("inspections:people"), {}, 200),
        ("bodies", "get", reverse("inspections:bodies"), {}, 200),
        ("body", "get", reverse("inspections:body", args=[o["body"]]), {}, 200),
        ("target", "get", reverse("inspections:target", args=[o["target"]]), {}, 200),
        ("target_search", "get", reverse("inspections:target_search"), {"q": "测试"}, 200),
        ("round_edit", "get", reverse("inspections:round_edit", args=[o["round"]]), {}, 200),
        ("team_edit", "get", reverse("inspections:team_edit", args=[o["team"]]), {}, 200),
        ("target_edit", "get", reverse("inspections:target_edit", args=[o["target"]]), {}, 200),
        ("member_edit", "get", reverse("inspections:member_edit", args=[o["team"], o["member"]]), {}, 200),
        ("round_edit_post", "post", reverse("inspections:round_edit", args=[o["round"]]),
         {"name": "改名的轮次", "kind": "regular", "year": "2026"}, 302),
        ("team_edit_post", "post", reverse("inspections:team_edit", args=[o["team"]]), {"name": "改名的组"}, 302),
        ("target_edit_post", "post", reverse("inspections:target_edit", args=[o["target"]]), {"name": "改名的党委"}, 302),
        ("member_edit_post", "post", reverse("inspections:member_edit", args=[o["team"], o["member"]]),
         {"name": "改名的人", "position": "leader"}, 302),
        ("liaison_add", "post", reverse("inspections:target", args=[o["target"]]), {"username": "norole"}, 302),
        ("recipient_add", "post", reverse("inspections:body", args=[o["body"]]), {"username": "norole"}, 302),
        ("liaison_remove", "post", reverse("inspections:target_liaison_remove", args=[o["target"], o["liaison"]]), {}, 302),
        ("recipient_remove", "post", reverse("inspections:body_recipient_remove", args=[o["body"], o["recipient"]]), {}, 302),
        ("close", "post", reverse("inspections:close", args=[i]), {}, 302),
        ("archive", "post", reverse("inspections:archive", args=[i]), {}, 302),
        ("round_close", "post", reverse("inspections:round_close", args=[o["round"]]), {}, 302),
        ("round_archive", "post", reverse("inspections:round_archive", args=[o["round"]]), {}, 302),
        ("team_archive", "post", reverse("inspections:team_archive", args=[o["team"]]), {}, 302),
        ("target_archive", "post", reverse("inspections:target_archive", args=[o["target"]]), {}, 302),
        ("member_leave", "post", reverse("inspections:member_leave", args=[o["team"], o["member"]]), {}, 302),
    ]


PAGE_IDS = [p[0] for p in _pages({"inspection": Inspection(pk=1), "round": 1, "team": 1, "target": 1, "member": 1,
                                  "body": 1, "liaison": 1, "recipient": 1})]


def _snapshot() -> list[Any]:
    return [
        list(Inspection.objects.order_by("pk").values_list("pk", "closed_at", "archived_at")),
        list(Round.objects.order_by("pk").values_list("pk", "name", "closed_at", "archived_at")),
        list(Team.objects.order_by("pk").values_list("pk", "name", "archived_at")),
        list(TeamMember.objects.order_by("pk").values_list("pk", "name", "position", "left_at")),
        list(TargetOrg.objects.order_by("pk").values_list("pk", "name", "archived_at")),
        list(RoleAssignment.objects.order_by("pk").values_list("pk", "user_id", "role", "team_id", "org_id", "body_id")),
        AuditEvent.objects.exclude(action__in=["inspection.view"]).count(),
    ]


@pytest.mark.parametrize("page_id", PAGE_IDS)
@pytest.mark.parametrize("persona", EVERYONE)
def test_only_the_office_reaches_master_data(clients: Any, demo: dict[str, Any], persona: str, page_id: str) -> None:
    _, method, url, data, ok_status = next(p for p in _pages(_objects(demo)) if p[0] == page_id)
    before = _snapshot()

    response = getattr(clients[persona], method)(url, data)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif persona == "office":
        assert response.status_code == ok_status, response.content[:400]
        if method == "post":
            assert _snapshot() != before  # the office's request did change something
    else:
        assert response.status_code == 404
        assert "测试学院党委".encode() not in response.content
    if persona != "office":
        assert _snapshot() == before


@pytest.mark.parametrize("persona", ["leader", "member", "other_leader", "other_member"])
def test_team_page_shows_no_master_data_actions_to_the_team(clients: Any, demo: dict[str, Any], persona: str) -> None:
    key = "seed000" if persona in ("leader", "member") else "other"
    team_id = demo[key].team_id
    html = clients[persona].get(reverse("inspections:team", args=[team_id])).content.decode()
    assert reverse("inspections:team_edit", args=[team_id]) not in html
    assert reverse("inspections:team_archive", args=[team_id]) not in html
    assert "离组</button>" not in html


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "office"])
def test_inspection_page_has_no_close_or_archive_for_others(clients: Any, demo: dict[str, Any], persona: str) -> None:
    for key in ("seed000", "other"):
        response = clients[persona].get(reverse("inspections:detail", args=[demo[key].pk]))
        html = response.content.decode()
        assert reverse("inspections:close", args=[demo[key].pk]) not in html
        assert reverse("inspections:archive", args=[demo[key].pk]) not in html
