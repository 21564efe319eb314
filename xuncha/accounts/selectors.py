"""Who holds which role where. Every access decision starts here (xuncha.access builds on these)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from xuncha.errors import NotFound

from .models import RoleAssignment, User
from .roles import Role

# Whoever a request carries: a signed-in account, the anonymous user, or nobody (no request).
Someone = User | AnonymousUser | None


def role_assignments(user: Someone) -> list[RoleAssignment]:
    """The user's role assignments, cached on the user object for the request."""
    if not isinstance(user, User) or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("team", "org", "body", "office"))
        user._role_cache = cached  # type: ignore[attr-defined]  # a per-request cache on the user object
    return cached


def has_role(user: Someone, *roles: str) -> bool:
    return any(a.role in roles for a in role_assignments(user))


def role_codes(user: Someone) -> set[str]:
    return {a.role for a in role_assignments(user)}


def team_ids(user: Someone, *roles: str) -> set[int]:
    wanted = roles or (Role.TEAM_LEADER, Role.TEAM_MEMBER)
    return {a.team_id for a in role_assignments(user) if a.role in wanted and a.team_id}


def org_ids(user: Someone) -> set[int]:
    return {a.org_id for a in role_assignments(user) if a.role == Role.LIAISON and a.org_id}


def body_ids(user: Someone) -> set[int]:
    return {a.body_id for a in role_assignments(user) if a.role == Role.RECIPIENT and a.body_id}


def user_list(*, user: Someone) -> QuerySet[User]:
    """Every account, for the sysadmin only (anyone else: not found)."""
    if not has_role(user, Role.SYSADMIN):
        raise NotFound
    return User.objects.order_by("username").prefetch_related("roles__team", "roles__org", "roles__body")
