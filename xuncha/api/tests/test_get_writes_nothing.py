"""Every GET of the API only reads: walked with the demo's data by the staff personas, no GET operation
writes a row, except the access log (audit events of reads and downloads) and the session. A GET that
changed state (the survey slips' old GET …/codes.pdf erased the sealed codes) fails here; the operation
enumerates itself from the API, so an operation added later is walked too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for, demo_worked
from xuncha.api.api import api

pytestmark = pytest.mark.django_db

PERSONAS = ["office", "leader", "member", "liaison", "recipient", "auditor"]
# Writes a read may make: its own audit event (views and downloads are audited) and the session; and the
# mark that the owner downloaded their own background export (the same fact as its audit event, kept on the
# job so that 我的待办 stops showing 导出已完成).
READ_WRITES = {"audit_auditevent", "audit_auditchainhead", "django_session", "exports_exportjob"}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.fixture
def world(demo: dict[str, Any]) -> dict[str, Any]:
    demo_worked(demo)
    return demo


def _ids(world: dict[str, Any]) -> dict[str, int]:
    from xuncha.fieldwork.models import DocumentRequest, Interview
    from xuncha.intake.models import Attachment
    from xuncha.rectification.models import Finding, RectificationItem
    from xuncha.reporting.models import InspectionReport
    from xuncha.surveys.models import CodeBatch, Survey

    seed = world["seed001"]

    def first(qs: Any) -> int:
        pk = qs.order_by("pk").values_list("pk", flat=True).first()
        return int(pk) if pk is not None else 1

    from xuncha.exports.models import ExportJob
    from xuncha.exports.services import export_start
    from xuncha.rectification.export_jobs import LEDGER_XLSX, ledger_params

    export_start(actor=world["users"]["office"], kind=LEDGER_XLSX, params=ledger_params(seed))  # run at once in tests
    batch = CodeBatch.objects.filter(slips_printed=False, voided_at__isnull=True).exclude(slips_sealed="").order_by("pk").first()
    return {
        "batch": batch.number if batch else 1,
        "inspection_id": seed.pk, "report_id": first(seed.reports.all()),
        "special_report_id": first(InspectionReport.objects.filter(inspection=seed)),
        "attachment_id": first(Attachment.objects.all()), "finding_id": first(Finding.objects.filter(inspection=seed)),
        "interview_id": first(Interview.objects.filter(inspection=seed)), "item_id": first(RectificationItem.objects.all()),
        "office_id": seed.office_id or 1, "request_id": first(DocumentRequest.objects.filter(inspection=seed)),
        "survey_id": batch.survey_id if batch else first(Survey.objects.all()), "code": 0,
        "job_id": first(ExportJob.objects.all()),
    }


def _get_urls(ids: dict[str, int]) -> list[str]:
    urls = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" not in ops:
            continue
        def fill(m: re.Match[str], path: str = path) -> str:
            name = m.group(1)
            key = "special_report_id" if name == "report_id" and "special-reports" in path else name
            return str(ids[key])
        required = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query" and p.get("required")]
        query = "&".join(f"{name}={ids.get(name, 1)}" for name in required)
        urls.append(re.sub(r"{(\w+)}", fill, path) + (f"?{query}" if query else ""))
    return urls


def test_no_get_of_the_api_writes(world: dict[str, Any]) -> None:
    urls = _get_urls(_ids(world))
    assert any("/surveys/" in u for u in urls) and any("special-reports" in u for u in urls)
    written: dict[str, set[str]] = {}
    answered: set[int] = set()
    for persona in PERSONAS:
        client = client_for(world["users"][persona])
        for url in urls:
            connection.queries_log.clear()  # the log keeps 9000 queries: beyond, a capture would see none
            with CaptureQueriesContext(connection) as queries:
                answered.add(client.get(url).status_code)
            tables = {m.group(2) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))} - READ_WRITES
            if tables:
                written.setdefault(url, set()).update(f"{persona}:{t}" for t in tables)
    assert written == {}
    assert 200 in answered  # the walk reached real objects, not only 404s
