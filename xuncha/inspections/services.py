"""Writes for rounds, teams, targets, inspections, channels, meetings and the calendar.

Every function is keyword-only, atomic, checks the actor's right (planning is the office's:
xuncha.access) and writes its audit event in the same transaction. Refusals are xuncha.errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import actor_of, require_open
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.audit.services import audit_record
from xuncha.core.classify.codes import DEFAULT_FOCUS_WORDING, FOCUS_WORDINGS
from xuncha.errors import Conflict, Invalid, NotAllowed

from .models import (
    DEFAULT_SCOPE,
    AcceptanceHours,
    CalendarDay,
    Channel,
    ConflictDeclaration,
    Inspection,
    MeetingSpeaker,
    MobilizationMeeting,
    Office,
    Person,
    Round,
    TargetOrg,
    Team,
    TeamMember,
)
from .selectors import CALENDAR_CACHE_KEY, calendar_for
from .selectors_offices import person_conflict

ROOT_OFFICE_NAME = "巡察工作领导小组办公室"


def require_planner(actor: User) -> None:
    """Planning rounds, teams, targets, inspections and the calendar is the office's."""
    if not actor_of(actor).is_office:
        raise NotAllowed("只有巡察办管理员可以执行此操作。")


def require_office_of(actor: User, office_id: int | None) -> None:
    """Working on a round (its teams, inspections) or a target is its own office's: an office admin
    reads their subtree but works on their own offices' only (docs/architecture.md §3). No office: the root's."""
    require_planner(actor)
    own = actor_of(actor).own_offices
    if own is not None and office_id not in own:
        raise NotAllowed("该事项属于其他巡察办，本巡察办只能查看，不能办理。")


def _require_root_office(actor: User) -> None:
    """The working-day calendar is one for the deployment: kept by the root office's admins."""
    require_planner(actor)
    if actor_of(actor).own_offices is not None:
        raise NotAllowed("工作日历由根巡察办维护。")


def office_root() -> Office:
    """The root office (the platform's own), made when first needed."""
    root = Office.objects.filter(parent__isnull=True).order_by("pk").first()
    return root or Office.objects.create(name=ROOT_OFFICE_NAME)


def office_of_actor(actor: User, office: Office | None) -> Office:
    """The office a new round or target belongs to: the one given (which the actor must own), else the
    actor's own office (the root for an office role scoped to no office)."""
    own = actor_of(actor).own_offices
    if office is None:
        if own is None:
            return office_root()
        if len(own) != 1:
            raise Invalid("请选择所属巡察办。")
        return Office.objects.get(pk=next(iter(own)))
    require_office_of(actor, office.pk)
    return office


def round_create(*, actor: User, name: str, kind: str, year: int, organizer: str = "", description: str = "",
                 focus_wording: str = DEFAULT_FOCUS_WORDING, office: Office | None = None,
                 request: HttpRequest | None = None) -> Round:
    require_planner(actor)
    owner = office_of_actor(actor, office)
    if Round.objects.filter(name=name).exists():
        raise Invalid(f"已有名为“{name}”的巡察轮次。")
    if focus_wording not in FOCUS_WORDINGS:
        raise Invalid("聚焦领域表述无效。")
    with transaction.atomic():
        obj = Round.objects.create(name=name, kind=kind, year=year, organizer=organizer, description=description,
                                   focus_wording=focus_wording, office=owner)
        audit_record(actor=actor, action="round.create", obj=obj, summary=f"创建巡察轮次：{name}", request=request)
    return obj


def team_create(*, actor: User, round: Round, name: str, request: HttpRequest | None = None) -> Team:
    require_office_of(actor, round.office_id)
    if round.closed_at is not None:
        raise Conflict(f"巡察轮次“{round.name}”已关闭，不能再组建巡察组。")
    if Team.objects.filter(round=round, name=name).exists():
        raise Invalid(f"本轮次已有“{name}”。")
    with transaction.atomic():
        team = Team.objects.create(round=round, name=name)
        audit_record(actor=actor, action="team.create", obj=team, summary=f"组建巡察组：{name}（{round.name}）", request=request)
    return team


def _conflicted_targets(member_user: User | None, member: TeamMember | None, team: Team) -> list[str]:
    conflicts = ConflictDeclaration.objects.filter(org__inspections__team=team)
    if member is not None:
        conflicts = conflicts.filter(member=member)
    elif member_user is not None:
        conflicts = conflicts.filter(member__user=member_user)
    else:
        return []
    return sorted({c.org.name for c in conflicts.select_related("org")})


