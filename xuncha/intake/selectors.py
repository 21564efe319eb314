"""Reads of reports: only the team of the report's inspection sees them; identities stay masked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import QuerySet

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.core import crypto
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_list
from xuncha.keys import key_ring

from .models import Report


def intake_inspections(*, user: User | AnonymousUser, purpose: Purpose = Purpose.READ) -> QuerySet[Inspection]:
    """Inspections whose case file (reports and what the team does with them) the user may reach:
    their team's, less declared conflicts."""
    return inspection_list(user=user, kind=Kind.CASE, purpose=purpose)


def intake_inspection_get(*, user: User | AnonymousUser, pk: int) -> Inspection:
    inspection = intake_inspections(user=user).filter(pk=pk).first()
    if inspection is None:
        raise NotFound
    return inspection


def report_list(*, user: User | AnonymousUser, inspection: Inspection) -> QuerySet[Report]:
    if not intake_inspections(user=user).filter(pk=inspection.pk).exists():
        raise NotFound
    return Report.objects.filter(inspection=inspection).select_related("channel").prefetch_related("subjects")


def report_get(*, user: User | AnonymousUser, pk: int) -> Report:
    report = Report.objects.filter(pk=pk, inspection__in=intake_inspections(user=user)).select_related(
        "inspection__team", "inspection__target", "inspection__round", "channel").prefetch_related(
        "subjects", "attachments", "additions", "replies").first()
    if report is None:
        raise NotFound
    return report


def receipt_find(code: str) -> Report | None:
    """The report behind a receipt code (the reporter's key to it; no user involved), or None."""
    digits = crypto.normalise_receipt_code(code)
    if len(digits) != 16:
        return None
    return Report.objects.select_related("inspection").filter(receipt_hash=crypto.receipt_code_hash(key_ring(), digits)).first()


def report_can_reveal(*, user: User | AnonymousUser, report: Report) -> bool:
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


@contextmanager
def analytic_transaction() -> Iterator[None]:
    """A transaction for one large read over reports on PostgreSQL (the reply counts, the statistics):
    no JIT compilation (compiling these one-off scans takes longer than it saves), and memory enough
    for hashes and groupings not to spill to disk."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # SET LOCAL of both, in one statement
                cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        yield
