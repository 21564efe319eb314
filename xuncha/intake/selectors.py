"""Reads of reports: only the team of the report's inspection sees them; identities stay masked."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from xuncha.access import Kind, Purpose, allows
from xuncha.core import crypto
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_list
from xuncha.keys import key_ring

from .models import Report


def intake_inspections(*, user: Any, purpose: Purpose = Purpose.READ) -> QuerySet[Inspection]:
    """Inspections whose case file (reports and what the team does with them) the user may reach:
    their team's, less declared conflicts."""
    return inspection_list(user=user, kind=Kind.CASE, purpose=purpose)


def intake_inspection_get(*, user: Any, pk: int) -> Inspection:
    inspection = intake_inspections(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def report_list(*, user: Any, inspection: Inspection) -> QuerySet[Report]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404
    return Report.objects.filter(inspection=inspection).select_related("channel").prefetch_related("subjects")


def report_get(*, user: Any, pk: int) -> Report:
    report = Report.objects.filter(pk=pk, inspection__in=intake_inspections(user=user)).select_related(
        "inspection__team", "inspection__target", "channel").prefetch_related("subjects", "attachments", "additions", "replies").first()
    if report is None:
        raise Http404
    return report


def report_can_reveal(*, user: Any, report: Report) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, report.inspection)


def reporter_masked(report: Report) -> dict[str, str]:
    """What a team member sees of a real-name reporter: masked name and phone, presence of the rest."""
    if report.anonymous:
        return {}
    ring = key_ring()
    sealed = report.reporter_sealed
    out: dict[str, str] = {}
    if "name" in sealed:
        out["name"] = crypto.mask_name(crypto.unseal(ring, sealed["name"], context="name"))
    if "phone" in sealed:
        out["phone"] = crypto.mask_phone(crypto.unseal(ring, sealed["phone"], context="phone"))
    for f, label in (("id_number", "身份证号"), ("unit", "单位"), ("address", "地址"), ("email", "邮箱")):
        if f in sealed:
            out[f] = f"（已填写{label}，已加密）"
    return out
