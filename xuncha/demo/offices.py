"""The demo's office tree and inspectors' pool (issue 20), through the services.

Root (the platform's own office) → 省委教育工委巡察办 (seed 000's elevated inspection) → 中国计量大学党委巡察办
(co-organiser of seed 000, owner of a practice internal round); root → 防城港市委巡察办 (seed 001 and the live
practice inspection). `office` holds the role at the root and keeps seeing every demo inspection."""

from __future__ import annotations

import datetime as dt

from xuncha.accounts.models import User
from xuncha.inspections import services, services_offices
from xuncha.inspections.models import Office, PersonRelation, Round, RoundKind, TargetOrg, TeamMember

PROVINCE = "省委教育工委巡察办"
CJLU = "中国计量大学党委巡察办"
CITY = "防城港市委巡察办"


def demo_offices(office: User) -> dict[str, Office]:
    root = services.office_root()
    province = services_offices.office_create(actor=office, name=PROVINCE, parent=root)
    cjlu = services_offices.office_create(actor=office, name=CJLU, parent=province)
    city = services_offices.office_create(actor=office, name=CITY, parent=root)
    return {"root": root, "province": province, "cjlu": cjlu, "city": city}


def demo_internal_round(office: User, cjlu: Office, today: dt.date) -> Round:
    """中国计量大学's own practice internal round (校内巡察): planned, its team formed and its target registered,
    no inspection launched yet (the personas' inspection matrix of the tests stays as it is)."""
    rnd = services.round_create(actor=office, office=cjlu, name=f"中国计量大学党委{today.year}年校内巡察（演练）",
                                kind=RoundKind.REGULAR, year=today.year, organizer="中国计量大学党委",
                                description="提级巡察带校内巡察的演练轮次，人员与单位为虚构。")
    team = services.team_create(actor=office, round=rnd, name="校党委第一巡察组（演练）")
    services.team_member_add(actor=office, team=team, name="方校察", position=TeamMember.Position.LEADER, title="组长")
    services.target_create(actor=office, office=cjlu, name="中国计量大学示范学院党委（演练）", short_name="示范学院",
                           parent="中国计量大学党委")
    return rnd


# name, unit, post, expertise, office key
POOL: list[tuple[str, str, str, list[str], str]] = [
    ("王建国", "省委教育工委", "巡察专员", ["discipline", "personnel"], "province"),
    ("李晓梅", "省教育厅审计处", "处长", ["audit", "finance"], "province"),
    ("张志强", "省纪委监委派驻省教育厅纪检监察组", "副组长", ["discipline"], "province"),
    ("刘芳", "省教育厅财务处", "副处长", ["finance"], "province"),
    ("陈立新", "省教育厅基建处", "四级调研员", ["construction"], "province"),
    ("杨帆", "省委教育工委组织处", "一级主任科员", ["personnel"], "province"),
    ("赵敏", "浙江工业大学党委巡察办", "副主任", ["discipline", "law"], "province"),
    ("黄伟", "浙江师范大学审计处", "处长", ["audit"], "province"),
    ("周婷", "浙江理工大学法律事务室", "主任", ["law"], "province"),
    ("吴海涛", "浙江工商大学基建处", "副处长", ["construction", "finance"], "province"),
    ("徐丽华", "中国计量大学纪委", "副书记", ["discipline"], "cjlu"),
    ("孙浩", "中国计量大学审计处", "科长", ["audit", "finance"], "cjlu"),
    ("马俊", "中国计量大学党委组织部", "副部长", ["personnel"], "cjlu"),
    ("朱琳", "中国计量大学财务处", "会计师", ["finance"], "cjlu"),
    ("胡斌", "中国计量大学后勤基建处", "工程师", ["construction"], "cjlu"),
    ("郭静", "中国计量大学法学院", "副教授", ["law"], "cjlu"),
    ("何磊", "中国计量大学党委巡察办", "科员", ["discipline", "audit"], "cjlu"),
    ("高雪", "中国计量大学质量与安全工程学院党委", "副书记", ["personnel"], "cjlu"),
    ("林涛", "防城港市纪委监委", "二级主任科员", ["discipline"], "city"),
    ("罗慧", "防城港市审计局", "科长", ["audit", "finance"], "city"),
    ("梁志明", "防城港市委组织部", "干部科科长", ["personnel"], "city"),
    ("宋佳", "防城港市财政局", "会计科副科长", ["finance"], "city"),
    ("郑凯", "防城港市住房和城乡建设局", "工程师", ["construction"], "city"),
    ("谢文", "防城港市司法局", "律师", ["law"], "city"),
    ("韩冰", "东兴市委巡察办", "副主任", ["discipline", "personnel"], "city"),
    ("唐明", "上思县审计局", "副局长", ["audit"], "city"),
    ("冯丽", "防城港市委巡察办", "一级科员", ["discipline", "law"], "city"),
    ("曹阳", "防城港市教育局", "计划财务科科长", ["finance", "audit"], "city"),
    ("彭晓东", "港口区委组织部", "副部长", ["personnel"], "city"),
    ("陶文静", "防城港市发展和改革委员会", "四级主任科员", ["construction", "law"], "city"),
]


def demo_pool(office: User, offices: dict[str, Office], seed_000: TargetOrg, seed_001: TargetOrg) -> None:
    """About thirty people in the pool; two declared relations (a spouse at the college seed 001 inspects,
    a former post at the school seed 000 inspects) keep them off those teams."""
    people = {}
    for name, unit, post, expertise, key in POOL:
        people[name] = services_offices.person_create(actor=office, office=offices[key], name=name, unit=unit, post=post,
                                                      expertise=expertise)
    services_offices.person_relation_declare(actor=office, person=people["陶文静"], org=seed_001,
                                             kind=PersonRelation.Kind.SPOUSE, detail="配偶在该校任教")
    services_offices.person_relation_declare(actor=office, person=people["高雪"], org=seed_000,
                                             kind=PersonRelation.Kind.FORMER_POST, detail="曾任学院党委副书记",
                                             start_date=dt.date(2019, 7, 1), end_date=dt.date(2023, 6, 30))


def demo_office_calendar(cjlu_admin: User, cjlu: Office, today: dt.date) -> None:
    """The university office's own calendar and one time limit of its own (the office calendar and settings
    pages show them): a 校庆 day off on the first Friday at least two weeks ahead and the Sunday after it an
    adjusted working day, both around when its practice internal round would run; and a shorter default
    time limit for immediate-rectification notices. The provincial and city inspections are not affected."""
    friday = today + dt.timedelta(days=14 + (4 - (today + dt.timedelta(days=14)).weekday()) % 7)
    services.calendar_day_set(actor=cjlu_admin, office=cjlu, date=friday, kind="holiday", name="校庆日放假（演练）")
    services.calendar_day_set(actor=cjlu_admin, office=cjlu, date=friday + dt.timedelta(days=2), kind="workday",
                              name="校庆调休上班（演练）")
    services_offices.office_settings_save(actor=cjlu_admin, office=cjlu, term_start=None, term_years=5,
                                          limits={"notice_default_working_days": 7}, briefing_asks={})
