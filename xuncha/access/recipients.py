"""Whom to tell about an object: the accounts holding a role on it, each checked against the policy for
the kind of object, so that a notification never reaches whoever the policy keeps away from it (a team
member who declared a conflict of interest with the target, an inactive account).

The domain apps pick the roles for each event and pass the result to xuncha.notify."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

from .actor import InspectionLike
from .policy import Kind, Purpose, allows, probing


def may_be_told(users: Iterable[User], kind: Kind, purpose: Purpose, inspection: InspectionLike | None,
                *, body_id: int | None = None) -> list[User]:
    """Of `users`, those the policy lets reach an object of `kind` for `purpose` (its inspection, and a
    handover's receiving body, given). Whom to tell is a question, not a write: it is asked as a probe,
    so that a write still open on a filed inspection (a clue's result) may tell the team's leaders."""
    with probing():
        return [u for u in users if allows(u, kind, purpose, inspection, body_id=body_id)]


def _holders(q: Q) -> list[User]:
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def team_to_tell(inspection: InspectionLike, *, leaders_only: bool = False) -> list[User]:
    """The inspection's team (its leaders only, if asked) who may read its case file."""
    roles = [Role.TEAM_LEADER] if leaders_only else [Role.TEAM_LEADER, Role.TEAM_MEMBER]
    users = _holders(Q(roles__role__in=roles, roles__team_id=inspection.team_id))
    return may_be_told(users, Kind.CASE, Purpose.APPROVE if leaders_only else Purpose.READ, inspection)


def office_to_tell(inspection: InspectionLike) -> list[User]:
    """The admins of the office that signs off the inspection's rectification (its own office, or one above
    it at the root): not the offices that only read it (a co-organiser, another branch of the tree)."""
    users = _holders(Q(roles__role=Role.OFFICE_ADMIN))
    return may_be_told(users, Kind.RECTIFICATION, Purpose.APPROVE, inspection)


def liaisons_to_tell(inspection: InspectionLike) -> list[User]:
    """The inspected organisation's liaisons."""
    users = _holders(Q(roles__role=Role.LIAISON, roles__org_id=inspection.target_id))
    return may_be_told(users, Kind.TARGET, Purpose.WORK, inspection)


def recipients_to_tell(inspection: InspectionLike, body_id: int) -> list[User]:
    """The receiving body's recipients (a referral, a transfer list addressed to it)."""
    users = _holders(Q(roles__role=Role.RECIPIENT, roles__body_id=body_id))
    return may_be_told(users, Kind.HANDOVER, Purpose.WORK, inspection, body_id=body_id)
