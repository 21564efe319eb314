"""Writes for the office tree and the inspectors' pool (巡察人员库). Keyword-only, atomic, audited; an office
admin works on their own offices only (services.require_office_of)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid

from .models import (
    Authorisation,
    Expertise,
    Inspection,
    Office,
    OfficeSettings,
    Person,
    PersonRelation,
    PersonRound,
    Round,
    TargetOrg,
    Team,
)
from .models_offices import LIMITS, ZERO_ALLOWED
from .selectors_offices import person_conflict, subtree_ids
from .services import require_office_of

# The kinds of body a briefing request goes to (xuncha.fieldwork.models.briefing.BriefingBody, above this app).
DEFAULT_BRIEFING_KINDS = ("discipline", "organisation", "audit", "petitions", "propaganda", "finance", "other")


def office_create(*, actor: User, name: str, parent: Office, request: HttpRequest | None = None) -> Office:
    """A new office under `parent` (one of the actor's own offices)."""
    require_office_of(actor, parent.pk)
    name = name.strip()
    if not name:
        raise Invalid("请填写巡察办名称。")
    if Office.objects.filter(name=name).exists():
        raise Invalid(f"已有名为“{name}”的巡察办。")
    with transaction.atomic():
        office = Office.objects.create(name=name, parent=parent)
        audit_record(actor=actor, action="office.create", obj=office, summary=f"设立巡察办：{name}（上级：{parent.name}）",
                     request=request)
    return office


def inspection_co_organiser_set(*, actor: User, inspection: Inspection, office: Office | None,
                                request: HttpRequest | None = None) -> Inspection:
    """Name (or clear) the office co-organising an elevated inspection (提级巡察): it reads the schedule and
    the rectification, never the reports or records."""
    require_office_of(actor, inspection.office_id)
    if office is not None and office.pk == inspection.office_id:
        raise Invalid("协同巡察办应为组织巡察的巡察办以外的单位。")
    with transaction.atomic():
        inspection.co_organiser = office
        inspection.save(update_fields=["co_organiser"])
        audit_record(actor=actor, action="inspection.co_organiser", obj=inspection, request=request,
                     summary=f"{inspection} 协同巡察办：{office.name if office else '无'}")
    return inspection


def person_create(*, actor: User, office: Office, name: str, unit: str, post: str = "", expertise: list[str] | None = None,
                  unit_org: TargetOrg | None = None, user: User | None = None, request: HttpRequest | None = None) -> Person:
    require_office_of(actor, office.pk)
    codes = list(dict.fromkeys(expertise or []))
    unknown = [c for c in codes if c not in Expertise.values]
    if unknown or not name.strip() or not unit.strip():
        raise Invalid("请填写姓名、工作单位，专长须从列表中选择。")
    with transaction.atomic():
        person = Person.objects.create(office=office, name=name.strip(), unit=unit.strip(), post=post, unit_org=unit_org,
                                       user=user, expertise="," + ",".join(codes) + "," if codes else "")
        audit_record(actor=actor, action="pool.person_create", obj=person, request=request,
                     summary=f"巡察人员库登记：{person}")
    return person


def person_relation_declare(*, actor: User, person: Person, org: TargetOrg, kind: str, detail: str = "",
                            start_date: dt.date | None = None, end_date: dt.date | None = None,
                            request: HttpRequest | None = None) -> PersonRelation:
    """Record a relation the person declared with an organisation (spouse, relative, former post)."""
    require_office_of(actor, person.office_id)
    if kind not in PersonRelation.Kind.values:
        raise Invalid("请选择关系类型。")
    if start_date and end_date and end_date < start_date:
        raise Invalid("终止日期不能早于起始日期。")
    with transaction.atomic():
        rel = PersonRelation.objects.create(person=person, org=org, kind=kind, detail=detail, start_date=start_date, end_date=end_date)
        audit_record(actor=actor, action="pool.relation_declare", obj=person, request=request,
                     summary=f"{person.name} 申报与{org.name}的关系：{rel.get_kind_display()}")
    return rel


def person_round_rate(*, actor: User, person: Person, round: Round, rating: int, note: str = "",
                      request: HttpRequest | None = None) -> PersonRound:
    """The rating after a round (1–5), one per person and round."""
    require_office_of(actor, round.office_id)
    if not 1 <= rating <= 5:
        raise Invalid("评价应为1至5分。")
    with transaction.atomic():
        row, _ = PersonRound.objects.update_or_create(person=person, round=round, defaults={"rating": rating, "note": note})
        audit_record(actor=actor, action="pool.person_rate", obj=person, request=request,
                     summary=f"{person.name} 在{round.name}中的评价：{rating}分")
    return row


def team_conflicts_of(person: Person, team: Team, today: dt.date) -> list[str]:
    """The person's conflicts with the organisations the team inspects."""
    targets = TargetOrg.objects.filter(inspections__team=team).distinct()
    return [reason for t in targets if (reason := person_conflict(person, t, today))]


def authorisation_record(*, actor: User, person: Person, team: Team, pledge_signed_on: dt.date, declaration: str,
                         document: str = "", request: HttpRequest | None = None) -> Authorisation:
    """一次一授权: record the member's authorisation for the team's round, with the confidentiality pledge and
    the conflict declaration signed for it. Refused when the person has a conflict with the team's targets."""
    require_office_of(actor, team.round.office_id)
    if not declaration.strip():
        raise Invalid("请填写回避声明（无利益冲突的填写“无”）。")
    reasons = team_conflicts_of(person, team, timezone.localdate())
    if reasons:
        raise Invalid(f"{person.name}需回避：{'；'.join(reasons)}。")
    if Authorisation.objects.filter(person=person, round=team.round).exists():
        raise Invalid(f"{person.name}在{team.round.name}已有授权记录。")
    with transaction.atomic():
        obj = Authorisation.objects.create(person=person, round=team.round, team=team, pledge_signed_on=pledge_signed_on,
                                           declaration=declaration.strip(), document=document, recorded_by=actor)
        audit_record(actor=actor, action="pool.authorisation", obj=person, request=request,
                     summary=f"{person.name} {team.round.name}授权（{team.name}），保密承诺签署于{pledge_signed_on}")
    return obj


def office_update(*, actor: User, office: Office, name: str, parent: Office | None,
                  request: HttpRequest | None = None) -> Office:
    """Rename or move an office: the tree is kept from above (the admin of the office's parent, who must also
    own the new parent); the root stays the root, and no office moves under itself."""
    require_office_of(actor, office.parent_id)
    name = name.strip()
    if not name:
        raise Invalid("请填写巡察办名称。")
    if len(name) > 120:
        raise Invalid("巡察办名称过长。")
    if Office.objects.filter(name=name).exclude(pk=office.pk).exists():
        raise Invalid(f"已有名为“{name}”的巡察办。")
    if (office.parent_id is None) != (parent is None):
        raise Invalid("根巡察办没有上级；其他巡察办须有上级巡察办。")
    if parent is not None:
        require_office_of(actor, parent.pk)
        if parent.pk in subtree_ids(office):
            raise Invalid("不能把巡察办移到其自身或其下级巡察办之下。")
    changed = {k: v for k, v in (("name", name), ("parent", parent.pk if parent else None))
               if v != (office.name if k == "name" else office.parent_id)}
    with transaction.atomic():
        office.name, office.parent = name, parent
        office.save(update_fields=["name", "parent"])
        audit_record(actor=actor, action="office.update", obj=office, request=request, data={"changed": sorted(changed)},
                     summary=f"修改巡察办：{name}" + (f"（上级：{parent.name}）" if parent else ""))
    return office


def office_settings_save(*, actor: User, office: Office, term_start: dt.date | None, term_years: int,
                         limits: dict[str, int | None], briefing_asks: dict[str, str],
                         request: HttpRequest | None = None) -> OfficeSettings:
    """The office's own settings (its admin's): the term, time limits (blank: inherited), templates."""
    require_office_of(actor, office.pk)
    problems = []
    if not 1 <= term_years <= 10:
        problems.append("每届年限应为1至10年。")
    if set(limits) - set(LIMITS):
        problems.append("未知的期限设置。")
    if any(v is not None and not (0 if k in ZERO_ALLOWED else 1) <= v <= 365 for k, v in limits.items()):
        problems.append("期限应为1至365之间的整数（按工作日计的整改方案、整改报告期限可填0，表示按月计）。")
    kinds = set(DEFAULT_BRIEFING_KINDS)
    if set(briefing_asks) - kinds or any(len(v) > 2000 for v in briefing_asks.values()):
        problems.append("函件内容设置无效或过长。")
    if problems:
        raise Invalid(problems)
    asks = {k: v.strip() for k, v in briefing_asks.items() if v.strip()}
    with transaction.atomic():
        row, _ = OfficeSettings.objects.update_or_create(office=office, defaults={
            "term_start": term_start, "term_years": term_years, "briefing_asks": asks, **limits})
        audit_record(actor=actor, action="office.settings", obj=office, request=request,
                     summary=f"修改巡察办设置：{office.name}",
                     data={"term_start": str(term_start or ""), "limits": {k: v for k, v in limits.items() if v is not None}})
    return row


def target_parent_set(*, actor: User, target: TargetOrg, parent: TargetOrg | None,
                      request: HttpRequest | None = None) -> TargetOrg:
    """Place a target in the party-organisation tree (a school under its university), or take it out."""
    require_office_of(actor, target.office_id)
    if parent is not None:
        node: TargetOrg | None = parent
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            if node.pk == target.pk:
                raise Invalid("不能把党组织放在其自身或其下级党组织之下。")
            seen.add(node.pk)
            node = node.parent_org
    with transaction.atomic():
        target.parent_org = parent
        target.save(update_fields=["parent_org"])
        audit_record(actor=actor, action="target.parent", obj=target, request=request,
                     summary=f"{target.name} 的上级党组织：{parent.name if parent else '无'}")
    return target


def person_update(*, actor: User, person: Person, name: str, unit: str, post: str = "", expertise: list[str] | None = None,
                  unit_org: TargetOrg | None = None, request: HttpRequest | None = None) -> Person:
    require_office_of(actor, person.office_id)
    codes = list(dict.fromkeys(expertise or []))
    if [c for c in codes if c not in Expertise.values] or not name.strip() or not unit.strip():
        raise Invalid("请填写姓名、工作单位，专长须从列表中选择。")
    with transaction.atomic():
        person.name, person.unit, person.post, person.unit_org = name.strip(), unit.strip(), post.strip(), unit_org
        person.expertise = "," + ",".join(codes) + "," if codes else ""
        person.save(update_fields=["name", "unit", "post", "unit_org", "expertise"])
        audit_record(actor=actor, action="pool.person_update", obj=person, request=request, summary=f"修改巡察人员信息：{person}")
    return person


def person_relation_remove(*, actor: User, relation: PersonRelation, reason: str, request: HttpRequest | None = None) -> Person:
    """Withdraw a declared relation (it ended, or was entered by mistake), with the reason in the audit log."""
    require_office_of(actor, relation.person.office_id)
    if len(reason.strip()) < 2:
        raise Invalid("请写明撤销申报的理由。")
    person = relation.person
    with transaction.atomic():
        audit_record(actor=actor, action="pool.relation_remove", obj=person, request=request,
                     summary=f"{person.name} 撤销与{relation.org.name}的关系申报（{relation.get_kind_display()}）：{reason.strip()[:200]}")
        relation.delete()
    return person