def team_member_add(*, actor: User, team: Team, name: str, position: str, title: str = "",
                    user: User | None = None, person: Person | None = None, request: HttpRequest | None = None) -> TeamMember:
    """Add someone to a team; with a user account, they get the matching team role. Someone from the pool
    (`person`) with a conflict with an organisation the team inspects is refused with the reason."""
    require_office_of(actor, team.round.office_id)
    if team.archived_at is not None:
        raise Conflict(f"{team.name}已撤销，不能再增加成员。")
    if person is not None:
        today = timezone.localdate()
        reasons = [r for t in TargetOrg.objects.filter(inspections__team=team).distinct()
                   if (r := person_conflict(person, t, today))]
        if reasons:
            raise Invalid(f"{name}需回避，不能加入{team.name}：{'；'.join(reasons)}。")
    if user is not None:
        blocked = _conflicted_targets(user, None, team)
        if blocked:
            raise Invalid(f"{name}已申报与{'、'.join(blocked)}存在利益冲突，需回避，不能加入巡察该单位的巡察组。")
    with transaction.atomic():
        member = TeamMember.objects.create(team=team, name=name, position=position, title=title, user=user, person=person)
        if user is not None:
            role = Role.TEAM_MEMBER if position == TeamMember.Position.MEMBER else Role.TEAM_LEADER
            if not user.roles.filter(role=role, team=team).exists():
                role_assign(actor=actor, user=user, role=role, team=team, request=request, system=True)
        audit_record(actor=actor, action="team.member_add", obj=team,
                     summary=f"{team.name} 增加{member.get_position_display()}：{name}", request=request)
    return member


def conflict_declare(*, actor: User, member: TeamMember, org: TargetOrg, reason: str, request: HttpRequest | None = None) -> ConflictDeclaration:
    """Record a declared conflict of interest. From then on the member cannot be assigned to the org,
    and if their team already inspects it, they no longer see that inspection."""
    require_office_of(actor, member.team.round.office_id)
    if not reason.strip():
        raise Invalid("请填写回避事由。")
    with transaction.atomic():
        obj, _ = ConflictDeclaration.objects.update_or_create(member=member, org=org, defaults={"reason": reason})
        audit_record(actor=actor, action="team.conflict_declare", obj=member.team,
                     summary=f"{member.name} 申报与{org.name}回避：{reason}", request=request)
    return obj


def target_create(*, actor: User, name: str, short_name: str = "", parent: str = "", address: str = "",
                  office: Office | None = None, request: HttpRequest | None = None) -> TargetOrg:
    require_planner(actor)
    owner = office_of_actor(actor, office)
    if TargetOrg.objects.filter(name=name).exists():
        raise Invalid(f"“{name}”已登记。")
    with transaction.atomic():
        obj = TargetOrg.objects.create(name=name, short_name=short_name, parent=parent, address=address, office=owner)
        audit_record(actor=actor, action="target.create", obj=obj, summary=f"登记被巡察党组织：{name}", request=request)
    return obj


@dataclass(frozen=True)
class Period:
    start_date: dt.date
    end_date: dt.date
    working_days: int | None
    intake_start: dt.date
    intake_end: dt.date


def inspection_period(*, start_date: dt.date, end_date: dt.date | None, working_days: int | None,
                      intake_start: dt.date | None, intake_end: dt.date | None, office_id: int | None = None) -> Period:
    """Resolve the period: an end date, or N working days from the start (start day is day 1), counted on the
    calendar of the inspection's office."""
    if working_days:
        end_date = calendar_for(office_id).add_working_days(start_date, working_days)
    if end_date is None:
        raise Invalid("请填写结束日期，或填写工作日数由系统计算。")
    if end_date < start_date:
        raise Invalid("结束日期不能早于进驻日期。")
    intake_start = intake_start or start_date
    intake_end = intake_end or end_date
    if intake_end < intake_start:
        raise Invalid("信访受理截止日期不能早于开始日期。")
    return Period(start_date, end_date, working_days or None, intake_start, intake_end)


def _check_team_conflicts(team: Team, target: TargetOrg) -> None:
    names = sorted({c.member.name for c in ConflictDeclaration.objects.filter(member__team=team, org=target).select_related("member")})
    today = timezone.localdate()
    names += sorted({m.name for m in team.members.filter(left_at__isnull=True, person__isnull=False).select_related("person")
                     .prefetch_related("person__relations") if m.person and person_conflict(m.person, target, today)} - set(names))
    if names:
        raise Invalid(f"{'、'.join(names)}已申报与{target.name}存在利益冲突，需回避：请先将其调离{team.name}，再安排本次巡察。")


def _check_open_for_inspection(round: Round, team: Team, target: TargetOrg) -> None:
    """A closed round, a dissolved team or an archived target takes no new inspection."""
    if round.closed_at is not None:
        raise Conflict(f"巡察轮次“{round.name}”已关闭，不能再安排巡察任务。")
    if team.archived_at is not None:
        raise Conflict(f"{team.name}已撤销，不能再安排巡察任务。")
    if target.archived_at is not None:
        raise Conflict(f"“{target.name}”已归档，不能再安排巡察任务。")


