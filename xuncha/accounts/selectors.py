"""Who holds which role where. Every access decision starts here."""

from __future__ import annotations

from typing import Any

from .models import RoleAssignment
from .roles import Role


def role_assignments(user: Any) -> list[RoleAssignment]:
    """The user's role assignments, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("team", "org", "body"))
        user._role_cache = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return any(a.role in roles for a in role_assignments(user))


def role_codes(user: Any) -> set[str]:
    return {a.role for a in role_assignments(user)}


def team_ids(user: Any, *roles: str) -> set[int]:
    wanted = roles or (Role.TEAM_LEADER, Role.TEAM_MEMBER)
    return {a.team_id for a in role_assignments(user) if a.role in wanted and a.team_id}


def org_ids(user: Any) -> set[int]:
    return {a.org_id for a in role_assignments(user) if a.role == Role.LIAISON and a.org_id}


def body_ids(user: Any) -> set[int]:
    return {a.body_id for a in role_assignments(user) if a.role == Role.RECIPIENT and a.body_id}


def user_list(*, user: Any) -> Any:
    from django.http import Http404

    from .models import User

    if not has_role(user, Role.SYSADMIN):
        raise Http404
    return User.objects.order_by("username").prefetch_related("roles__team", "roles__org", "roles__body")
