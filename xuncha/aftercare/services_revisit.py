"""Writes of 回头看: the office creates a follow-up inspection from an earlier one (same target; through the
inspections service, so every rule of a new inspection holds), and the follow-up's team marks its own
findings as 整改不到位 against findings of the earlier inspection."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection, Round, Team
from xuncha.inspections.services import inspection_create
from xuncha.rectification.models import Finding

from .models import RevisitMark


def revisit_create(*, actor: User, earlier: Inspection, round: Round, team: Team, start_date: dt.date,
                   end_date: dt.date | None = None, working_days: int | None = None,
                   request: HttpRequest | None = None) -> Inspection:
    """A 回头看 inspection of the earlier inspection's target; its team starts from the earlier findings and
    open ledger items (selectors.earlier_findings, earlier_open_items)."""
    if not allows(actor, Kind.INSPECTION, Purpose.READ, earlier) or not allows(actor, Kind.INSPECTION, Purpose.WORK, None):
        raise NotFound
    if earlier.revisit_of_id is None and earlier.start_date >= start_date:
        raise Invalid("回头看的进驻日期应晚于原巡察任务。")
    with transaction.atomic():
        inspection = inspection_create(actor=actor, round=round, team=team, target=earlier.target, start_date=start_date,
                                       end_date=end_date, working_days=working_days, duration_text="",
                                       request=request)
        inspection.revisit_of = earlier
        inspection.save(update_fields=["revisit_of"])
        audit_record(actor=actor, action="revisit.create", obj=inspection, request=request,
                     summary=f"创建回头看巡察任务：{inspection}，回头看{earlier}")
    return inspection


def revisit_mark(*, actor: User, finding: Finding, earlier: Finding, note: str = "",
                 request: HttpRequest | None = None) -> RevisitMark:
    """Mark a finding of the follow-up as 整改不到位 against a finding of the inspection it revisits."""
    inspection = finding.inspection
    if not allows(actor, Kind.CASE, Purpose.READ, inspection):
        raise NotFound
    if not allows(actor, Kind.CASE, Purpose.WORK, inspection):
        raise NotAllowed("只有本巡察组可以标记整改不到位。")
    if inspection.revisit_of_id is None:
        raise Invalid("该巡察任务不是回头看，没有可以对照的原问题。")
    if earlier.inspection_id != inspection.revisit_of_id or earlier.state != Finding.State.APPROVED:
        raise Invalid("只能对照原巡察任务已审定的问题。")
    note = note.strip()
    if len(note) > 300:
        raise Invalid("说明不能超过300字。")
    with transaction.atomic():
        if RevisitMark.objects.filter(finding=finding, earlier=earlier).exists():
            raise Conflict(f"问题{finding.number}已对照原问题{earlier.number}标记为整改不到位。")
        mark = RevisitMark.objects.create(finding=finding, earlier=earlier, note=note, by=actor)
        audit_record(actor=actor, action="revisit.mark", obj=finding, request=request,
                     summary=f"问题{finding.number}标记为整改不到位（对照原问题{earlier.number}）：{inspection}")
    return mark


def revisit_unmark(*, actor: User, mark: RevisitMark, request: HttpRequest | None = None) -> None:
    finding = mark.finding
    if not allows(actor, Kind.CASE, Purpose.READ, finding.inspection):
        raise NotFound
    if not allows(actor, Kind.CASE, Purpose.WORK, finding.inspection):
        raise NotAllowed("只有本巡察组可以取消标记。")
    with transaction.atomic():
        earlier_number = mark.earlier.number
        mark.delete()
        audit_record(actor=actor, action="revisit.unmark", obj=finding, request=request,
                     summary=f"取消问题{finding.number}的整改不到位标记（对照原问题{earlier_number}）：{finding.inspection}")
