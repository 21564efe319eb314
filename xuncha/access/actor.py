"""The acting user as the access policy sees them: roles and the scopes they hold, computed once per
request (two queries) and cached on the user object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser

from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import Role
from xuncha.accounts.selectors import role_assignments

# The organisation a role is scoped to, reached through the assignment's foreign key, so that this
# platform module need not import the domain app that defines it.
_TargetOrg: Any = RoleAssignment._meta.get_field("org").related_model
_Office: Any = RoleAssignment._meta.get_field("office").related_model


@dataclass(frozen=True)
class Actor:
    """Who is acting, and where: the teams they lead or serve on, the organisations they are liaison
    of, the receiving bodies they work for, and the organisations a conflict of interest keeps them
    out of (a team role never reaches an inspection of such an organisation)."""

    user: User | None
    roles: frozenset[str]
    led_teams: frozenset[int]
    teams: frozenset[int]
    orgs: frozenset[int]
    bodies: frozenset[int]
    conflicted_orgs: frozenset[int]
    # An office admin's reach: `offices` the offices whose rounds they read (their offices and every office
    # below), `own_offices` those whose rounds they work on and decide. None: every office (the root's
    # admin, or an office role scoped to no office, as before offices existed).
    offices: frozenset[int] | None = None
    own_offices: frozenset[int] | None = None

    @property
    def is_office(self) -> bool:
        return Role.OFFICE_ADMIN in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    @property
    def is_sysadmin(self) -> bool:
        return Role.SYSADMIN in self.roles

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


# Whoever is acting: an account, the anonymous visitor, nobody (a system job), or an Actor already computed.
Someone = User | AnonymousUser | Actor | None


class InspectionLike(Protocol):
    """What the policy reads of an inspection: its team, its target, its office and the office named as
    its co-organiser (the model lives in a higher layer)."""

    team_id: int
    target_id: int
    office_id: int | None
    co_organiser_id: int | None


NOBODY = Actor(user=None, roles=frozenset(), led_teams=frozenset(), teams=frozenset(), orgs=frozenset(),
               bodies=frozenset(), conflicted_orgs=frozenset())


def actor_of(user: Someone) -> Actor:
    """The Actor of a user (anonymous or inactive: nobody). Cached on the user object."""
    if isinstance(user, Actor):
        return user
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_actor_cache", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    assignments = role_assignments(user)
    teams = frozenset(a.team_id for a in assignments if a.role in (Role.TEAM_LEADER, Role.TEAM_MEMBER) and a.team_id)
    offices, own = _office_reach(assignments)
    conflicted = frozenset(_TargetOrg.objects.filter(conflicts__member__user=user).values_list("pk", flat=True)) if teams else frozenset()
    actor = Actor(
        user=user,
        roles=frozenset(a.role for a in assignments),
        led_teams=frozenset(a.team_id for a in assignments if a.role == Role.TEAM_LEADER and a.team_id),
        teams=teams,
        orgs=frozenset(a.org_id for a in assignments if a.role == Role.LIAISON and a.org_id),
        bodies=frozenset(a.body_id for a in assignments if a.role == Role.RECIPIENT and a.body_id),
        conflicted_orgs=conflicted,
        offices=offices,
        own_offices=own,
    )
    user._actor_cache = actor  # type: ignore[attr-defined]  # a per-request cache on the user object
    return actor


def _office_reach(assignments: list[RoleAssignment]) -> tuple[frozenset[int] | None, frozenset[int] | None]:
    """The offices an office admin reads (theirs and the subtree below) and works on (theirs). None: all
    (an office role with no office, or at the root office). One query, for scoped office admins only."""
    scoped = [a for a in assignments if a.role == Role.OFFICE_ADMIN]
    if not scoped or any(a.office is None or a.office.parent_id is None for a in scoped):
        return None, None
    own = frozenset(a.office_id for a in scoped if a.office_id is not None)
    children: dict[int, list[int]] = {}
    for pk, parent in _Office.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    reach, todo = set(own), list(own)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in reach:
                reach.add(child)
                todo.append(child)
    return frozenset(reach), own


def forget(user: User) -> None:
    """Drop the cached Actor (and role assignments) after the user's roles or conflicts changed."""
    for name in ("_actor_cache", "_role_cache"):
        if hasattr(user, name):
            delattr(user, name)
