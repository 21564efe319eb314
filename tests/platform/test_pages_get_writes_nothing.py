"""Every GET page only reads: each URL pattern of the product, filled with the demo's objects (the model
guessed from the path), is asked by the staff personas, and no GET writes a row except the access log
(audit events of reads and downloads) and the session. A page that issued, consumed or recorded anything
on GET fails here; the patterns enumerate themselves, so a page added later is walked too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import client_for
from xuncha.api.tests.test_get_writes_nothing import READ_WRITES, WRITE, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["office", "leader", "member", "liaison", "recipient"]
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _patterns(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return [o for o in out if "^" not in o and "(?P" not in o]


def _objects(world: dict[str, Any]) -> dict[str, int]:  # noqa: F811
    """The first object of each model the paths name, seed 001's where it has them."""
    from xuncha.fieldwork.models import DocumentRequest, Interview
    from xuncha.intake.models import Attachment, Report
    from xuncha.rectification.models import Finding, ImmediateNotice, RectificationItem
    from xuncha.rectification.models_plan import PlanTask, RectificationReport
    from xuncha.reporting.models import InspectionReport
    from xuncha.surveys.models import Survey
    from xuncha.triage.models import Clue, Referral, TransferBatch

    seed = world["seed001"]

    def first(model: Any, **where: Any) -> int:
        pk = model.objects.filter(**where).order_by("pk").values_list("pk", flat=True).first()
        return int(pk) if pk is not None else 1

    return {
        "inspections": seed.pk, "surveys": first(Survey, inspection=seed), "reports": first(Report, inspection=seed),
        "inspection-reports": first(InspectionReport, inspection=seed), "findings": first(Finding, inspection=seed),
        "notices": first(ImmediateNotice), "ledger-items": first(RectificationItem), "items": first(RectificationItem),
        "clues": first(Clue), "referrals": first(Referral), "batches": first(TransferBatch),
        "talks": first(Interview, inspection=seed), "document-requests": first(DocumentRequest, inspection=seed),
        "attachments": first(Attachment), "rectification-reports": first(RectificationReport), "plan-tasks": first(PlanTask),
        "teams": seed.team_id, "targets": seed.target_id, "rounds": seed.round_id, "offices": seed.office_id or 1,
    }


def _url(pattern: str, objects: dict[str, int], seed: int) -> str:
    def fill(m: re.Match[str]) -> str:
        conv, name = m.group(1) or "str", m.group(2)
        if conv in ("int", "path", "str") and name in ("pk", "inspection_id", "survey_id", "report_id", "item_id", "attachment_id"):
            before = pattern[: m.start()].rstrip("/").split("/")[-1]
            if name == "pk":
                return str(objects.get(before, seed))
            return str(objects.get({"inspection_id": "inspections", "survey_id": "surveys", "report_id": "reports",
                                    "item_id": "items", "attachment_id": "attachments"}[name], seed))
        if conv == "int":
            return "1"
        if conv == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return {"kind": "leadership", "audience": "leadership"}.get(name, "x")
    return "/" + PARAM.sub(fill, pattern)


def test_no_get_page_writes(world: dict[str, Any]) -> None:  # noqa: F811
    objects = _objects(world)
    urls = sorted({_url(p, objects, world["seed001"].pk) for p in _patterns(get_resolver().url_patterns)
                   if not p.startswith(("api/", "admin/", "static/"))})
    assert any(u.startswith("/surveys/") for u in urls)
    written: dict[str, set[str]] = {}
    ok = 0
    for persona in PERSONAS:
        client = client_for(world["users"][persona])
        for url in urls:
            connection.queries_log.clear()  # the log keeps 9000 queries: beyond, a capture would see none
            with CaptureQueriesContext(connection) as queries:
                ok += client.get(url).status_code == 200
            tables = {m.group(2) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))} - READ_WRITES
            if tables:
                written.setdefault(url, set()).update(f"{persona}:{t}" for t in tables)
    assert written == {}
    assert ok > 100  # the walk reached real pages, not only 404s