def _check_duplicate(team: Team, target: TargetOrg, period: Period, exclude: int | None = None) -> None:
    """The natural key of an inspection: one team at one target, at overlapping dates (the round is the
    team's). An archived inspection does not count (it was a mistake or is over and put away)."""
    same = Inspection.objects.filter(team=team, target=target, archived_at__isnull=True,
                                     start_date__lte=period.end_date, end_date__gte=period.start_date)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    other = same.order_by("start_date").first()
    if other is not None:
        raise Invalid(f"{team.name}巡察{target.name}已有巡察任务（{other.start_date:%Y年%m月%d日}至{other.end_date:%Y年%m月%d日}），"
                      "与本次安排的日期重叠，不能重复创建。请打开原有的巡察任务修改。")


INSPECTION_FIELDS = ("duration_text", "postmark_counts", "scope_text", "is_practice")


def inspection_create(*, actor: User, round: Round, team: Team, target: TargetOrg, start_date: dt.date,
                      end_date: dt.date | None = None, working_days: int | None = None,
                      intake_start: dt.date | None = None, intake_end: dt.date | None = None,
                      duration_text: str = "", postmark_counts: bool = False, scope_text: str = "",
                      is_practice: bool = False, co_organiser: Office | None = None,
                      request: HttpRequest | None = None) -> Inspection:
    require_office_of(actor, round.office_id)
    if team.round_id != round.pk:
        raise Invalid("所选巡察组不属于该巡察轮次。")
    if co_organiser is not None and co_organiser.pk == round.office_id:
        raise Invalid("协同巡察办应为组织巡察的巡察办以外的单位。")
    _check_open_for_inspection(round, team, target)
    _check_team_conflicts(team, target)
    period = inspection_period(start_date=start_date, end_date=end_date, working_days=working_days,
                               intake_start=intake_start, intake_end=intake_end, office_id=round.office_id)
    _check_duplicate(team, target, period)
    with transaction.atomic():
        obj = Inspection.objects.create(
            round=round, team=team, target=target, start_date=period.start_date, end_date=period.end_date,
            working_days=period.working_days, intake_start=period.intake_start, intake_end=period.intake_end,
            duration_text=duration_text, postmark_counts=postmark_counts, scope_text=scope_text or DEFAULT_SCOPE,
            is_practice=is_practice, office_id=round.office_id, co_organiser=co_organiser,
        )
        audit_record(actor=actor, action="inspection.create", obj=obj, request=request,
                     summary=f"创建巡察任务：{obj}（{obj.start_date}至{obj.end_date}）")
    return obj


def inspection_update(*, actor: User, inspection: Inspection, start_date: dt.date, end_date: dt.date | None,
                      working_days: int | None, intake_start: dt.date | None, intake_end: dt.date | None,
                      duration_text: str, postmark_counts: bool, scope_text: str, is_practice: bool = False,
                      request: HttpRequest | None = None) -> Inspection:
    require_office_of(actor, inspection.office_id)
    require_open(inspection)
    if inspection.archived_at is not None:
        raise Conflict("该巡察任务已归档，不能再修改。")
    period = inspection_period(start_date=start_date, end_date=end_date, working_days=working_days,
                               intake_start=intake_start, intake_end=intake_end, office_id=inspection.office_id)
    _check_duplicate(inspection.team, inspection.target, period, exclude=inspection.pk)
    before = {f: str(getattr(inspection, f)) for f in ("start_date", "end_date", "working_days", "intake_start", "intake_end", *INSPECTION_FIELDS)}
    inspection.start_date, inspection.end_date = period.start_date, period.end_date
    inspection.working_days = period.working_days
    inspection.intake_start, inspection.intake_end = period.intake_start, period.intake_end
    inspection.duration_text, inspection.postmark_counts = duration_text, postmark_counts
    inspection.scope_text, inspection.is_practice = scope_text or DEFAULT_SCOPE, is_practice
    after = {f: str(getattr(inspection, f)) for f in before}
    changed = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
    with transaction.atomic():
        inspection.save()
        audit_record(actor=actor, action="inspection.update", obj=inspection, request=request,
                     summary=f"修改巡察任务：{inspection}", data={"changed": changed})
    return inspection


HoursSpec = tuple[str, dt.time, dt.time]


def _hours_check(hours: Sequence[HoursSpec]) -> None:
    for days, start, end in hours:
        if days not in AcceptanceHours.Days.values:
            raise Invalid("受理时间的适用日期无效。")
        if start >= end:
            raise Invalid(f"受理时段 {start:%H:%M}-{end:%H:%M} 的开始时间须早于结束时间。")


