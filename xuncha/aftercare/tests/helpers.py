"""What the aftercare tests share: a small ledger on a demo inspection, built through the rectification services."""

from __future__ import annotations

import datetime as dt

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Finding, ItemStatus, RectificationItem
from xuncha.rectification.services import ItemData, item_create


def user(name: str) -> User:
    return User.objects.get(username=name)


def finding(inspection: Inspection, number: int, title: str, *, state: str = Finding.State.APPROVED) -> Finding:
    return Finding.objects.create(inspection=inspection, number=number, title=title, facts=f"问题{number}的事实。",
                                  rule_broken="有关规定", focus="corruption", state=state, created_by=user("member"))


def item(f: Finding, measures: str, *, dept: str = "后勤处", deadline: dt.date | None = dt.date(2024, 12, 31),
         long_term: bool = False, status: str = "") -> RectificationItem:
    created = item_create(actor=user("member"), finding=f, data=ItemData(
        measures=measures, responsible_leader="王副院长", responsible_dept=dept, deadline=deadline, long_term=long_term))
    if status:
        RectificationItem.objects.filter(pk=created.pk).update(status=status)
        created.refresh_from_db()
    return created


def ledger(inspection: Inspection) -> list[RectificationItem]:
    """Two findings, four items: signed off, in progress, long term, and one the office will exempt."""
    f1 = finding(inspection, 1, "食堂饭菜价格上涨、质量下降")
    f2 = finding(inspection, 2, "工程项目和设备采购程序不规范")
    return [
        item(f1, "重新核定饭菜价格，建立价格公示制度", status=ItemStatus.SIGNED_OFF),
        item(f1, "引入师生膳食监督委员会", dept="学生工作处", status=ItemStatus.IN_PROGRESS),
        item(f2, "修订采购管理办法，长期坚持集体决策", dept="国有资产管理处", deadline=None, long_term=True, status=ItemStatus.LONG_TERM),
        item(f2, "对涉嫌违规的设备采购线索配合有关部门调查", dept="纪委办公室"),
    ]
