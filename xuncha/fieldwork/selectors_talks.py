"""Reads of individual talks. One visibility queryset (xuncha.access, Kind.FIELDWORK: the team), the
schedule through Kind.SCHEDULE (the office, the team, the target's liaison); what the caller may not
see is NotFound. Identities are shown masked; the unmasked schedule of the liaison names only the talks
the target arranges (必谈, 选谈), never a 主动约谈, never a category or a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from xuncha.access import Kind, Purpose, Standing, allows, scope, standings
from xuncha.accounts.selectors import Someone
from xuncha.core import crypto
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection, TeamMember
from xuncha.keys import key_ring

from .models.talks import Interview, InterviewCategory, InterviewMatter, InterviewRecord, InterviewState


def fieldwork_inspection_get(*, user: Someone, pk: int, kind: Kind = Kind.FIELDWORK) -> Inspection:
    inspection = Inspection.objects.filter(scope(user, kind, Purpose.READ, via=""), pk=pk).select_related("team", "target", "round").first()
    if inspection is None:
        raise NotFound
    return inspection


def interview_queryset(user: Someone) -> QuerySet[Interview]:
    return Interview.objects.filter(scope(user, Kind.FIELDWORK, Purpose.READ)).select_related("inspection", "recorder")


def interview_list(*, user: Someone, inspection: Inspection, category: str = "", state: str = "") -> QuerySet[Interview]:
    qs = interview_queryset(user).filter(inspection=inspection).prefetch_related("interviewers")
    if category in InterviewCategory.values:
        qs = qs.filter(category=category)
    if state in InterviewState.values:
        qs = qs.filter(state=state)
    return qs.order_by("number")


def interview_get(*, user: Someone, pk: int) -> Interview:
    interview = interview_queryset(user).filter(pk=pk).select_related("inspection__team", "inspection__target").first()
    if interview is None:
        raise NotFound
    return interview


def can_reveal(*, user: Someone, inspection: Inspection) -> bool:
    return allows(user, Kind.FIELDWORK, Purpose.APPROVE, inspection)


def masked(interview: Interview) -> dict[str, str]:
    """What the team sees of an interviewee: the masked name, and whether a post or contact was given."""
    sealed = interview.identity_sealed
    out = {"name": crypto.mask_name(crypto.unseal(key_ring(), sealed["name"], context="name")) if "name" in sealed else ""}
    if "contact" in sealed:
        out["contact"] = "（已登记，已遮蔽）"
    return out


def _unsealed(interview: Interview, f: str) -> str:
    value = interview.identity_sealed.get(f)
    return crypto.unseal(key_ring(), value, context=f) if value else ""


@dataclass
class ScheduleRow:
    interview: Interview
    start: dt.datetime
    end: dt.datetime
    room: str
    who: str          # masked for the team and the office; name and post for the liaison
    clashes: list[str]


def team_members(inspection: Inspection) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(team_id=inspection.team_id, left_at__isnull=True).order_by("position", "id")


def _clashes(rows: list[ScheduleRow], seats: dict[int, set[int]], names: dict[int, str]) -> None:
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if a.start >= b.end or b.start >= a.end:
                continue
            if a.room == b.room:
                for r, o in ((a, b), (b, a)):
                    r.clashes.append(f"地点“{r.room}”与第{o.interview.number}号谈话时间重叠")
            for pk in sorted(seats[a.interview.pk] & seats[b.interview.pk]):
                for r, o in ((a, b), (b, a)):
                    r.clashes.append(f"{names.get(pk, '')}同时参加第{o.interview.number}号谈话")


def schedule(*, user: Someone, inspection: Inspection, for_liaison: bool | None = None) -> list[ScheduleRow]:
    """The scheduled talks by time. For the liaison (or the printed schedule) only the talks the target
    arranges, with the interviewee's name and post; for the team and the office, masked names and the
    clashes of room or person."""
    if not allows(user, Kind.SCHEDULE, Purpose.READ, inspection):
        raise NotFound
    if for_liaison is None:
        held = standings(user, inspection)
        for_liaison = Standing.LIAISON in held and not ({Standing.TEAM, Standing.LEADER, Standing.OFFICE} & held)
    qs = (Interview.objects.filter(inspection=inspection, state=InterviewState.SCHEDULED, scheduled_at__isnull=False)
          .prefetch_related(Prefetch("interviewers", queryset=TeamMember.objects.all())).order_by("scheduled_at", "number"))
    if for_liaison:
        qs = qs.exclude(category=InterviewCategory.REQUESTED)
    rows: list[ScheduleRow] = []
    seats: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for it in qs:
        assert it.scheduled_at is not None
        if for_liaison:
            post = _unsealed(it, "post")
            who = f"{_unsealed(it, 'name')}{f'（{post}）' if post else ''}"
        else:
            who = masked(it)["name"]
        rows.append(ScheduleRow(it, it.scheduled_at, it.scheduled_at + dt.timedelta(minutes=it.duration_minutes), it.room, who, []))
        seats[it.pk] = {m.pk for m in it.interviewers.all()} | ({it.recorder_id} if it.recorder_id else set())
        names.update({m.pk: m.name for m in it.interviewers.all()})
    if not for_liaison:
        names.update(dict(TeamMember.objects.filter(pk__in={pk for s in seats.values() for pk in s}).values_list("pk", "name")))
        _clashes(rows, seats, names)
    return rows


def clashes_of(*, user: Someone, interview: Interview) -> list[str]:
    for row in schedule(user=user, inspection=interview.inspection, for_liaison=False):
        if row.interview.pk == interview.pk:
            return row.clashes
    return []


def interview_counts(inspection: Inspection) -> dict[str, int]:
    """Figures the office may see: how many talks by category and state (no names)."""
    agg = Interview.objects.filter(inspection=inspection).aggregate(
        total=Count("pk"), must=Count("pk", filter=Q(category=InterviewCategory.MUST)),
        chosen=Count("pk", filter=Q(category=InterviewCategory.CHOSEN)),
        requested=Count("pk", filter=Q(category=InterviewCategory.REQUESTED)),
        scheduled=Count("pk", filter=Q(state=InterviewState.SCHEDULED)),
        done=Count("pk", filter=Q(state=InterviewState.DONE)),
        cancelled=Count("pk", filter=Q(state=InterviewState.CANCELLED)))
    return {k: int(v or 0) for k, v in agg.items()}


def must_outstanding(inspection: Inspection) -> QuerySet[Interview]:
    """必谈 talks not yet held (and not cancelled): shown as a warning before the fieldwork ends."""
    return Interview.objects.filter(inspection=inspection, category=InterviewCategory.MUST,
                                    state__in=[InterviewState.PENDING, InterviewState.SCHEDULED]).order_by("number")


def record_of(interview: Interview) -> InterviewRecord | None:
    return InterviewRecord.objects.filter(interview=interview).prefetch_related(
        Prefetch("matters", queryset=InterviewMatter.objects.select_related("lead"))).first()
