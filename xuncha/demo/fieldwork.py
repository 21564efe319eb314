"""Demo fieldwork of the practice inspection, through the real services: the target's leadership data,
the 必谈 list generated from it, a week of scheduled talks (two already recorded, one matter turned into
a lead), a visit and a 座谈会. Names are fictitious."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.models.talks import Interview
from xuncha.fieldwork.services_visits import FieldRecordInput, field_record_create
from xuncha.inspections import services
from xuncha.inspections.models import Inspection, TeamMember
from xuncha.inspections.services_leadership import leadership_save

LEADERSHIP = [
    ("王示范", "党委书记", "leadership"), ("陈职教", "党委副书记、院长", "leadership"), ("刘纪检", "党委委员、纪委书记", "discipline"),
    ("赵组织", "党委委员、组织部部长", "organisation"), ("孙教学", "副院长", "leadership"), ("周后勤", "副院长", "leadership"),
]
LEFT = ("郑前任", "原副院长", "leadership", 500)  # left the leadership 500 days before the inspection: still 必谈
CHOSEN = [("黄中层", "后勤处处长", "cadre"), ("林教师", "机电学院教师", "teacher"), ("何学生", "学生会主席", "student"),
          ("马老同志", "退休干部", "retired")]
ROOMS = ["行政楼305室", "行政楼307室"]


@dataclass
class DemoFieldwork:
    talks: int
    scheduled: int
    recorded: int

    def summary(self) -> str:
        return f"演练巡察任务：谈话名单 {self.talks} 人，已安排 {self.scheduled} 场，已记录 {self.recorded} 场；走访、座谈会各 1 次。"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_demo_fieldwork(inspections: Iterable[Inspection], today: dt.date | None = None) -> DemoFieldwork:
    today = today or timezone.localdate()
    practice = next(i for i in inspections if i.is_practice)
    office, member = User.objects.get(username="office"), User.objects.get(username="member")
    with transaction.atomic():
        for name, post, category in LEADERSHIP:
            leadership_save(actor=office, org=practice.target, name=name, post=post, category=category)
        name, post, category, days = LEFT
        leadership_save(actor=office, org=practice.target, name=name, post=post, category=category,
                        left_on=practice.start_date - dt.timedelta(days=days))
        if TeamMember.objects.filter(team=practice.team, left_at__isnull=True).count() < 3:
            services.team_member_add(actor=office, team=practice.team, name="吴记录", position=TeamMember.Position.MEMBER)
        talks.must_list_generate(actor=member, inspection=practice)
        for name, post, kind in CHOSEN:
            talks.interview_create(actor=member, inspection=practice, category="chosen",
                                   who=talks.IntervieweeInput(name=name, post=post, kind=kind))
        seats = list(TeamMember.objects.filter(team=practice.team, left_at__isnull=True).order_by("id"))
        # Two talks held already (two and one day ago), the rest over the coming week, two a day.
        slots = [_at(today - dt.timedelta(days=2), 9), _at(today - dt.timedelta(days=1), 9)]
        day = today
        while len(slots) < 11:
            if day.weekday() < 5:
                slots += [_at(day, 9), _at(day, 14, 30)]
            day += dt.timedelta(days=1)
        interviews = list(Interview.objects.filter(inspection=practice).order_by("number"))
        for i, (it, at) in enumerate(zip(interviews, slots, strict=False)):
            talks.interview_schedule(actor=member, interview=it, slot=talks.Slot(
                scheduled_at=at, room=ROOMS[i % 2], interviewers=seats[:2], recorder=seats[2]))
        first, second = interviews[0], interviews[1]
        talks.interview_record(actor=member, interview=first, on_paper=True, signed_on=today - dt.timedelta(days=2),
                               summary="介绍了学院党委落实全面从严治党主体责任的情况，谈到食堂承包和实训设备采购的管理。",
                               matters=[talks.MatterInput("食堂承包合同续签未经党委会集体研究，由分管副院长个人决定。",
                                                          ["integrity"], as_lead=True, focus="corruption"),
                                        talks.MatterInput("实训设备采购验收记录不完整。")])
        talks.interview_record(actor=member, interview=second, on_paper=True, signed_on=today - dt.timedelta(days=1),
                               summary="谈了纪委监督执纪情况，认为对二级学院的日常监督还不够。", matters=[])
        field_record_create(actor=member, inspection=practice, data=FieldRecordInput(
            kind="visit", held_on=today - dt.timedelta(days=3), title="走访学院食堂和学生宿舍", place="学院一食堂、3号宿舍楼",
            notes="食堂价格公示不全；宿舍维修报修登记簿近两月无处理记录。", leads=["宿舍报修长期无人处理。"]))
        field_record_create(actor=member, inspection=practice, data=FieldRecordInput(
            kind="forum", held_on=today - dt.timedelta(days=1), title="青年教师座谈会", place="图书馆二楼会议室",
            participants=[{"category": "青年教师", "count": 8}, {"category": "辅导员", "count": 3}],
            topics="职称评审、科研经费管理、师德师风", notes="多人反映职称评审的评分细则未公开。"))
    return DemoFieldwork(talks=len(interviews), scheduled=min(len(interviews), len(slots)), recorded=2)
