"""Reads of inspections, teams and the calendar; each takes the acting user (xuncha.access decides
what they reach; what they may not see is NotFound)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from xuncha.access import Kind, Purpose, Standing, actor_of, scope, standings
from xuncha.accounts.selectors import Someone
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound

from .models import AcceptanceHours, CalendarDay, Channel, Inspection, Round, TargetOrg, Team, TeamMember

CALENDAR_CACHE_KEY = "xuncha:calendar-overrides"


def calendar_get() -> WorkdayCalendar:
    """The working-day calendar: package data plus the office's overrides (cached)."""
    overrides = cache.get(CALENDAR_CACHE_KEY)
    if overrides is None:
        overrides = {d.date: d.kind for d in CalendarDay.objects.all()}
        cache.set(CALENDAR_CACHE_KEY, overrides, 300)
    return WorkdayCalendar(overrides=overrides)


def calendar_day_list(*, user: Someone) -> QuerySet[CalendarDay]:
    if not can_plan(user):
        raise NotFound
    return CalendarDay.objects.all()


def can_plan(user: Someone) -> bool:
    """Planning rounds, teams, targets and inspections is the office's."""
    return actor_of(user).is_office


def _with_details(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return qs.select_related("round", "team", "target").prefetch_related(
        Prefetch("channels", queryset=Channel.objects.prefetch_related(
            Prefetch("hours", queryset=AcceptanceHours.objects.order_by("start")))),
        Prefetch("team__members", queryset=TeamMember.objects.order_by("position", "id")),
    )


def inspection_list(*, user: Someone, kind: Kind = Kind.INSPECTION, purpose: Purpose = Purpose.READ) -> QuerySet[Inspection]:
    """Inspections the user may reach for `kind` and `purpose` (xuncha.access): by default those they may
    see at all — the office every one, a team its own (less declared conflicts), a liaison their
    organisation's, nobody else any."""
    return _with_details(Inspection.objects.filter(scope(user, kind, purpose, via="")))


def inspection_get(*, user: Someone, pk: int, kind: Kind = Kind.INSPECTION, purpose: Purpose = Purpose.READ) -> Inspection:
    inspection = inspection_list(user=user, kind=kind, purpose=purpose).filter(pk=pk).first()
    if inspection is None:
        raise NotFound
    return inspection


def inspection_role(*, user: Someone, inspection: Inspection) -> str:
    """The user's standing on an inspection they can see: office, leader, member or liaison."""
    held = standings(user, inspection)
    if Standing.OFFICE in held:
        return "office"
    if Standing.LEADER in held:
        return "leader"
    if Standing.TEAM in held:
        return "member"
    return "liaison"


def inspection_get_public(*, public_id: uuid.UUID | str) -> Inspection:
    inspection = _with_details(Inspection.objects.filter(public_id=public_id)).first()
    if inspection is None:
        raise NotFound
    return inspection


def round_list(*, user: Someone) -> QuerySet[Round]:
    if not can_plan(user):
        raise NotFound
    return Round.objects.prefetch_related("teams__members", "inspections__target")


def round_get(*, user: Someone, pk: int) -> Round:
    obj = round_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound
    return obj


def team_get(*, user: Someone, pk: int) -> Team:
    if can_plan(user):
        qs = Team.objects.all()
    else:
        qs = Team.objects.filter(pk__in=actor_of(user).teams)
    team = qs.select_related("round").prefetch_related("members__conflicts__org", "members__user", "inspections__target").filter(pk=pk).first()
    if team is None:
        raise NotFound
    return team


def target_list(*, user: Someone) -> QuerySet[TargetOrg]:
    if not can_plan(user):
        raise NotFound
    return TargetOrg.objects.all()


def inspection_period_status(inspection: Inspection, today: dt.date) -> str:
    if today < inspection.start_date:
        return "未开始"
    if today > inspection.end_date:
        return "已结束"
    return "进行中"


def intake_status(inspection: Inspection, today: dt.date) -> str:
    if today < inspection.intake_start:
        return "尚未开始受理"
    if today > inspection.intake_end:
        return "受理期已结束"
    return "受理中"
