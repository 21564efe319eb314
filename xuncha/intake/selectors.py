"""Reads of reports: only the team of the report's inspection sees them; identities stay masked."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from xuncha.accounts.roles import Role
from xuncha.accounts.selectors import team_ids
from xuncha.core import crypto
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_list
from xuncha.keys import key_ring

from .models import Report


def intake_inspections(*, user: Any) -> QuerySet[Inspection]:
    """Inspections whose reports the user may see: their team's (conflicts excluded)."""
    teams = team_ids(user)
    return inspection_list(user=user).filter(team_id__in=teams)


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
    return (report.inspection.team_id in team_ids(user, Role.TEAM_LEADER)
            and intake_inspections(user=user).filter(pk=report.inspection_id).exists())


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
