"""Who may see and do what after the ledger (docs/architecture.md §3, §6 "整改公开、评估与回头看"). Everything asks
xuncha.access; what a user may not see is a NotFound.

- publication and assessment: the office decides (publishes, marks exemptions, scores: `Kind.INSPECTION`,
  APPROVE and WORK — its own offices); the office and the inspection's team read them (`Kind.RECTIFICATION`);
- 回头看: the office creates the follow-up inspection; its team reads the earlier inspection's findings and
  open items through it (`Kind.CASE` on the follow-up) and marks its own findings 整改不到位.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from xuncha.access import Kind, Purpose, allows, scope
from xuncha.accounts.models import User
from xuncha.errors import NotAllowed, NotFound
from xuncha.inspections.models import Inspection

Reader: TypeAlias = User | AnonymousUser


def can_read(user: Reader, inspection: Inspection) -> bool:
    """The staff side of publication and assessment: the office and the inspection's team."""
    return allows(user, Kind.RECTIFICATION, Purpose.READ, inspection)


def can_publish(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.INSPECTION, Purpose.APPROVE, inspection)


def can_assess(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.INSPECTION, Purpose.WORK, inspection)


def staff_inspection_get(*, user: Reader, pk: int) -> Inspection:
    inspection = (Inspection.objects.filter(scope(user, Kind.RECTIFICATION, via=""), pk=pk)
                  .select_related("team", "target", "round", "revisit_of").first())
    if inspection is None:
        raise NotFound
    return inspection


def require(ok: bool, visible: bool, message: str) -> None:
    """Refuse: NotFound to one who may not even read it, NotAllowed (with the message) to a reader."""
    if ok:
        return
    if not visible:
        raise NotFound
    raise NotAllowed(message)


def revisit_team_reads(user: Reader, inspection: Inspection) -> bool:
    """The follow-up's team (and the office) read the starting point of a 回头看 inspection."""
    return inspection.revisit_of_id is not None and (allows(user, Kind.CASE, Purpose.READ, inspection) or can_read(user, inspection))


def revisit_inspections(*, user: Reader) -> QuerySet[Inspection]:
    return Inspection.objects.filter(scope(user, Kind.RECTIFICATION, via=""), revisit_of__isnull=False)
