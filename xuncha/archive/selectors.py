"""Reads of the archive: the office that runs an inspection sees its filings; anyone else 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from xuncha.access import Kind, Purpose, Someone, allows
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_get

from .models import Filing


def can_file(user: Someone, inspection: Inspection) -> bool:
    """The office that runs the inspection (its own office: work and decisions, docs/architecture.md §3)."""
    return allows(user, Kind.INSPECTION, Purpose.APPROVE, inspection, even_filed=True)


def archive_inspection_get(*, user: User | AnonymousUser, pk: int) -> Inspection:
    inspection = inspection_get(user=user, pk=pk)
    if not can_file(user, inspection):
        raise NotFound
    return inspection


def filing_list(inspection: Inspection) -> list[Filing]:
    return list(Filing.objects.filter(inspection=inspection).select_related("filed_by", "reopened_by").order_by("-version"))


def filing_current(inspection: Inspection) -> Filing | None:
    """The latest filing (the package downloaded), or None before the first."""
    return Filing.objects.filter(inspection=inspection).order_by("-version").first()
