"""Background exports API: POST starts the ledger .xlsx as a job (202 with its address), GET the job's
status, GET its file when done (streamed, audited with the kind); only the owner (others 404, no token 401)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.exports.models import ExportJob, ExportStatus

from .test_ledger_api import READERS, Api, api, ledger  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def jobs_url(pk: int) -> str:
    return f"/api/v1/inspections/{pk}/ledger.xlsx/jobs"


def test_start_poll_download(api: Api, ledger: dict) -> None:  # noqa: F811
    r = api.post("liaison", jobs_url(ledger["inspection"].pk))
    assert r.status_code == 202
    body = r.json()
    job = ExportJob.objects.get()
    assert body["id"] == job.pk and body["status"] == "done" and body["kind"] == "rectification.ledger_xlsx"
    assert body["url"] == f"/api/v1/exports/{job.pk}" and body["file_url"] == f"/api/v1/exports/{job.pk}/file"
    assert body["title"].startswith("整改台账（Excel）") and body["percent"] == 100
    status = api.get("liaison", body["url"]).json()
    assert status["status"] == "done" and status["size"] == job.size and status["downloaded_at"] is None
    assert [j["id"] for j in api.get("liaison", "/api/v1/me/exports").json()] == [job.pk]
    assert [x["count"] for x in api.get("liaison", "/api/v1/me/todo").json() if x["kind"] == "export_ready"] == [1]
    r = api.get("liaison", body["file_url"])
    assert r.status_code == 200 and r.streaming
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert list(rows[1]) == ["序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态"]
    assert len(rows) == 4 and rows[3][5] == "长期坚持"
    event = AuditEvent.objects.get(action="export.download")
    assert event.actor_name == "liaison" and event.data["kind"] == "rectification.ledger_xlsx"
    assert api.get("liaison", body["url"]).json()["downloaded_at"] is not None
    assert "export_ready" not in [x["kind"] for x in api.get("liaison", "/api/v1/me/todo").json()]


def test_a_job_not_done_is_409_for_its_file(api: Api, ledger: dict, settings: Any) -> None:  # noqa: F811
    settings.EXPORT_RUNNER = "thread"  # handed over on commit, which a test never reaches: it stays queued
    body = api.post("office", jobs_url(ledger["inspection"].pk)).json()
    assert body["status"] == "queued" and body["file_url"] is None and body["percent"] == 0
    ExportJob.objects.update(status=ExportStatus.RUNNING, done=1, total=2, heartbeat_at=timezone.now())
    assert api.get("office", body["url"]).json()["percent"] == 50
    r = api.get("office", f"{body['url']}/file")
    assert r.status_code == 409 and "尚未完成" in r.json()["detail"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_start_and_only_the_owner_sees_the_job(api: Api, ledger: dict, persona: str) -> None:  # noqa: F811
    r = api.post(persona, jobs_url(ledger["inspection"].pk))
    assert r.status_code == (202 if persona in READERS else 404)
    job = api.post("office", jobs_url(ledger["inspection"].pk)).json() if persona != "office" else r.json()
    if persona != "office":
        assert api.get(persona, job["url"]).status_code == 404
        assert api.get(persona, job["file_url"]).status_code == 404
        assert job["id"] not in [j["id"] for j in api.get(persona, "/api/v1/me/exports").json()]
    else:
        assert api.get(persona, job["url"]).status_code == 200


def test_no_token_is_401(api: Api, ledger: dict) -> None:  # noqa: F811
    job = api.post("office", jobs_url(ledger["inspection"].pk)).json()
    for r in (api.post(None, jobs_url(ledger["inspection"].pk)), api.get(None, job["url"]), api.get(None, job["file_url"]),
              api.get(None, "/api/v1/me/exports")):
        assert r.status_code == 401
