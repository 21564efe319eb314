"""Who may see and do what in rectification (docs/architecture.md §3): the app's small access helper. Every selector,
service and view of this app asks here, and this module asks xuncha.access; what a user may not see is
a NotFound.

- team (leader, member) of the inspection: findings, notices, feedback, ledger; the leader approves
  findings, issues notices, accepts answers, and may sign items off;
- office admin: every inspection's ledger and notices (read), signs items off or returns them;
- liaison of the inspected organisation: issued notices and ledger items of that organisation only,
  never a finding's evidence, a report or a reporter.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from xuncha.access import Kind, Purpose, actor_of, allows, scope
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection

Reader: TypeAlias = User | AnonymousUser


def team_inspections(*, user: Reader) -> QuerySet[Inspection]:
    """The inspections of the user's team (declared conflicts excluded): findings, candidates, the item form."""
    return Inspection.objects.filter(scope(user, Kind.CASE, via=""))


def team_inspection_get(*, user: Reader, pk: int) -> Inspection:
    inspection = team_inspections(user=user).filter(pk=pk).first()
    if inspection is None:
        raise NotFound
    return inspection


def team_work_get(*, user: Reader, pk: int) -> Inspection:
    """The inspection for a write of its team (a finding, a notice, the feedback, a ledger item): as
    team_inspection_get, and asked of the access policy as work, which refuses a filed inspection."""
    inspection = team_inspection_get(user=user, pk=pk)
    allows(user, Kind.CASE, Purpose.WORK, inspection)
    return inspection


def staff_inspections(*, user: Reader) -> QuerySet[Inspection]:
    """Inspections whose notices, feedback and ledger the user works on as staff: the office all, the team its own."""
    return Inspection.objects.filter(scope(user, Kind.RECTIFICATION, via=""))


def staff_inspection_get(*, user: Reader, pk: int) -> Inspection:
    inspection = staff_inspections(user=user).filter(pk=pk).prefetch_related(None).select_related("team", "target", "round").first()
    if inspection is None:
        raise NotFound
    return inspection


def ledger_inspections(*, user: Reader) -> QuerySet[Inspection]:
    """Inspections whose ledger the user may read: the office all, the team its own, the liaison their organisation's."""
    return Inspection.objects.filter(scope(user, Kind.TARGET, via=""))


def ledger_inspection_get(*, user: Reader, pk: int) -> Inspection:
    """The inspection whose ledger the user may read (or export)."""
    inspection = ledger_inspections(user=user).filter(pk=pk).prefetch_related(None).select_related("team", "target", "round").first()
    if inspection is None:
        raise NotFound
    return inspection


def liaison_scope(user: Reader, *, via: str = "inspection") -> Q:
    """What the user reaches as liaison: rows whose inspection (through `via`) is of their organisation."""
    return scope(user, Kind.TARGET, Purpose.WORK, via=via)


def is_liaison(user: Reader) -> bool:
    """Whether the user is liaison of any organisation (the liaison's pages are a 404 for everyone else)."""
    return bool(actor_of(user).orgs)


def is_team(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.READ, inspection)


def is_team_leader(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, inspection)


def is_liaison_of(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.TARGET, Purpose.WORK, inspection)


def can_read_ledger(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.TARGET, Purpose.READ, inspection)


def can_sign_off(user: Reader, inspection: Inspection) -> bool:
    """销号: the office verifies and signs off; the team leader may too (docs/architecture.md §3)."""
    return allows(user, Kind.RECTIFICATION, Purpose.APPROVE, inspection)


def is_staff(user: Reader, inspection: Inspection) -> bool:
    """The office, or the inspection's team: the staff side of notices, the feedback and the ledger."""
    return allows(user, Kind.RECTIFICATION, Purpose.READ, inspection)


def liaisons_of(inspection: Inspection) -> QuerySet[User]:
    """The active liaisons of the inspected organisation (they are reminded of its items)."""
    return User.objects.filter(is_active=True, roles__role=Role.LIAISON, roles__org_id=inspection.target_id)


def leaders_of(inspection: Inspection) -> QuerySet[User]:
    """The active leaders of the inspection's team, but not one who declared a conflict with its target."""
    return (User.objects.filter(is_active=True, roles__role=Role.TEAM_LEADER, roles__team_id=inspection.team_id)
            .exclude(team_memberships__conflicts__org_id=inspection.target_id))


def can_review_plan(user: Reader, inspection: Inspection) -> bool:
    """整改方案、整改报告的审核: the office of the inspection (its own office: Kind.INSPECTION, APPROVE), not the team."""
    return allows(user, Kind.INSPECTION, Purpose.APPROVE, inspection)
