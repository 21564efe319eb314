"""A team's page (/teams/<pk>/): members, accounts, declared conflicts (回避)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from tests.formdata import post_form
from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import Role
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services
from xuncha.inspections.models import ConflictDeclaration, Inspection, TeamMember

pytestmark = pytest.mark.django_db


def _url(inspection: Inspection) -> str:
    return reverse("inspections:team", args=[inspection.team_id])


@pytest.fixture
def newcomer(demo: dict[str, Any]) -> User:
    user = User(username="newcomer", display_name="新同志")
    user.set_password("Xuncha#Newcomer2026")
    user.save()
    return user


def _add_member(client: Any, inspection: Inspection, **values: Any) -> Any:
    page = client.get(_url(inspection))
    data = post_form(page, having="m-name").data({f"m-{k}": str(v) for k, v in values.items()})
    return client.post(_url(inspection), data, follow=True)


def _declare(client: Any, inspection: Inspection, **values: Any) -> Any:
    page = client.get(_url(inspection))
    data = post_form(page, having="c-member").data({f"c-{k}": str(v) for k, v in values.items()})
    return client.post(_url(inspection), data, follow=True)


def test_team_page_shows_members(clients: Any, seed001: Inspection) -> None:
    html = clients["leader"].get(_url(seed001)).content.decode()
    for fact in ("苏锡林", "组长", "三级高级监察官", "黄治平", "冯金凤", "副组长", "防城港职业技术学院党委（2024-03-06 至 2024-06-21）"):
        assert fact in html
    assert 'name="m-name"' not in html  # read-only for the team


def test_adding_a_member_with_an_account_gives_the_team_role(clients: Any, seed000: Inspection, newcomer: User) -> None:
    client = client_for(newcomer)
    assert client.get(reverse("inspections:detail", args=[seed000.pk])).status_code == 404

    response = _add_member(clients["office"], seed000, name="新同志", position="member", title="干部", user=newcomer.pk)

    assert "已添加成员。" in response.content.decode()
    member = TeamMember.objects.get(team=seed000.team, name="新同志")
    assert (member.user, member.position, member.title) == (newcomer, "member", "干部")
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.TEAM_MEMBER, team=seed000.team).exists()
    assert AuditEvent.objects.filter(action="team.member_add", object_id=str(seed000.team_id)).exists()
    assert AuditEvent.objects.filter(action="accounts.role_assign", object_id=str(newcomer.pk)).exists()
    assert client.get(reverse("inspections:detail", args=[seed000.pk])).status_code == 200


def test_a_deputy_leader_gets_the_leader_role(clients: Any, seed000: Inspection, newcomer: User) -> None:
    _add_member(clients["office"], seed000, name="新同志", position="deputy", user=newcomer.pk)
    assert list(RoleAssignment.objects.filter(user=newcomer).values_list("role", "team")) == [(Role.TEAM_LEADER, seed000.team_id)]


def test_a_member_without_an_account(clients: Any, seed000: Inspection) -> None:
    roles = RoleAssignment.objects.count()
    response = _add_member(clients["office"], seed000, name="无账号组员", position="member")
    assert "无账号组员" in response.content.decode()
    assert TeamMember.objects.filter(team=seed000.team, name="无账号组员", user=None).exists()
    assert RoleAssignment.objects.count() == roles


def test_the_auditor_cannot_join_a_team(clients: Any, seed000: Inspection, demo: dict[str, Any]) -> None:
    auditor = demo["users"]["auditor"]
    response = _add_member(clients["office"], seed000, name="审计员", position="member", user=auditor.pk)
    assert "三员分立" in response.content.decode()
    assert not TeamMember.objects.filter(user=auditor).exists()
    assert list(RoleAssignment.objects.filter(user=auditor).values_list("role", flat=True)) == [Role.AUDITOR]


def test_a_declared_conflict_blocks_joining_a_team_that_inspects_the_org(clients: Any, demo: dict[str, Any], newcomer: User) -> None:
    seed000, other = demo["seed000"], demo["other"]
    office = clients["office"]
    _add_member(office, other, name="新同志", position="member", user=newcomer.pk)
    member = TeamMember.objects.get(team=other.team, user=newcomer)
    response = _declare(office, other, member=member.pk, org=seed000.target_id, reason="配偶在该学院任职")
    assert "已登记回避申报。" in response.content.decode()
    assert ConflictDeclaration.objects.filter(member=member, org=seed000.target).exists()
    assert AuditEvent.objects.filter(action="team.conflict_declare", summary__contains="配偶在该学院任职").exists()

    response = _add_member(office, seed000, name="新同志", position="member", user=newcomer.pk)

    html = response.content.decode()
    assert f"新同志已申报与{seed000.target.name}存在利益冲突，需回避，不能加入巡察该单位的巡察组。" in html
    assert not TeamMember.objects.filter(team=seed000.team, user=newcomer).exists()
    assert not RoleAssignment.objects.filter(user=newcomer, team=seed000.team).exists()


def test_a_conflict_declared_after_assignment_hides_the_inspection(clients: Any, demo: dict[str, Any], newcomer: User) -> None:
    seed000 = demo["seed000"]
    office = clients["office"]
    _add_member(office, seed000, name="新同志", position="member", user=newcomer.pk)
    client = client_for(newcomer)
    detail = reverse("inspections:detail", args=[seed000.pk])
    assert client.get(detail).status_code == 200
    member = TeamMember.objects.get(team=seed000.team, user=newcomer)

    _declare(office, seed000, member=member.pk, org=seed000.target_id, reason="曾在该学院任职")

    for url in (detail, reverse("inspections:announcement", args=[seed000.pk]),
                reverse("inspections:announcement_docx", args=[seed000.pk])):
        assert client.get(url).status_code == 404
    assert seed000.target.name not in client.get(reverse("inspections:list")).content.decode()
    assert client.get("/api/v1/inspections").json() == [
        i for i in client.get("/api/v1/inspections").json() if i["id"] != seed000.pk]
    assert seed000.pk not in [i["id"] for i in client.get("/api/v1/inspections").json()]
    # Nor does the team page list it among the team's inspections.
    entry = f"<li>{seed000.target.name}（{seed000.start_date:%Y-%m-%d} 至"
    assert entry not in client.get(reverse("inspections:team", args=[seed000.team_id])).content.decode()
    assert entry in office.get(reverse("inspections:team", args=[seed000.team_id])).content.decode()
    # The rest of the team is not affected.
    assert clients["member"].get(detail).status_code == 200


def test_a_conflict_needs_a_reason(clients: Any, seed000: Inspection) -> None:
    member = seed000.team.members.first()
    response = _declare(clients["office"], seed000, member=member.pk, org=seed000.target_id, reason="")
    assert "这个字段是必填项。" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_a_conflict_can_only_name_a_member_of_this_team(clients: Any, demo: dict[str, Any]) -> None:
    seed000, other = demo["seed000"], demo["other"]
    stranger = other.team.members.first()
    response = _declare(clients["office"], seed000, member=stranger.pk, org=seed000.target_id, reason="某理由")
    assert "选择一个有效的选项" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_members_are_added_through_the_service_too(demo: dict[str, Any], newcomer: User) -> None:
    """The service refuses a conflicted account whatever page calls it."""
    office = demo["users"]["office"]
    other, seed000 = demo["other"], demo["seed000"]
    member = services.team_member_add(actor=office, team=other.team, name="新同志", position="member", user=newcomer)
    services.conflict_declare(actor=office, member=member, org=seed000.target, reason="近亲属")
    with pytest.raises(Exception, match="利益冲突"):
        services.team_member_add(actor=office, team=seed000.team, name="新同志", position="member", user=newcomer)
