"""The office's writes on a target's leadership data (the source of the 必谈 list) and on the 必谈 rule.
A member who leaves the leadership gets `left_on`, never a deletion (talks refer to the row)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid

from .models import LeadershipCategory, LeadershipMember, MustTalkRule, TargetOrg
from .services import require_planner


def _validate(name: str, post: str, category: str, since: dt.date | None, left: dt.date | None) -> None:
    problems = []
    if not name.strip():
        problems.append("请填写姓名。")
    if not post.strip():
        problems.append("请填写职务。")
    if category not in LeadershipCategory.values:
        problems.append("类别无效。")
    if since and left and left < since:
        problems.append("离任时间不能早于任职时间。")
    if problems:
        raise Invalid(problems)


def leadership_save(*, actor: User, org: TargetOrg, name: str, post: str, category: str, in_office_since: dt.date | None = None,
                    left_on: dt.date | None = None, member: LeadershipMember | None = None,
                    request: HttpRequest | None = None) -> LeadershipMember:
    """Add a leadership member of a target, or change one (`member`)."""
    require_planner(actor)
    _validate(name, post, category, in_office_since, left_on)
    if member is not None and member.org_id != org.pk:
        raise Invalid("该人员不属于这个党组织。")
    with transaction.atomic():
        row = member or LeadershipMember(org=org)
        row.name, row.post, row.category = name.strip()[:64], post.strip()[:120], category
        row.in_office_since, row.left_on = in_office_since, left_on
        row.save()
        audit_record(actor=actor, action="leadership.update" if member else "leadership.add", obj=row, request=request,
                     summary=f"{org.name} 领导班子信息：{'修改' if member else '增加'}一人")
    return row


def must_rule_save(*, actor: User, categories: list[str], left_within_years: int, request: HttpRequest | None = None) -> MustTalkRule:
    """The office's 必谈 rule: which categories, and those who left within N years."""
    require_planner(actor)
    problems = []
    if not categories or any(c not in LeadershipCategory.values for c in categories):
        problems.append("请选择必谈的人员类别。")
    if not 0 <= left_within_years <= 10:
        problems.append("离任年限应在 0 到 10 年之间。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        rule = MustTalkRule.objects.select_for_update().filter(pk=1).first() or MustTalkRule(pk=1)
        rule.categories, rule.left_within_years = sorted(set(categories)), left_within_years
        rule.save()
        audit_record(actor=actor, action="must_rule.update", obj=rule, request=request,
                     summary=f"修改必谈规则：{'、'.join(LeadershipCategory(c).label for c in rule.categories)}；离任 {left_within_years} 年内")
    return rule
