"""Reads of inspections, teams and the calendar; each takes the acting user (xuncha.access decides
what they reach; what they may not see is NotFound)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from xuncha.access import Kind, Purpose, Standing, actor_of, scope, standings
from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.selectors import Someone
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound

from .models import AcceptanceHours, CalendarDay, Channel, Inspection, Office, ReceivingBody, Round, TargetOrg, Team, TeamMember
from .selectors_offices import office_chain, office_q

# Every calendar day entered, {office id (None: the platform's): {date: kind}}; dropped by each write.
CALENDAR_CACHE_KEY = "xuncha:calendar-overrides:by-office"


def _calendar_days() -> dict[int | None, dict[dt.date, str]]:
    days: dict[int | None, dict[dt.date, str]] | None = cache.get(CALENDAR_CACHE_KEY)
    if days is None:
        days = {}
        for office_id, date, kind in CalendarDay.objects.values_list("office_id", "date", "kind"):
            days.setdefault(office_id, {})[date] = kind
        cache.set(CALENDAR_CACHE_KEY, days, 300)
    return days


def calendar_get() -> WorkdayCalendar:
    """The platform's working-day calendar: package data plus the platform-wide overrides (cached). For an
    inspection's dates use calendar_of / calendar_for, which add its office's own days."""
    return WorkdayCalendar(overrides=dict(_calendar_days().get(None, {})))


def calendar_for(office_id: int | None) -> WorkdayCalendar:
    """The calendar of an office's inspections: the platform-wide days, then those of the office's ancestors
    and its own, the nearest office winning on the same date (no office: the root's)."""
    days = _calendar_days()
    chain = office_chain(office_id) if any(pk is not None for pk in days) else []
    return WorkdayCalendar.layered([days.get(pk, {}) for pk in [None, *reversed(chain)]])


class OfficeCalendars:
    """The calendars of several offices' inspections, for lists across inspections: the days and the tree read
    once, each office's calendar built once (as calendar_for builds it)."""

    def __init__(self) -> None:
        self._days = _calendar_days()
        self._parents: dict[int, int | None] | None = None
        self._memo: dict[int | None, WorkdayCalendar] = {}

    @property
    def has_office_days(self) -> bool:
        """Whether any office entered days of its own (if not, every office's calendar is the platform's)."""
        return any(pk is not None for pk in self._days)

    def _tree(self) -> dict[int, int | None]:
        if self._parents is None:
            self._parents = dict(Office.objects.values_list("pk", "parent_id"))
        return self._parents

    def office_ids(self) -> list[int | None]:
        """Every office, and None for the inspections of no office."""
        return [*self._tree(), None]

    def of(self, office_id: int | None) -> WorkdayCalendar:
        if office_id not in self._memo:
            chain = office_chain(office_id, self._tree()) if self.has_office_days else []
            self._memo[office_id] = WorkdayCalendar.layered([self._days.get(pk, {}) for pk in [None, *reversed(chain)]])
        return self._memo[office_id]


def calendar_of(inspection: Inspection) -> WorkdayCalendar:
    """The working-day calendar an inspection's due dates are counted on (its office's)."""
    return calendar_for(inspection.office_id)


def calendar_day_list(*, user: Someone) -> QuerySet[CalendarDay]:
    """The platform-wide days (the /calendar/ page); an office's own are on its settings pages."""
    if not can_plan(user):
        raise NotFound
    return CalendarDay.objects.filter(office__isnull=True)


def office_calendar_day_list(*, office: Office) -> QuerySet[CalendarDay]:
    """The office's own days (the office already checked: selectors_offices.office_settings_get)."""
    return CalendarDay.objects.filter(office=office)


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


def missing_channels() -> Any:
    """Inspections with no acceptance channel set (the list's filter missing=channels; the office's to-do)."""
    return ~Exists(Channel.objects.filter(inspection=OuterRef("pk")))


def live_q(via: str = "") -> Q:
    """Inspections not archived (`via` the path to the inspection): archived ones leave the to-do lists
    and the dashboard's default views; a closed one stays (the work on its registered cases goes on)."""
    return Q(**{f"{via}__archived_at__isnull" if via else "archived_at__isnull": True})


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
    return Round.objects.filter(office_q(user)).prefetch_related("teams__members", "inspections__target")


def round_get(*, user: Someone, pk: int) -> Round:
    obj = round_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound
    return obj


def team_get(*, user: Someone, pk: int) -> Team:
    if can_plan(user):
        qs = Team.objects.filter(office_q(user, "round__office_id"))
    else:
        qs = Team.objects.filter(pk__in=actor_of(user).teams)
    team = qs.select_related("round").prefetch_related("members__conflicts__org", "members__user", "inspections__target").filter(pk=pk).first()
    if team is None:
        raise NotFound
    return team


def target_list(*, user: Someone) -> QuerySet[TargetOrg]:
    if not can_plan(user):
        raise NotFound
    return TargetOrg.objects.filter(office_q(user))


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


# --- master data lists (the office's): a name filter `q`, archived objects only when asked for -----

def _named(qs: QuerySet[Any], q: str, *fields: str) -> QuerySet[Any]:
    q = q.strip()[:60]
    if not q:
        return qs
    cond = Q()
    for field in fields:
        cond |= Q(**{f"{field}__icontains": q})
    return qs.filter(cond)


def round_search(*, user: Someone, q: str = "", archived: bool = False) -> QuerySet[Round]:
    qs = _named(round_list(user=user), q, "name", "organizer")
    return qs.exclude(archived_at__isnull=True) if archived else qs.filter(archived_at__isnull=True)


def team_search(*, user: Someone, q: str = "", archived: bool = False) -> QuerySet[Team]:
    if not can_plan(user):
        raise NotFound
    qs = _named(Team.objects.filter(office_q(user, "round__office_id")).select_related("round"), q, "name", "round__name")
    return qs.exclude(archived_at__isnull=True) if archived else qs.filter(archived_at__isnull=True)


def member_search(*, user: Someone, q: str = "", left: bool = False) -> QuerySet[TeamMember]:
    """The people on teams (巡察组成员), by name; those who left only when asked for."""
    if not can_plan(user):
        raise NotFound
    qs = _named(TeamMember.objects.filter(office_q(user, "team__round__office_id")).select_related("team__round", "user"), q,
                "name", "title").order_by("name", "id")
    return qs.exclude(left_at__isnull=True) if left else qs.filter(left_at__isnull=True)


def member_get(*, user: Someone, team: Team, pk: int) -> TeamMember:
    if not can_plan(user):
        raise NotFound
    member = TeamMember.objects.select_related("team", "user").filter(team=team, pk=pk).first()
    if member is None:
        raise NotFound
    return member


def target_search(*, user: Someone, q: str = "", archived: bool = False) -> QuerySet[TargetOrg]:
    qs = _named(target_list(user=user), q, "name", "short_name", "parent")
    return qs.exclude(archived_at__isnull=True) if archived else qs.filter(archived_at__isnull=True)


def target_get(*, user: Someone, pk: int) -> TargetOrg:
    obj = target_list(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound
    return obj


def target_choices(*, user: Someone, q: str, limit: int = 20) -> list[TargetOrg]:
    """Targets a new inspection may be of (not archived) whose name contains q: full-name matches first."""
    q = q.strip()[:60]
    if not q:
        return []
    qs = target_search(user=user, q=q)
    exact = list(qs.filter(Q(name=q) | Q(short_name=q)))
    rest = list(qs.exclude(pk__in=[t.pk for t in exact]).order_by("name")[:limit])
    return (exact + rest)[:limit]


def body_search(*, user: Someone, q: str = "") -> QuerySet[ReceivingBody]:
    if not can_plan(user):
        raise NotFound
    return _named(ReceivingBody.objects.filter(office_q(user)), q, "name")


def body_get(*, user: Someone, pk: int) -> ReceivingBody:
    obj = body_search(user=user).filter(pk=pk).first()
    if obj is None:
        raise NotFound
    return obj


def role_holders(*, role: str, org: TargetOrg | None = None, body: ReceivingBody | None = None) -> list[User]:
    """The accounts holding a liaison role for org, or a recipient role for body."""
    qs = RoleAssignment.objects.filter(role=role).select_related("user").order_by("user__username")
    qs = qs.filter(org=org) if org is not None else qs.filter(body=body)
    return [a.user for a in qs]