def channel_save(*, actor: User, inspection: Inspection, kind: str, value: str = "", label: str = "",
                 postcode: str = "", location: str = "", note: str = "", order: int = 0,
                 hours: Sequence[HoursSpec] = (), channel: Channel | None = None,
                 request: HttpRequest | None = None) -> Channel:
    """Create or update a channel with its acceptance hours (the hours are replaced)."""
    require_office_of(actor, inspection.office_id)
    require_open(inspection)
    _hours_check(hours)
    if kind == "letterbox" and not location.strip():
        raise Invalid("联系信箱须填写放置地点。")
    if kind in ("phone", "sms", "email", "post", "online") and not value.strip():
        raise Invalid("请填写号码、地址或网址。")
    if postcode and not (postcode.isdigit() and len(postcode) == 6):
        raise Invalid("邮编应为6位数字。")
    with transaction.atomic():
        creating = channel is None
        obj = channel or Channel(inspection=inspection)
        obj.kind, obj.value, obj.label, obj.postcode = kind, value.strip(), label.strip(), postcode
        obj.location, obj.note, obj.order = location.strip(), note.strip(), order
        obj.save()
        obj.hours.all().delete()
        AcceptanceHours.objects.bulk_create([AcceptanceHours(channel=obj, days=d, start=s, end=e) for d, s, e in hours])
        audit_record(actor=actor, action="channel.create" if creating else "channel.update", obj=obj, request=request,
                     summary=f"{'新增' if creating else '修改'}受理渠道：{obj}（{inspection}）",
                     data={"inspection": inspection.pk, "hours": [f"{d} {s:%H:%M}-{e:%H:%M}" for d, s, e in hours]})
    return obj


def channel_delete(*, actor: User, channel: Channel, request: HttpRequest | None = None) -> None:
    require_office_of(actor, channel.inspection.office_id)
    require_open(channel.inspection)
    with transaction.atomic():
        audit_record(actor=actor, action="channel.delete", obj=channel, request=request,
                     summary=f"删除受理渠道：{channel}（{channel.inspection}）")
        channel.delete()


SpeakerSpec = tuple[str, str, str]


def meeting_save(*, actor: User, inspection: Inspection, date: dt.date, part_of_day: str = "", time: dt.time | None = None,
                 place: str = "", host: str = "", attendees: str = "", observers: str = "",
                 speakers: Sequence[SpeakerSpec] = (), request: HttpRequest | None = None) -> MobilizationMeeting:
    require_office_of(actor, inspection.office_id)
    require_open(inspection)
    with transaction.atomic():
        meeting, _ = MobilizationMeeting.objects.update_or_create(inspection=inspection, defaults={
            "date": date, "part_of_day": part_of_day, "time": time, "place": place, "host": host,
            "attendees": attendees, "observers": observers,
        })
        meeting.speakers.all().delete()
        MeetingSpeaker.objects.bulk_create([MeetingSpeaker(meeting=meeting, name=n, title=t, speech=s, order=i)
                                            for i, (n, t, s) in enumerate(speakers) if n.strip()])
        audit_record(actor=actor, action="meeting.save", obj=meeting, request=request, summary=f"保存动员会信息：{inspection}")
    return meeting


def calendar_day_set(*, actor: User, date: dt.date, kind: str, name: str = "", office: Office | None = None,
                     request: HttpRequest | None = None) -> CalendarDay:
    """Enter a holiday or adjusted working day: the platform's (no office: the root office's admins) or an
    office's own (its admins'), which applies to the inspections of the office and its subtree."""
    if office is None:
        _require_root_office(actor)
    else:
        require_office_of(actor, office.pk)
    if kind not in CalendarDay.Kind.values:
        raise Invalid("请选择放假日或调休上班日。")
    with transaction.atomic():
        obj, created = CalendarDay.objects.update_or_create(office=office, date=date, defaults={"kind": kind, "name": name})
        where = office.name if office else "全平台"
        audit_record(actor=actor, action="calendar.set", obj=obj, request=request, summary=f"设置节假日调整（{where}）：{obj}",
                     data={"office": office.pk if office else None, "date": str(date), "kind": kind, "created": created})
        transaction.on_commit(lambda: cache.delete(CALENDAR_CACHE_KEY))
    return obj


def calendar_day_delete(*, actor: User, day: CalendarDay, request: HttpRequest | None = None) -> None:
    if day.office_id is None:
        _require_root_office(actor)
    else:
        require_office_of(actor, day.office_id)
    with transaction.atomic():
        where = day.office.name if day.office else "全平台"
        audit_record(actor=actor, action="calendar.delete", obj=day, request=request, summary=f"删除节假日调整（{where}）：{day}",
                     data={"office": day.office_id, "date": str(day.date), "kind": day.kind})
        day.delete()
        transaction.on_commit(lambda: cache.delete(CALENDAR_CACHE_KEY))
