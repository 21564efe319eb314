"""Shared set-up of the talks tests: leadership data of the practice target, a 必谈 list, a scheduled talk."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.models import Interview
from xuncha.inspections.models import Inspection, TeamMember
from xuncha.inspections.services import team_member_add
from xuncha.inspections.services_leadership import leadership_save


def user(name: str) -> User:
    return User.objects.get(username=name)


def leadership(inspection: Inspection) -> None:
    office = user("office")
    org = inspection.target
    if org.leadership.exists():
        return
    leadership_save(actor=office, org=org, name="王书记", post="党委书记", category="leadership")
    leadership_save(actor=office, org=org, name="李院长", post="院长", category="leadership")
    leadership_save(actor=office, org=org, name="赵纪委", post="纪委书记", category="discipline")
    leadership_save(actor=office, org=org, name="钱部长", post="组织部部长", category="organisation")
    leadership_save(actor=office, org=org, name="孙前任", post="原副院长", category="leadership",
                    left_on=inspection.start_date - dt.timedelta(days=400))
    leadership_save(actor=office, org=org, name="周老前任", post="原副书记", category="leadership",
                    left_on=inspection.start_date - dt.timedelta(days=365 * 5))
    leadership_save(actor=office, org=org, name="吴科长", post="办公室主任", category="other")


def seats(inspection: Inspection) -> list[TeamMember]:
    """Three members of the team (adds some when the demo team has fewer)."""
    office = user("office")
    members = list(TeamMember.objects.filter(team=inspection.team, left_at__isnull=True).order_by("id"))
    for name in ("甲组员", "乙组员", "丙组员")[: max(0, 4 - len(members))]:
        members.append(team_member_add(actor=office, team=inspection.team, name=name, position=TeamMember.Position.MEMBER))
    return members


def at(day_offset: int = 1, hour: int = 9) -> dt.datetime:
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=day_offset)


def scheduled(inspection: Inspection, *, name: str = "张三丰", when: dt.datetime | None = None, room: str = "302会议室",
              category: str = "chosen") -> Interview:
    member = user("member")
    it = talks.interview_create(actor=member, inspection=inspection, category=category,
                                who=talks.IntervieweeInput(name=name, post="教师", kind="teacher"))
    s = seats(inspection)
    talks.interview_schedule(actor=member, interview=it, slot=talks.Slot(when or at(), room, s[:2], s[2]))
    return Interview.objects.get(pk=it.pk)


