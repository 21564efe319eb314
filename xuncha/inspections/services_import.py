"""Creating inspections from an imported announcement, after the office has reviewed the parse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.sm import sm3_hex
from xuncha.errors import Invalid

from . import services
from .models import Inspection, Office, Round, TargetOrg, Team
from .services import HoursSpec


@dataclass
class ChannelSpec:
    kind: str
    value: str = ""
    postcode: str = ""
    location: str = ""
    label: str = ""
    hours: list[HoursSpec] = field(default_factory=list)


@dataclass
class ImportItem:
    """One team's inspection(s) as reviewed: one inspection per target."""

    round: str
    kind: str
    team: str
    targets: list[str]
    start_date: dt.date | None
    end_date: dt.date | None = None
    working_days: int | None = None
    duration_text: str = ""
    intake_start: dt.date | None = None
    intake_end: dt.date | None = None
    postmark_counts: bool = False
    scope: str = ""
    organizer: str = ""
    channels: list[ChannelSpec] = field(default_factory=list)


def _round(actor: User, item: ImportItem, request: HttpRequest | None, office: Office | None) -> Round:
    existing = Round.objects.filter(name=item.round).first()
    if existing is not None:
        return existing
    return services.round_create(actor=actor, name=item.round, kind=item.kind, year=(item.start_date or dt.date.today()).year,
                                 organizer=item.organizer, office=office, request=request)


def _team(actor: User, rnd: Round, name: str, request: HttpRequest | None) -> Team:
    existing = Team.objects.filter(round=rnd, name=name).first()
    return existing or services.team_create(actor=actor, round=rnd, name=name, request=request)


def _target(actor: User, name: str, request: HttpRequest | None, office: Office | None) -> TargetOrg:
    existing = TargetOrg.objects.filter(name=name).first()
    return existing or services.target_create(actor=actor, name=name, office=office, request=request)


def announcement_import(*, actor: User, items: list[ImportItem], source_text: str,
                        office: Office | None = None, request: HttpRequest | None = None) -> list[Inspection]:
    """Create the reviewed inspections (rounds, teams and targets are reused by name or created; new ones
    belong to `office`, by default the actor's own).

    All or nothing: a problem in any item rolls the whole import back.
    """
    services.require_planner(actor)
    if not items:
        raise Invalid("没有可创建的巡察任务。")
    created: list[Inspection] = []
    with transaction.atomic():
        for number, item in enumerate(items, start=1):
            where = f"第{number}项（{item.team or '未填写巡察组'}）"
            if not item.round.strip() or not item.team.strip() or not item.targets:
                raise Invalid(f"{where}：请填写巡察轮次、巡察组和被巡察党组织。")
            if item.start_date is None:
                raise Invalid(f"{where}：请填写进驻日期。")
            start_date: dt.date = item.start_date
            rnd = _round(actor, item, request, office)
            team = _team(actor, rnd, item.team.strip(), request)
            for target_name in item.targets:
                target = _target(actor, target_name.strip(), request, office)
                if Inspection.objects.filter(team=team, target=target, start_date=start_date).exists():
                    raise Invalid(f"{where}：{team.name}巡察{target.name}（{start_date}起）已存在，请勿重复导入。")
                try:
                    inspection = services.inspection_create(
                        actor=actor, round=rnd, team=team, target=target, start_date=start_date,
                        end_date=item.end_date, working_days=item.working_days, intake_start=item.intake_start,
                        intake_end=item.intake_end, duration_text=item.duration_text,
                        postmark_counts=item.postmark_counts, scope_text=item.scope, request=request)
                    for order, ch in enumerate(item.channels):
                        services.channel_save(actor=actor, inspection=inspection, kind=ch.kind, value=ch.value,
                                              label=ch.label, postcode=ch.postcode, location=ch.location,
                                              hours=ch.hours, order=order, request=request)
                except ValidationError as exc:  # Invalid, or Django's own from a model
                    raise Invalid(f"{where}：{'；'.join(exc.messages)}") from exc
                created.append(inspection)
        audit_record(actor=actor, action="announcement.import", request=request,
                     summary=f"导入巡察公告，创建{len(created)}个巡察任务",
                     data={"inspections": [i.pk for i in created], "source_sm3": sm3_hex(source_text.encode())})
    return created


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def items_from_parse(parsed: dict[str, Any]) -> list[ImportItem]:
    """The parser's JSON as ImportItems (for the demo and the API); missing facts stay empty."""
    items = []
    for insp in parsed["inspections"]:
        items.append(ImportItem(
            round=insp.get("round") or "", kind=insp.get("kind") or "regular", team=insp.get("team") or "",
            targets=list(insp.get("targets") or []), start_date=_date(insp.get("start_date")),
            end_date=_date(insp.get("end_date")), working_days=insp.get("working_days"),
            duration_text=insp.get("duration_text") or "", intake_start=_date(insp.get("intake_start")),
            intake_end=_date(insp.get("intake_end")), postmark_counts=bool(insp.get("postmark_counts")),
            scope=insp.get("scope") or "",
            channels=[ChannelSpec(kind=c["kind"], value=c.get("value") or "", postcode=c.get("postcode") or "",
                                  location=c.get("location") or "",
                                  hours=[(h["days"], _time(h["start"]), _time(h["end"])) for h in c.get("hours", [])])
                      for c in insp.get("channels", [])],
        ))
    return items
