"""Services of the master data: edit, close, archive (what each means), duplicate inspections refused,
liaisons and recipients; only the office, every change audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.access import actor_of
from xuncha.access.actor import forget
from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import Role
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed
from xuncha.inspections import services, services_master
from xuncha.inspections.models import Inspection, ReceivingBody, TeamMember
from xuncha.inspections.selectors import inspection_list, round_search, target_choices, target_search, team_search
from xuncha.portal.services import IntakeNotOpen, public_intake_check, public_report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo: dict[str, Any]) -> User:
    return demo["users"]["office"]


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- duplicates ---------------------------------------------------------------------------------------


def test_an_overlapping_inspection_of_the_same_team_and_target_is_refused(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed000"]
    count = Inspection.objects.count()
    with pytest.raises(Invalid) as info:
        services.inspection_create(actor=office, round=seed.round, team=seed.team, target=seed.target,
                                   start_date=seed.end_date, end_date=seed.end_date + dt.timedelta(days=10))
    assert "已有巡察任务" in info.value.messages[0]
    assert "不能重复创建" in info.value.messages[0]
    assert Inspection.objects.count() == count


def test_a_later_inspection_of_the_same_pair_is_not_a_duplicate(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed000"]
    later = services.inspection_create(actor=office, round=seed.round, team=seed.team, target=seed.target,
                                       start_date=seed.end_date + dt.timedelta(days=1), end_date=seed.end_date + dt.timedelta(days=20))
    assert later.pk != seed.pk


def test_an_archived_inspection_does_not_block_a_new_one(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed000"]
    services_master.inspection_archive(actor=office, inspection=seed)
    again = services.inspection_create(actor=office, round=seed.round, team=seed.team, target=seed.target,
                                       start_date=seed.start_date, end_date=seed.end_date)
    assert again.pk != seed.pk


def test_editing_into_an_overlap_is_refused(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed000"]
    later = services.inspection_create(actor=office, round=seed.round, team=seed.team, target=seed.target,
                                       start_date=seed.end_date + dt.timedelta(days=1), end_date=seed.end_date + dt.timedelta(days=20))
    with pytest.raises(Invalid, match="不能重复创建"):
        services.inspection_update(actor=office, inspection=later, start_date=seed.end_date, end_date=later.end_date,
                                   working_days=None, intake_start=None, intake_end=None, duration_text="",
                                   postmark_counts=False, scope_text="")
    later.refresh_from_db()
    assert later.start_date == seed.end_date + dt.timedelta(days=1)
    # Editing the inspection itself (its own dates overlap itself) is fine.
    services.inspection_update(actor=office, inspection=seed, start_date=seed.start_date, end_date=seed.end_date,
                               working_days=None, intake_start=None, intake_end=None, duration_text="",
                               postmark_counts=False, scope_text="")


# --- close and archive --------------------------------------------------------------------------------


def test_a_closed_round_takes_no_new_team_or_inspection(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed000"]
    target = services.target_create(actor=office, name="某新单位党委")
    services_master.round_close(actor=office, round=seed.round)
    assert _events("round.close") == 1
    with pytest.raises(Conflict, match="已关闭"):
        services.team_create(actor=office, round=seed.round, name="新的组")
    with pytest.raises(Conflict, match="已关闭"):
        services.inspection_create(actor=office, round=seed.round, team=seed.team, target=target,
                                   start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 4, 3))
    with pytest.raises(Conflict, match="已经关闭"):
        services_master.round_close(actor=office, round=seed.round)
    # Its existing inspections go on: still listed, still editable.
    assert inspection_list(user=office).filter(pk=seed.pk).exists()


def test_an_archived_round_is_hidden_from_the_default_list_but_kept(demo: dict[str, Any], office: User) -> None:
    rnd = demo["other"].round
    services_master.round_archive(actor=office, round=rnd)
    rnd.refresh_from_db()
    assert rnd.closed_at is not None and rnd.archived_at is not None
    assert not round_search(user=office).filter(pk=rnd.pk).exists()
    assert round_search(user=office, archived=True).filter(pk=rnd.pk).exists()
    assert Inspection.objects.filter(round=rnd).exists()


def test_a_dissolved_team_takes_no_new_member_or_inspection(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    target = services.target_create(actor=office, name="某新单位党委")
    services_master.team_archive(actor=office, team=other.team)
    with pytest.raises(Conflict, match="已撤销"):
        services.team_member_add(actor=office, team=other.team, name="新人", position="member")
    with pytest.raises(Conflict, match="已撤销"):
        services.inspection_create(actor=office, round=other.round, team=other.team, target=target,
                                   start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 4, 1))
    assert not team_search(user=office).filter(pk=other.team_id).exists()
    assert team_search(user=office, archived=True).filter(pk=other.team_id).exists()


def test_an_archived_target_is_out_of_the_search_and_takes_no_inspection(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    target = other.target
    assert [t.pk for t in target_choices(user=office, q=target.name)] == [target.pk]
    services_master.target_archive(actor=office, target=target)
    assert target_choices(user=office, q=target.name) == []
    assert not target_search(user=office).filter(pk=target.pk).exists()
    assert target_search(user=office, archived=True).filter(pk=target.pk).exists()
    with pytest.raises(Conflict, match="已归档"):
        services.inspection_create(actor=office, round=other.round, team=other.team, target=target,
                                   start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 4, 1))
    # Its liaison keeps seeing the inspection (the cases are there).
    assert inspection_list(user=demo["users"]["other_liaison"]).filter(pk=other.pk).exists()


def test_a_closed_inspection_stops_the_public_intake_with_a_clear_message(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    day = other.intake_start + dt.timedelta(days=1)
    public_intake_check(inspection=other, today=day)  # open before
    services_master.inspection_close(actor=office, inspection=other)
    other = Inspection.objects.get(pk=other.pk)
    with pytest.raises(IntakeNotOpen) as info:
        public_intake_check(inspection=other, today=day)
    assert info.value.closed
    assert "已由巡察办关闭" in info.value.detail
    with pytest.raises(IntakeNotOpen):
        public_report_submit(inspection=other, content="反映某领导违规公款吃喝的问题。")
    assert not other.intake_open_on(day)


def test_an_archived_inspection_is_closed_and_can_no_longer_be_edited(demo: dict[str, Any], office: User) -> None:
    seed = demo["seed001"]
    services_master.inspection_archive(actor=office, inspection=seed)
    seed.refresh_from_db()
    assert seed.closed_at is not None and seed.archived_at is not None
    with pytest.raises(Conflict, match="已归档"):
        services.inspection_update(actor=office, inspection=seed, start_date=seed.start_date, end_date=seed.end_date,
                                   working_days=None, intake_start=None, intake_end=None, duration_text="",
                                   postmark_counts=False, scope_text="")
    with pytest.raises(Conflict, match="已经归档"):
        services_master.inspection_archive(actor=office, inspection=seed)
    assert _events("inspection.archive") == 1


# --- edits and members --------------------------------------------------------------------------------


def test_edits_refuse_a_name_taken_and_record_what_changed(demo: dict[str, Any], office: User) -> None:
    seed, other = demo["seed000"], demo["other"]
    with pytest.raises(Invalid, match="已有名为"):
        services_master.round_update(actor=office, round=other.round, name=seed.round.name, kind="regular", year=2026)
    with pytest.raises(Invalid, match="已登记"):
        services_master.target_update(actor=office, target=other.target, name=seed.target.name)
    services_master.target_update(actor=office, target=other.target, name="测试学院党委（更名）", short_name="测院")
    event = AuditEvent.objects.get(action="target.update")
    assert event.data["changed"]["name"] == ["测试学院党委", "测试学院党委（更名）"]
    services_master.team_update(actor=office, team=other.team, name="测试市委第二巡察组（调整）")
    assert _events("team.update") == 1


def test_a_member_who_leaves_loses_the_team_role(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    user = demo["users"]["other_member"]
    member = services.team_member_add(actor=office, team=other.team, name="其他组员", position="member", user=user)
    assert inspection_list(user=user).filter(pk=other.pk).exists()
    services_master.team_member_leave(actor=office, member=member)
    forget(user)
    assert not RoleAssignment.objects.filter(user=user, role=Role.TEAM_MEMBER, team=other.team).exists()
    assert not inspection_list(user=user).filter(pk=other.pk).exists()
    member.refresh_from_db()
    assert member.left_at is not None  # the row stays
    with pytest.raises(Conflict, match="已经离组"):
        services_master.team_member_leave(actor=office, member=member)
    assert _events("team.member_leave") == 1


def test_a_member_made_deputy_becomes_a_leader(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    user = demo["users"]["other_member"]
    member = services.team_member_add(actor=office, team=other.team, name="其他组员", position="member", user=user)
    services_master.team_member_update(actor=office, member=member, name="其他组员", position=TeamMember.Position.DEPUTY, title="副处长")
    forget(user)
    assert other.team_id in actor_of(user).led_teams
    assert not RoleAssignment.objects.filter(user=user, role=Role.TEAM_MEMBER, team=other.team).exists()


# --- liaisons and recipients --------------------------------------------------------------------------


def test_the_office_assigns_and_removes_a_liaison(demo: dict[str, Any], office: User) -> None:
    other = demo["other"]
    user = demo["users"]["norole"]
    services_master.liaison_add(actor=office, target=other.target, user=user)
    forget(user)
    assert actor_of(user).orgs == {other.target_id}
    assert inspection_list(user=user).filter(pk=other.pk).exists()
    with pytest.raises(Invalid, match="已有此角色"):
        services_master.liaison_add(actor=office, target=other.target, user=user)
    services_master.liaison_remove(actor=office, target=other.target, user=user)
    forget(user)
    assert actor_of(user).orgs == frozenset()
    with pytest.raises(Conflict, match="不是"):
        services_master.liaison_remove(actor=office, target=other.target, user=user)
    assert (_events("target.liaison_add"), _events("target.liaison_remove")) == (1, 1)


def test_a_sysadmin_cannot_be_made_a_liaison(demo: dict[str, Any], office: User) -> None:
    with pytest.raises(Invalid, match="三员分立"):
        services_master.liaison_add(actor=office, target=demo["other"].target, user=demo["users"]["sysadmin"])


def test_the_office_assigns_and_removes_a_recipient(demo: dict[str, Any], office: User) -> None:
    body = ReceivingBody.objects.get(name="示范市纪委监委")
    user = demo["users"]["norole"]
    services_master.recipient_add(actor=office, body=body, user=user)
    forget(user)
    assert actor_of(user).bodies == {body.pk}
    services_master.recipient_remove(actor=office, body=body, user=user)
    forget(user)
    assert actor_of(user).bodies == frozenset()
    assert (_events("body.recipient_add"), _events("body.recipient_remove")) == (1, 1)


# --- only the office ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"])
def test_nobody_but_the_office_may(demo: dict[str, Any], persona: str) -> None:
    actor = demo["users"][persona]
    other = demo["other"]
    member = other.team.members.first()
    body = ReceivingBody.objects.first()
    user = demo["users"]["norole"]
    before = AuditEvent.objects.count()
    calls = [
        lambda: services_master.round_update(actor=actor, round=other.round, name="x", kind="regular", year=2026),
        lambda: services_master.round_close(actor=actor, round=other.round),
        lambda: services_master.round_archive(actor=actor, round=other.round),
        lambda: services_master.team_update(actor=actor, team=other.team, name="x"),
        lambda: services_master.team_archive(actor=actor, team=other.team),
        lambda: services_master.team_member_update(actor=actor, member=member, name="x", position="member"),
        lambda: services_master.team_member_leave(actor=actor, member=member),
        lambda: services_master.target_update(actor=actor, target=other.target, name="x"),
        lambda: services_master.target_archive(actor=actor, target=other.target),
        lambda: services_master.inspection_close(actor=actor, inspection=other),
        lambda: services_master.inspection_archive(actor=actor, inspection=other),
        lambda: services_master.liaison_add(actor=actor, target=other.target, user=user),
        lambda: services_master.liaison_remove(actor=actor, target=other.target, user=demo["users"]["other_liaison"]),
        lambda: services_master.recipient_add(actor=actor, body=body, user=user),
        lambda: services_master.recipient_remove(actor=actor, body=body, user=demo["users"]["recipient"]),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert AuditEvent.objects.count() == before
    other.refresh_from_db()
    assert other.closed_at is None and other.archived_at is None
