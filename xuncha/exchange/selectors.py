"""Reads of the exchange: who may export an inspection, the packages uploaded to an office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xuncha.access import Kind, Purpose, actor_of, allows
from xuncha.access.actor import Someone
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection, Office

from .keys import ExchangeConfig, ExchangeKeyError, load_config
from .models import ImportedAuditEvent, PackageImport


def exportable_inspection(*, user: Someone, pk: int) -> Inspection:
    """An inspection the user's office decides on (its own office's round); 404 for everyone else."""
    inspection = Inspection.objects.select_related("team", "target", "round").filter(pk=pk).first()
    if inspection is None or not allows(user, Kind.INSPECTION, Purpose.APPROVE, inspection):
        raise NotFound("没有找到该巡察任务。")
    return inspection


def import_offices(*, user: Someone) -> QuerySet[Office]:
    """The offices the user may import into: their own (an office admin works on their own office only)."""
    actor = actor_of(user)
    if not actor.is_office:
        return Office.objects.none()
    if actor.own_offices is None:
        return Office.objects.order_by("id")
    return Office.objects.filter(pk__in=actor.own_offices).order_by("id")


def import_list(*, user: Someone) -> QuerySet[PackageImport]:
    actor = actor_of(user)
    if not actor.is_office:
        raise NotFound("没有找到该页面。")
    qs = PackageImport.objects.select_related("office", "uploaded_by", "imported_by")
    return qs if actor.own_offices is None else qs.filter(Q(office_id__in=actor.own_offices))


def import_get(*, user: Someone, pk: int) -> PackageImport:
    record = import_list(user=user).filter(pk=pk).first()
    if record is None:
        raise NotFound("没有找到该数据包。")
    return record


def exchange_config_or_none() -> tuple[ExchangeConfig | None, str]:
    try:
        return load_config(), ""
    except ExchangeKeyError as exc:
        return None, str(exc)


def imported_events(*, record: PackageImport) -> QuerySet[ImportedAuditEvent]:
    return ImportedAuditEvent.objects.filter(package=record).order_by("original_id")


def package_calendar(*, record: PackageImport) -> WorkdayCalendar | None:
    """The sending office's working-day calendar over the imported inspection's period and the year after
    (export.office_calendar_record), as a calendar of its own: the receiver's CalendarDay rows are never
    touched. None for a package that carried none."""
    carried = (record.summary or {}).get("calendar")
    if not isinstance(carried, dict):
        return None
    return WorkdayCalendar(overrides={dt.date.fromisoformat(d): str(k) for d, k in (carried.get("overrides") or {}).items()})


def package_limits(*, record: PackageImport) -> dict[str, int]:
    """The sending office's effective time limits for the imported inspection ({} when none were carried)."""
    carried = (record.summary or {}).get("calendar")
    return {str(k): int(v) for k, v in ((carried or {}).get("limits") or {}).items()} if isinstance(carried, dict) else {}
