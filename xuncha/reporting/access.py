"""Who may see and do what with the reports and the feedback sessions (docs/architecture.md §3), asked of
xuncha.access only:

- read a report, its versions, its trail and the feedback sessions: the office and the inspection's team
  (the rule of Kind.RECTIFICATION, which the feedback already follows); everyone else gets a 404;
- draft, edit and submit a report: the team (Kind.CASE, WORK: the report is drafted from the case file);
- decide the 组务会 step and record the feedback sessions: the team leader (Kind.CASE, APPROVE);
- decide the 巡察办 and 领导小组 steps: the office of the inspection (Kind.INSPECTION, APPROVE; the office
  records the leading group's decision and minutes, as its executive office).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from xuncha.access import Kind, Purpose, allows, scope
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection

from .models import Step

Reader = User | AnonymousUser


def report_inspections(*, user: Reader) -> QuerySet[Inspection]:
    """The inspections whose reports the user may read."""
    return Inspection.objects.filter(scope(user, Kind.RECTIFICATION, Purpose.READ, via=""))


def report_inspection_get(*, user: Reader, pk: int) -> Inspection:
    inspection = report_inspections(user=user).select_related("team", "target", "round").filter(pk=pk).first()
    if inspection is None:
        raise NotFound
    return inspection


def can_read(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.RECTIFICATION, Purpose.READ, inspection)


def can_draft(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.WORK, inspection)


def is_leader(user: Reader, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, inspection)


def can_decide(user: Reader, inspection: Inspection, step: str) -> bool:
    """Whether the user decides `step` of a report of this inspection."""
    if step == Step.TEAM_MEETING:
        return is_leader(user, inspection)
    if step in (Step.OFFICE, Step.LEADING_GROUP):
        return allows(user, Kind.INSPECTION, Purpose.APPROVE, inspection)
    return False
