"""Writes on the master data once created: edit, close and archive rounds, teams, members, targets and
inspections; liaisons of a target and recipients of a receiving body.

Nothing referenced by cases is ever deleted: closing stops new work (a closed round takes no new teams
or inspections, a closed inspection no public reports), archiving also hides the object from the
default lists (a filter shows it). Each function is keyword-only, the office's (require_planner), and
writes its audit event in the same transaction, like xuncha/inspections/services.py.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import TEAM_ROLES, Role
from xuncha.accounts.services import role_assign, role_revoke
from xuncha.audit.services import audit_record
from xuncha.core.classify.codes import DEFAULT_FOCUS_WORDING, FOCUS_WORDINGS
from xuncha.errors import Conflict, Invalid

from .models import Inspection, ReceivingBody, Round, TargetOrg, Team, TeamMember
from .services import require_office_of


def _changes(obj: object, values: dict[str, object]) -> dict[str, list[str]]:
    """Set the values on obj; return what changed as {field: [before, after]} for the audit event."""
    changed = {}
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            changed[field] = [str(before), str(value)]
            setattr(obj, field, value)
    return changed


# --- rounds -----------------------------------------------------------------------------------------


def round_update(*, actor: User, round: Round, name: str, kind: str, year: int, organizer: str = "",
                 description: str = "", focus_wording: str = DEFAULT_FOCUS_WORDING,
                 request: HttpRequest | None = None) -> Round:
    require_office_of(actor, round.office_id)
    name = name.strip()
    if not name:
        raise Invalid("请填写轮次名称。")
    if Round.objects.filter(name=name).exclude(pk=round.pk).exists():
        raise Invalid(f"已有名为“{name}”的巡察轮次。")
    if focus_wording not in FOCUS_WORDINGS:
        raise Invalid("聚焦领域表述无效。")
    changed = _changes(round, {"name": name, "kind": kind, "year": year, "organizer": organizer, "description": description,
                               "focus_wording": focus_wording})
    with transaction.atomic():
        round.save()
        audit_record(actor=actor, action="round.update", obj=round, summary=f"修改巡察轮次：{round.name}",
                     data={"changed": changed}, request=request)
    return round


def round_close(*, actor: User, round: Round, request: HttpRequest | None = None) -> Round:
    """Close a round: its teams and inspections stay as they are; no new team or inspection is added."""
    require_office_of(actor, round.office_id)
    if round.closed_at is not None:
        raise Conflict(f"巡察轮次“{round.name}”已经关闭。")
    with transaction.atomic():
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="round.close", obj=round, summary=f"关闭巡察轮次：{round.name}", request=request)
    return round


def round_archive(*, actor: User, round: Round, request: HttpRequest | None = None) -> Round:
    """Archive a round (closing it too): hidden from the default list of rounds, kept for the record."""
    require_office_of(actor, round.office_id)
    if round.archived_at is not None:
        raise Conflict(f"巡察轮次“{round.name}”已经归档。")
    now = timezone.now()
    with transaction.atomic():
        round.closed_at = round.closed_at or now
        round.archived_at = now
        round.save(update_fields=["closed_at", "archived_at"])
        audit_record(actor=actor, action="round.archive", obj=round, summary=f"归档巡察轮次：{round.name}", request=request)
    return round


# --- teams and members ------------------------------------------------------------------------------


def team_update(*, actor: User, team: Team, name: str, request: HttpRequest | None = None) -> Team:
    require_office_of(actor, team.round.office_id)
    name = name.strip()
    if not name:
        raise Invalid("请填写巡察组名称。")
    if Team.objects.filter(round_id=team.round_id, name=name).exclude(pk=team.pk).exists():
        raise Invalid(f"本轮次已有“{name}”。")
    changed = _changes(team, {"name": name})
    with transaction.atomic():
        team.save()
        audit_record(actor=actor, action="team.update", obj=team, summary=f"修改巡察组：{team.name}",
                     data={"changed": changed}, request=request)
    return team


def team_archive(*, actor: User, team: Team, request: HttpRequest | None = None) -> Team:
    """Dissolve a team (撤销): no new members or inspections; its people keep their access to its
    inspections (the cases are still theirs) until each leaves the team."""
    require_office_of(actor, team.round.office_id)
    if team.archived_at is not None:
        raise Conflict(f"{team.name}已经撤销。")
    with transaction.atomic():
        team.archived_at = timezone.now()
        team.save(update_fields=["archived_at"])
        audit_record(actor=actor, action="team.archive", obj=team, summary=f"撤销巡察组：{team.name}", request=request)
    return team


def team_member_update(*, actor: User, member: TeamMember, name: str, position: str, title: str = "",
                       request: HttpRequest | None = None) -> TeamMember:
    """Correct a member's name, position or title. A changed position changes the account's team role
    (组长/副组长 lead, 组员 serve)."""
    require_office_of(actor, member.team.round.office_id)
    if member.left_at is not None:
        raise Conflict(f"{member.name}已离组，不能再修改。")
    if not name.strip():
        raise Invalid("请填写姓名。")
    if position not in TeamMember.Position.values:
        raise Invalid("职务无效。")
    old_role = _team_role(member.position)
    changed = _changes(member, {"name": name.strip(), "position": position, "title": title})
    new_role = _team_role(member.position)
    with transaction.atomic():
        member.save()
        if member.user is not None and old_role != new_role:
            _revoke_team_role(actor, member, old_role, request)
            if not member.user.roles.filter(role=new_role, team=member.team).exists():
                role_assign(actor=actor, user=member.user, role=new_role, team=member.team, request=request, system=True)
        audit_record(actor=actor, action="team.member_update", obj=member.team, request=request,
                     summary=f"{member.team.name} 修改成员：{member}", data={"member": member.pk, "changed": changed})
    return member


def _team_role(position: str) -> str:
    return Role.TEAM_MEMBER if position == TeamMember.Position.MEMBER else Role.TEAM_LEADER


def _revoke_team_role(actor: User, member: TeamMember, role: str, request: HttpRequest | None) -> None:
    """Take back the account's team role unless another current membership in the team still needs it."""
    if member.user is None:
        return
    others = TeamMember.objects.filter(team=member.team, user=member.user, left_at__isnull=True).exclude(pk=member.pk)
    if any(_team_role(m.position) == role for m in others):
        return
    for assignment in RoleAssignment.objects.filter(user=member.user, role=role, team=member.team):
        role_revoke(actor=actor, assignment=assignment, request=request, system=True)


