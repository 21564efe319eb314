"""Who may see and do what in rectification (DESIGN §1). Every selector of this app goes through
these; what a user may not see is a 404.

- team (leader, member) of the inspection: findings, notices, feedback, ledger; the leader approves
  findings, issues notices, accepts answers, and may sign items off;
- office admin: every inspection's ledger and notices (read), signs items off or returns them;
- liaison of the inspected organisation: issued notices and ledger items of that organisation only,
  never a finding's evidence, a report or a reporter.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from xuncha.access import Kind, Purpose, actor_of, allows, scope
from xuncha.inspections.models import Inspection


def team_inspections(*, user: Any) -> QuerySet[Inspection]:
    """The inspections of the user's team (declared conflicts excluded)."""
    return Inspection.objects.filter(scope(user, Kind.CASE, via=""))


def team_inspection_get(*, user: Any, pk: int) -> Inspection:
    inspection = team_inspections(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def is_team_leader(user: Any, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, inspection)


def is_office(user: Any) -> bool:
    return actor_of(user).is_office


def ledger_inspections(*, user: Any) -> QuerySet[Inspection]:
    """Inspections whose ledger the user may read: the office all, the team its own, the liaison their organisation's."""
    return Inspection.objects.filter(scope(user, Kind.TARGET, via=""))


def ledger_inspection_get(*, user: Any, pk: int) -> Inspection:
    inspection = ledger_inspections(user=user).filter(pk=pk).select_related("team", "target", "round").first()
    if inspection is None:
        raise Http404
    return inspection


def is_liaison_of(user: Any, inspection: Inspection) -> bool:
    return allows(user, Kind.TARGET, Purpose.WORK, inspection)


def can_sign_off(user: Any, inspection: Inspection) -> bool:
    """销号: the office verifies and signs off; the team leader may too (DESIGN §1)."""
    return allows(user, Kind.RECTIFICATION, Purpose.APPROVE, inspection)
