"""Demo data: the two inspections of the source announcements (../shared/seeds/, docs/architecture.md §5) with every
fact they state, plus a live practice inspection whose acceptance window includes today.

Everything is written through the services, so the demo also has a consistent audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.core.announcement import parse_announcement
from xuncha.inspections import services, services_offices
from xuncha.inspections.models import Inspection, Office, ReceivingBody, RoundKind, TeamMember
from xuncha.inspections.selectors import calendar_get
from xuncha.inspections.services_import import ImportItem, announcement_import, items_from_parse
from xuncha.inspections.urls_public import public_url

from .offices import demo_internal_round, demo_office_calendar, demo_offices, demo_pool
from .registry import load_demo_registry

DEMO_PASSWORD = "Xuncha#Demo2026"

DEMO_USERS = [
    ("office", "演示巡察办", Role.OFFICE_ADMIN),
    ("office_cjlu", "演示中国计量大学巡察办", Role.OFFICE_ADMIN),
    ("office_city", "演示防城港市委巡察办", Role.OFFICE_ADMIN),
    ("leader", "演示组长", Role.TEAM_LEADER),
    ("member", "演示组员", Role.TEAM_MEMBER),
    ("liaison", "演示联络员", Role.LIAISON),
    ("recipient", "演示接收人", Role.RECIPIENT),
    ("auditor", "演示审计员", Role.AUDITOR),
    ("sysadmin", "演示系统管理员", Role.SYSADMIN),
]

SEED_001_SCOPE = (
    "根据巡视工作条例及市委巡察工作实施办法等有关规定，巡察组主要受理反映港职院党组织领导班子及其成员、"
    "下一级党组织领导班子主要负责人和重要岗位领导干部违反政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律"
    "和生活纪律等方面的问题和线索。其他不属于巡察受理范围的信访问题，将按规定由有关部门处理。"
)

WORKDAY = "workdays"


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _hours(*ranges: str, days: str = WORKDAY) -> list[tuple[str, dt.time, dt.time]]:
    out = []
    for r in ranges:
        start, end = r.split("-")
        out.append((days, _t(start), _t(end)))
    return out


def _users() -> dict[str, User]:
    users = {}
    for username, name, _role in DEMO_USERS:
        user = User(username=username, display_name=name)
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    return users


def _channels(actor: User, inspection: Inspection, specs: list[dict[str, Any]]) -> None:
    for order, spec in enumerate(specs):
        services.channel_save(actor=actor, inspection=inspection, order=order, **spec)


SEEDS = Path(__file__).resolve().parent / "seeds"


def _import_seed(office: User, filename: str, review: Callable[[ImportItem], None], owner: Office) -> Inspection:
    """Parse a seed announcement, apply what a reviewer would correct, create it through the import."""
    text = (SEEDS / filename).read_text(encoding="utf-8")
    parsed = parse_announcement(text, add_working_days=calendar_get().add_working_days)
    items = items_from_parse(parsed)
    assert len(items) == 1 and len(items[0].targets) == 1, "a seed announces one inspection"
    review(items[0])
    (inspection,) = announcement_import(actor=office, items=items, source_text=parsed["clean_text"], office=owner)
    return inspection


def _review_000(item: ImportItem) -> None:
    # The text names no round: the reviewer enters it.
    item.round, item.organizer = "省委教育工委2024年提级巡察", "省委教育工委"
    labels = {"phone": "专门举报电话", "email": "电子邮箱", "post": "邮政信箱", "letterbox": "工作联系信箱"}
    for ch in item.channels:
        ch.label = labels[ch.kind]


def _review_001(item: ImportItem) -> None:
    item.organizer = "市委"
    item.scope = SEED_001_SCOPE
    labels = {"phone": "专门值班电话", "post": "邮政信箱", "letterbox": "联系信箱"}
    for ch in item.channels:
        ch.label = labels[ch.kind]


def _seed_000(office: User, offices: dict[str, Office]) -> Inspection:
    inspection = _import_seed(office, "000_ecd2721415505345.txt", _review_000, offices["province"])
    # 提级巡察带校内巡察: the university's office co-organises the provincial team's inspection of its school.
    services_offices.inspection_co_organiser_set(actor=office, inspection=inspection, office=offices["cjlu"])
    services.team_member_add(actor=office, team=inspection.team, name="牛东红", position=TeamMember.Position.LEADER, title="组长")
    inspection.target.parent = "中国计量大学党委"
    inspection.target.short_name = "机电工程学院"
    inspection.target.save(update_fields=["parent", "short_name"])
    services.meeting_save(
        actor=office, inspection=inspection, date=dt.date(2024, 9, 25), part_of_day="下午", host="徐江荣",
        attendees="省委教育工委提级巡察二组全体成员、学校相关职能部门负责人和机电工程学院全体教职员工",
        speakers=[
            ("许翰信", "省委教育工委专职副书记、省教育厅党组副书记", "动员讲话"),
            ("牛东红", "省委教育工委提级巡察二组组长", "介绍巡察工作安排"),
            ("徐江荣", "中国计量大学党委书记", "表态发言"),
            ("陈子良", "机电工程学院党委书记", "表态发言"),
        ],
    )
    return inspection


def _seed_001(office: User, offices: dict[str, Office]) -> Inspection:
    inspection = _import_seed(office, "001_595cd17377021b4d.txt", _review_001, offices["city"])
    team = inspection.team
    services.team_member_add(actor=office, team=team, name="苏锡林", position=TeamMember.Position.LEADER, title="三级高级监察官")
    services.team_member_add(actor=office, team=team, name="黄治平", position=TeamMember.Position.DEPUTY)
    services.team_member_add(actor=office, team=team, name="冯金凤", position=TeamMember.Position.DEPUTY)
    inspection.target.short_name = "港职院"
    inspection.target.save(update_fields=["short_name"])
    services.meeting_save(
        actor=office, inspection=inspection, date=dt.date(2024, 3, 6), part_of_day="上午", place="学校图书馆二楼报告厅",
        host="陆健文",
        attendees="市委第五巡察组副组长黄治平，副组长冯金凤及有关同志，港职院党委领导班子和其他市管干部，"
                  "市纪委监委派驻教育局纪检监察组负责人陈杰",
        observers="港职院全体在职在编人员，市纪委监委第三监督检查室、市委组织部有关干部科负责人",
        speakers=[
            ("苏锡林", "市委第五巡察组组长、三级高级监察官", "巡察动员讲话"),
            ("徐强", "市委巡察工作领导小组成员、市委组织部常务副部长", "就做好巡察工作提出要求"),
            ("陆健文", "学校党委书记", "主持会议并作表态讲话"),
        ],
    )
    return inspection


def _practice(office: User, today: dt.date, city: Office) -> Inspection:
    rnd = services.round_create(actor=office, office=city, name=f"示范市委{today.year}年常规巡察（演练）", kind=RoundKind.REGULAR,
                                year=today.year, organizer="示范市委", description="供新用户熟悉系统的演练轮次，人员、单位与号码均为虚构。")
    team = services.team_create(actor=office, round=rnd, name="示范市委第一巡察组")
    services.team_member_add(actor=office, team=team, name="林演示", position=TeamMember.Position.LEADER)
    services.team_member_add(actor=office, team=team, name="周演练", position=TeamMember.Position.MEMBER)
    target = services.target_create(actor=office, office=city, name="示范职业技术学院党委", short_name="示范职院")
    start = today - dt.timedelta(days=7)
    inspection = services.inspection_create(
        actor=office, round=rnd, team=team, target=target, start_date=start, working_days=30,
        duration_text="30个工作日", is_practice=True,
    )
    _channels(office, inspection, [
        {"kind": "phone", "label": "举报电话（演练）", "value": "0770-2800001", "hours": _hours("08:30-12:00", "14:30-17:30")},
        {"kind": "email", "label": "电子邮箱（演练）", "value": "xuncha-demo@example.org"},
        {"kind": "online", "label": "网上反映", "value": public_url(inspection)},
        {"kind": "post", "label": "邮政信箱", "value": "示范市邮政8号专用信箱", "postcode": "538000"},
        {"kind": "letterbox", "label": "联系信箱", "location": "示范职业技术学院行政楼一楼大厅"},
        {"kind": "visit", "label": "来访接待室", "location": "示范职业技术学院行政楼305室", "hours": _hours("09:00-11:30", "14:30-17:00")},
    ])
    services.meeting_save(actor=office, inspection=inspection, date=start, part_of_day="上午", place="示范职业技术学院报告厅",
                          host="王示范", speakers=[("林演示", "示范市委第一巡察组组长", "巡察动员讲话")])
    return inspection


BODIES = [
    ("防城港市纪委监委", ReceivingBody.Kind.DISCIPLINE),
    ("防城港市委组织部", ReceivingBody.Kind.ORGANIZATION),
    ("中国计量大学纪委", ReceivingBody.Kind.DISCIPLINE),
    ("中国计量大学党委组织部", ReceivingBody.Kind.ORGANIZATION),
    ("示范市纪委监委", ReceivingBody.Kind.DISCIPLINE),
    ("示范市委组织部", ReceivingBody.Kind.ORGANIZATION),
]


def load_demo(today: dt.date | None = None) -> list[Inspection]:
    """Load the demo into an empty database. Returns the three inspections."""
    today = today or timezone.localdate()
    with transaction.atomic():
        users = _users()
        sysadmin = users["sysadmin"]
        for username, _name, role in DEMO_USERS:
            if username == "office" or role in (Role.AUDITOR, Role.SYSADMIN):
                role_assign(actor=sysadmin, user=users[username], role=role, system=True)
        office = users["office"]
        offices = demo_offices(office)
        role_assign(actor=sysadmin, user=users["office_cjlu"], role=Role.OFFICE_ADMIN, office=offices["cjlu"], system=True)
        role_assign(actor=sysadmin, user=users["office_city"], role=Role.OFFICE_ADMIN, office=offices["city"], system=True)
        inspections = [_seed_000(office, offices), _seed_001(office, offices), _practice(office, today, offices["city"])]
        for inspection in inspections:
            role_assign(actor=sysadmin, user=users["leader"], role=Role.TEAM_LEADER, team=inspection.team, system=True)
            role_assign(actor=sysadmin, user=users["member"], role=Role.TEAM_MEMBER, team=inspection.team, system=True)
            role_assign(actor=sysadmin, user=users["liaison"], role=Role.LIAISON, org=inspection.target, system=True)
        for name, kind in BODIES:
            body = ReceivingBody.objects.create(name=name, kind=kind,
                                                office=offices["cjlu"] if name.startswith("中国计量大学") else offices["city"])
            role_assign(actor=sysadmin, user=users["recipient"], role=Role.RECIPIENT, body=body, system=True)
        demo_internal_round(office, offices["cjlu"], today)
        demo_office_calendar(users["office_cjlu"], offices["cjlu"], today)
        demo_pool(office, offices, inspections[0].target, inspections[1].target)
        load_demo_registry(office, offices)
    return inspections
