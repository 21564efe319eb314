"""Offices and the inspectors' pool (issue 20): the office tree the caller sees, an office's figures rolled
up over its subtree, and the pool with each person's conflict with a target. The office role's: anyone
else sees no office (an empty list) and gets 404 on the rest."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from xuncha.accounts.models import User
from xuncha.dashboard.offices import office_summary
from xuncha.dashboard.registry import registry
from xuncha.inspections.selectors import target_get
from xuncha.inspections.selectors_offices import office_list, people_for_target

from .schemas import ErrorOut

router = Router(tags=["巡察办与人员库"])


class OfficeOut(Schema):
    id: int
    name: str
    parent_id: int | None


class OfficeSummaryOut(Schema):
    inspections: int
    reports: int
    findings: int
    ledger_items: int
    signed_off: int
    overdue: int


class PersonOut(Schema):
    id: int
    name: str
    unit: str
    post: str
    expertise: list[str]
    rating: float | None
    conflict: str | None


@router.get("/offices", response=list[OfficeOut])
def offices(request: HttpRequest) -> list[dict[str, object]]:
    """The offices the caller may see: an office admin's office and its subtree (the root's: all)."""
    return [{"id": o.pk, "name": o.name, "parent_id": o.parent_id} for o in office_list(user=cast(User, request.user))]


@router.get("/offices/{office_id}/summary", response={200: OfficeSummaryOut, 404: ErrorOut})
def office_figures(request: HttpRequest, office_id: int) -> dict[str, int]:
    """The office's figures over its subtree: inspections, reports, approved findings, ledger items, signed off, overdue."""
    return office_summary(user=cast(User, request.user), office_id=office_id)


@router.get("/people", response={200: list[PersonOut], 404: ErrorOut})
def people(request: HttpRequest, expertise: str = "", for_target: int | None = None) -> list[dict[str, object]]:
    """The pool (巡察人员库) of the caller's offices, by expertise; with for_target, each person's conflict of
    interest with that organisation (null: none)."""
    user = cast(User, request.user)
    target = target_get(user=user, pk=for_target) if for_target is not None else None
    rows = people_for_target(user=user, target=target, expertise=expertise, today=timezone.localdate())
    return [{"id": c.person.pk, "name": c.person.name, "unit": c.person.unit, "post": c.person.post,
             "expertise": c.person.expertise_codes, "rating": getattr(c.person, "rating", None), "conflict": c.conflict}
            for c in rows]


class RegistryOrgOut(Schema):
    id: int
    name: str
    parent_id: int | None
    office_id: int | None
    covered: bool
    last_inspected_on: dt.date | None
    inspections: int


class RegistryOut(Schema):
    term_start: dt.date
    total: int
    covered: int
    uncovered: int
    organisations: list[RegistryOrgOut]


@router.get("/offices/{office_id}/registry", response={200: RegistryOut, 404: ErrorOut})
def office_registry(request: HttpRequest, office_id: int, uncovered: bool = False) -> dict[str, object]:
    """The office's target organisations (its subtree's, and those it co-organised an elevated inspection of)
    in their party-organisation tree, each covered or not in the current term (届内全覆盖); uncovered=true:
    only those not inspected yet this term."""
    data = registry(user=cast(User, request.user), office_id=office_id, uncovered_only=uncovered)
    return {"term_start": data["term_start"], "total": data["total"], "covered": data["covered"], "uncovered": data["uncovered"],
            "organisations": [{"id": r.target.pk, "name": r.target.name, "parent_id": r.target.parent_org_id,
                               "office_id": r.target.office_id, "covered": r.covered, "inspections": len(r.visits),
                               "last_inspected_on": r.last.inspection.start_date if r.last else None} for r in data["rows"]]}