def team_member_leave(*, actor: User, member: TeamMember, request: HttpRequest | None = None) -> TeamMember:
    """A member leaves the team (离组): the row stays (the record of who served), the account loses
    the team role, so it no longer reaches the team's inspections."""
    require_office_of(actor, member.team.round.office_id)
    if member.left_at is not None:
        raise Conflict(f"{member.name}已经离组。")
    with transaction.atomic():
        member.left_at = timezone.now()
        member.save(update_fields=["left_at"])
        for role in TEAM_ROLES:
            _revoke_team_role(actor, member, role, request)
        audit_record(actor=actor, action="team.member_leave", obj=member.team, request=request,
                     summary=f"{member.team.name} 成员离组：{member}", data={"member": member.pk})
    return member


# --- targets ----------------------------------------------------------------------------------------


def target_update(*, actor: User, target: TargetOrg, name: str, short_name: str = "", parent: str = "",
                  address: str = "", request: HttpRequest | None = None) -> TargetOrg:
    require_office_of(actor, target.office_id)
    name = name.strip()
    if not name:
        raise Invalid("请填写党组织名称。")
    if TargetOrg.objects.filter(name=name).exclude(pk=target.pk).exists():
        raise Invalid(f"“{name}”已登记。")
    changed = _changes(target, {"name": name, "short_name": short_name, "parent": parent, "address": address})
    with transaction.atomic():
        target.save()
        audit_record(actor=actor, action="target.update", obj=target, summary=f"修改被巡察党组织：{target.name}",
                     data={"changed": changed}, request=request)
    return target


def target_archive(*, actor: User, target: TargetOrg, request: HttpRequest | None = None) -> TargetOrg:
    """Archive a target: no new inspections of it, hidden from lists and the target search; its
    inspections, liaisons and cases stay."""
    require_office_of(actor, target.office_id)
    if target.archived_at is not None:
        raise Conflict(f"“{target.name}”已经归档。")
    with transaction.atomic():
        target.archived_at = timezone.now()
        target.save(update_fields=["archived_at"])
        audit_record(actor=actor, action="target.archive", obj=target, summary=f"归档被巡察党组织：{target.name}", request=request)
    return target


