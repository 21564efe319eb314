"""The embedded deployment's runner for real: the request that starts an export returns while the job
is still queued, a background thread (its own database connection) builds it after the commit, and the
job ends done with its file. PostgreSQL only: SQLite's in-memory test database cannot host threads."""

from __future__ import annotations

import threading
import time
from typing import IO, Any

import pytest
from django.db import connection
from django.test import Client

from xuncha.accounts.models import User
from xuncha.exports import registry
from xuncha.exports.models import ExportJob, ExportStatus
from xuncha.exports.registry import Built, Progress
from xuncha.exports.services import export_start

KIND = "test.slow"
release = threading.Event()


def _check(*, params: dict[str, Any], actor: User) -> str:
    return "慢导出"


def _build(*, params: dict[str, Any], actor: User, progress: Progress, out: IO[bytes]) -> Built:
    progress(1, 2)
    assert release.wait(10), "the test never let the builder go on"
    out.write(b"ok")
    return Built(filename="slow.txt", content_type="text/plain")


@pytest.mark.django_db(transaction=True)
def test_a_thread_builds_the_job_after_the_request_returned(settings: Any) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot host threads")
    settings.EXPORT_RUNNER = "thread"
    registry.register(KIND, title="慢导出", check=_check, builder=_build)
    release.clear()
    try:
        user = User.objects.create_user(username="exporter", password="x" * 16)
        job = export_start(actor=user, kind=KIND, params={})
        assert job.status == ExportStatus.QUEUED  # returned at once: the build is not in the caller
        deadline = time.monotonic() + 10
        while ExportJob.objects.get(pk=job.pk).status != ExportStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
        running = ExportJob.objects.get(pk=job.pk)
        assert (running.status, running.done, running.total) == (ExportStatus.RUNNING, 1, 2)
        release.set()
        while ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
        done = ExportJob.objects.get(pk=job.pk)
        assert done.status == ExportStatus.DONE and done.size == 2
        client = Client()
        client.force_login(user)
        assert b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content) == b"ok"
    finally:
        release.set()
        registry._kinds.pop(KIND, None)
