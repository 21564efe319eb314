"""我的导出 through the pages: the ledger's 生成导出 starts a job, the list shows it with its progress and a
download link, the download streams the .xlsx (reopened, it has the rows) and is audited with its kind;
我的待办 shows 导出已完成 until the file is downloaded. Who reaches what: only the owner (others 404,
anonymous to the login page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.exports.models import ExportJob, ExportStatus
from xuncha.rectification.tests.test_services_ledger import make_finding, make_item, report_done

pytestmark = pytest.mark.django_db

STAFF = {"office", "leader", "member"}  # the ledger page's readers (the liaison reads theirs elsewhere)


@pytest.fixture
def ledger(seed000: Any) -> dict[str, Any]:
    finding = make_finding(seed000)
    make_item(finding, deadline=dt.date(2024, 9, 30), dept="后勤处")
    done = make_item(finding, deadline=dt.date(2099, 12, 31), dept="纪委办公室", measures="建立礼品登记制度")
    report_done(done)
    return {"inspection": seed000, "finding": finding}


def start(client: Client, inspection: Any) -> Any:
    return client.post(reverse("rectification:ledger_xlsx", args=[inspection.pk]))


def todo_kinds(client: Client) -> list[str]:
    return [line.kind for line in client.get(reverse("todo:index")).context["lines"]]


def test_start_list_download(clients: dict[str, Client], ledger: dict) -> None:
    office = clients["office"]
    page = office.get(reverse("rectification:ledger", args=[ledger["inspection"].pk])).content.decode()
    assert 'id="ledger-xlsx-form"' in page and "生成导出（Excel）" in page
    r = start(office, ledger["inspection"])
    assert r.status_code == 302 and r["Location"] == reverse("exports:index")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE and job.owner.username == "office" and job.kind == "rectification.ledger_xlsx"
    assert "export_ready" in todo_kinds(office)
    page = office.get(reverse("exports:index")).content.decode()
    assert "我的导出" in page and f'id="export-{job.pk}"' in page and "已完成" in page
    assert reverse("exports:download", args=[job.pk]) in page and "hx-trigger" not in page and "style=" not in page
    r = office.get(reverse("exports:download", args=[job.pk]))
    assert r.status_code == 200 and r.streaming
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" in r["Content-Disposition"].lower()
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert list(rows[1]) == ["序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态"]
    assert len(rows) == 4 and rows[3][2] == "建立礼品登记制度"
    assert list(AuditEvent.objects.filter(action__startswith="export.").order_by("id").values_list("action", "data__kind")) == [
        ("export.start", "rectification.ledger_xlsx"), ("export.download", "rectification.ledger_xlsx")]
    # Built in the background, the ledger's own export event is there too, for its owner.
    assert AuditEvent.objects.filter(action="ledger.export", actor_name="office", data__format="xlsx").exists()
    assert "export_ready" not in todo_kinds(office)
    assert ExportJob.objects.get().downloaded_at is not None


def test_a_running_job_shows_its_progress_and_polls(clients: dict[str, Client], ledger: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"  # handed over on commit, which a test never reaches: it stays queued
    start(clients["leader"], ledger["inspection"])
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=1, total=4, heartbeat_at=timezone.now())
    page = clients["leader"].get(reverse("exports:index")).content.decode()
    assert '<progress max="100" value="25"' in page and "1/4" in page and "生成中" in page
    assert 'hx-trigger="every 2s"' in page and 'id="exports-refresh"' in page
    assert reverse("exports:download", args=[job.pk]) not in page
    fragment = clients["leader"].get(reverse("exports:index"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="export-jobs"') and "<html" not in fragment
    r = clients["leader"].get(reverse("exports:download", args=[job.pk]))
    assert r.status_code == 409 and "尚未完成" in r.content.decode()
    assert "export_ready" not in todo_kinds(clients["leader"])


def test_a_failed_job_shows_its_reason(clients: dict[str, Client], ledger: dict, settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    start(clients["member"], ledger["inspection"])
    ExportJob.objects.update(status=ExportStatus.FAILED, error="导出在生成过程中中断（服务进程已停止），请重新生成。")
    page = clients["member"].get(reverse("exports:index")).content.decode()
    assert "失败：导出在生成过程中中断" in page and "hx-trigger" not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_owner_reaches_a_job(clients: dict[str, Client], ledger: dict, persona: str) -> None:
    start(clients["office"], ledger["inspection"])
    job = ExportJob.objects.get()
    url = reverse("exports:download", args=[job.pk])
    page = clients[persona].get(reverse("exports:index"))
    assert page.status_code == 200
    if persona == "office":
        assert clients[persona].get(url).status_code == 200 and f'id="export-{job.pk}"' in page.content.decode()
    else:
        assert clients[persona].get(url).status_code == 404 and f'id="export-{job.pk}"' not in page.content.decode()
        assert "export_ready" not in [line.kind for line in page.context.get("lines", [])]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_start_the_ledger_export(clients: dict[str, Client], ledger: dict, persona: str) -> None:
    r = start(clients[persona], ledger["inspection"])
    assert r.status_code == (302 if persona in STAFF else 404)
    assert ExportJob.objects.filter(owner__username=persona).count() == (1 if persona in STAFF else 0)
    # A GET starts nothing (the route is POST only, like every write; it tells nothing of the inspection).
    assert clients[persona].get(reverse("rectification:ledger_xlsx", args=[ledger["inspection"].pk])).status_code == 405


def test_the_owner_who_lost_the_right_gets_a_404(clients: dict[str, Client], ledger: dict, demo: dict) -> None:
    start(clients["member"], ledger["inspection"])
    job = ExportJob.objects.get()
    from xuncha.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=demo["users"]["member"]).delete()
    assert clients["member"].get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_anonymous_goes_to_login(clients: dict[str, Client], ledger: dict) -> None:
    start(clients["office"], ledger["inspection"])
    job = ExportJob.objects.get()
    for url in (reverse("exports:index"), reverse("exports:download", args=[job.pk])):
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login")), url
    r = clients["anonymous"].post(reverse("rectification:ledger_xlsx", args=[ledger["inspection"].pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


def test_an_expired_job_is_gone(clients: dict[str, Client], ledger: dict) -> None:
    start(clients["office"], ledger["inspection"])
    job = ExportJob.objects.get()
    ExportJob.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert clients["office"].get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert f'id="export-{job.pk}"' not in clients["office"].get(reverse("exports:index")).content.decode()
    assert "export_ready" not in todo_kinds(clients["office"])


def test_a_second_click_does_not_start_a_second_job(clients: dict[str, Client], ledger: dict, seed001: Any,
                                                     settings: Any) -> None:
    settings.EXPORT_RUNNER = "thread"
    start(clients["office"], ledger["inspection"])
    r = start(clients["office"], ledger["inspection"])
    assert r.status_code == 302 and ExportJob.objects.count() == 1
    settings.EXPORT_MAX_ACTIVE = 1
    r = clients["office"].post(reverse("rectification:ledger_xlsx", args=[seed001.pk]), follow=True)
    assert "已有1个导出正在生成" in r.content.decode() and ExportJob.objects.count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_audit_log_as_a_background_csv_is_the_auditor_s(clients: dict[str, Client], persona: str) -> None:
    page = clients["auditor"].get(reverse("audit:list"), {"actor": "office"}).content.decode()
    assert 'id="audit-export-job"' in page and 'name="actor" value="office"' in page
    r = clients[persona].post(reverse("exports:start"), {"kind": "audit.csv", "actor": "office"})
    if persona != "auditor":
        assert r.status_code == 404 and not ExportJob.objects.exists()
        return
    assert r.status_code == 302 and r["Location"] == reverse("exports:index")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE and job.title == "审计日志（CSV），已筛选" and job.params == {"actor": "office"}
    body = b"".join(clients["auditor"].get(reverse("exports:download", args=[job.pk])).streaming_content)
    assert body.startswith("\ufeff编号,时间,操作人".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    assert rows and all("office" in row[2] for row in rows)  # 操作人 contains the filter
    assert AuditEvent.objects.filter(action="export.audit_csv", actor_name="auditor", summary__startswith="后台导出审计日志").exists()
    assert clients["office"].get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_a_form_start_with_a_bad_filter_or_an_unknown_kind(clients: dict[str, Client]) -> None:
    r = clients["auditor"].post(reverse("exports:start"), {"kind": "audit.csv", "date_from": "昨天"}, follow=True)
    assert r.status_code == 200 and "日期" in r.content.decode() and not ExportJob.objects.exists()
    assert clients["auditor"].post(reverse("exports:start"), {"kind": "no.such"}).status_code == 404
    assert clients["auditor"].get(reverse("exports:start")).status_code == 405
    # The ledger's parameters come from its own page; typed into a form they are text, and not found.
    assert clients["office"].post(reverse("exports:start"), {"kind": "rectification.ledger_xlsx", "inspection": "1"}).status_code == 404