# --- inspections ------------------------------------------------------------------------------------


def inspection_close(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> Inspection:
    """Close an inspection: the public page and the public API stop taking reports at once, whatever the
    intake window says. The team's work on the cases already registered goes on."""
    require_office_of(actor, inspection.office_id)
    if inspection.closed_at is not None:
        raise Conflict("该巡察任务已经关闭。")
    with transaction.atomic():
        inspection.closed_at = timezone.now()
        inspection.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="inspection.close", obj=inspection, summary=f"关闭巡察任务：{inspection}", request=request)
    return inspection


def inspection_archive(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> Inspection:
    """Archive an inspection (closing it too): hidden from the default list, no more edits; kept with
    its cases."""
    require_office_of(actor, inspection.office_id)
    if inspection.archived_at is not None:
        raise Conflict("该巡察任务已经归档。")
    now = timezone.now()
    with transaction.atomic():
        inspection.closed_at = inspection.closed_at or now
        inspection.archived_at = now
        inspection.save(update_fields=["closed_at", "archived_at"])
        audit_record(actor=actor, action="inspection.archive", obj=inspection, summary=f"归档巡察任务：{inspection}", request=request)
    return inspection


# --- liaisons and recipients ------------------------------------------------------------------------


def _assignable(user: User) -> None:
    if not user.is_active:
        raise Invalid(f"账号 {user.username} 已停用。")


def liaison_add(*, actor: User, target: TargetOrg, user: User, request: HttpRequest | None = None) -> RoleAssignment:
    """Make an account a liaison (整改联络员) of a target. 三员分立 and duplicates: role_assign refuses."""
    require_office_of(actor, target.office_id)
    _assignable(user)
    if target.archived_at is not None:
        raise Conflict(f"“{target.name}”已归档，不能再指定联络员。")
    with transaction.atomic():
        assignment = role_assign(actor=actor, user=user, role=Role.LIAISON, org=target, request=request, system=True)
        audit_record(actor=actor, action="target.liaison_add", obj=target, request=request,
                     summary=f"指定{target.name}的整改联络员：{user}", data={"user": user.pk})
    return assignment


def liaison_remove(*, actor: User, target: TargetOrg, user: User, request: HttpRequest | None = None) -> None:
    require_office_of(actor, target.office_id)
    assignments = list(RoleAssignment.objects.filter(user=user, role=Role.LIAISON, org=target))
    if not assignments:
        raise Conflict(f"{user}不是{target.name}的联络员。")
    with transaction.atomic():
        for assignment in assignments:
            role_revoke(actor=actor, assignment=assignment, request=request, system=True)
        audit_record(actor=actor, action="target.liaison_remove", obj=target, request=request,
                     summary=f"取消{target.name}的整改联络员：{user}", data={"user": user.pk})


def recipient_add(*, actor: User, body: ReceivingBody, user: User, request: HttpRequest | None = None) -> RoleAssignment:
    """Make an account a recipient (接收人) of a receiving body."""
    require_office_of(actor, body.office_id)
    _assignable(user)
    with transaction.atomic():
        assignment = role_assign(actor=actor, user=user, role=Role.RECIPIENT, body=body, request=request, system=True)
        audit_record(actor=actor, action="body.recipient_add", obj=body, request=request,
                     summary=f"指定{body.name}的接收人：{user}", data={"user": user.pk})
    return assignment


def recipient_remove(*, actor: User, body: ReceivingBody, user: User, request: HttpRequest | None = None) -> None:
    require_office_of(actor, body.office_id)
    assignments = list(RoleAssignment.objects.filter(user=user, role=Role.RECIPIENT, body=body))
    if not assignments:
        raise Conflict(f"{user}不是{body.name}的接收人。")
    with transaction.atomic():
        for assignment in assignments:
            role_revoke(actor=actor, assignment=assignment, request=request, system=True)
        audit_record(actor=actor, action="body.recipient_remove", obj=body, request=request,
                     summary=f"取消{body.name}的接收人：{user}", data={"user": user.pk})
