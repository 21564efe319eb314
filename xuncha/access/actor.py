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
    """What the policy reads of an inspection: its team and its target (the model lives in a higher layer)."""

    team_id: int
    target_id: int


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
    conflicted = frozenset(_TargetOrg.objects.filter(conflicts__member__user=user).values_list("pk", flat=True)) if teams else frozenset()
    actor = Actor(
        user=user,
        roles=frozenset(a.role for a in assignments),
        led_teams=frozenset(a.team_id for a in assignments if a.role == Role.TEAM_LEADER and a.team_id),
        teams=teams,
        orgs=frozenset(a.org_id for a in assignments if a.role == Role.LIAISON and a.org_id),
        bodies=frozenset(a.body_id for a in assignments if a.role == Role.RECIPIENT and a.body_id),
        conflicted_orgs=conflicted,
    )
    user._actor_cache = actor  # type: ignore[attr-defined]  # a per-request cache on the user object
    return actor


def forget(user: User) -> None:
    """Drop the cached Actor (and role assignments) after the user's roles or conflicts changed."""
    for name in ("_actor_cache", "_role_cache"):
        if hasattr(user, name):
            delattr(user, name)
