"""The auditor's pages: the log (/audit/), chain verification (/audit/verify/), CSV export (/audit/export.csv)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HEADER = ["编号", "时间", "操作人", "操作代码", "操作", "对象类型代码", "对象类型", "对象编号", "摘要", "来源地址", "前序哈希", "哈希"]


def _csv_rows(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_auditor_reaches_the_log(clients: Any, demo: dict[str, Any], persona: str) -> None:
    client = clients[persona]
    events_before = AuditEvent.objects.count()
    responses = [client.get("/audit/"), client.post("/audit/verify/"), client.get("/audit/export.csv")]
    if persona == "auditor":
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert AuditEvent.objects.count() == events_before + 2  # the verification and the export are logged
        return
    expected = 302 if persona == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected] * 3
    assert AuditEvent.objects.count() == events_before


def test_verify_is_post_only(clients: Any) -> None:
    assert clients["auditor"].get("/audit/verify/").status_code == 405


def test_the_list_shows_events_newest_first(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["auditor"].get("/audit/").content.decode()
    assert f"共 {AuditEvent.objects.count()} 条" in html
    newest = AuditEvent.objects.order_by("-id").first()
    assert f"<td>{newest.pk}</td>" in html
    assert html.count("<tr><td>") == 50  # one page


@pytest.mark.parametrize(("params", "check"), [
    ({"action": "channel."}, lambda e: e.action.startswith("channel.")),
    ({"action": "inspection.create"}, lambda e: e.action == "inspection.create"),
    ({"actor": "sysadmin"}, lambda e: "sysadmin" in e.actor_name),
    ({"object_type": "inspections.team"}, lambda e: e.object_type == "inspections.team"),
    ({"q": "防城港"}, lambda e: "防城港" in e.summary),
])
def test_filters(clients: Any, demo: dict[str, Any], params: dict[str, str], check: Any) -> None:
    expected = [e for e in AuditEvent.objects.order_by("id") if check(e)]
    assert 0 < len(expected) < AuditEvent.objects.count()

    html = clients["auditor"].get("/audit/", params).content.decode()
    assert f"共 {len(expected)} 条" in html

    rows = _csv_rows(clients["auditor"].get("/audit/export.csv", params))
    assert rows[0] == HEADER
    assert [int(r[0]) for r in rows[1:]] == [e.pk for e in expected]


def test_date_filters(clients: Any, demo: dict[str, Any]) -> None:
    client = clients["auditor"]
    total = AuditEvent.objects.count()
    assert f"共 {total} 条" in client.get("/audit/", {"date_from": "2020-01-01"}).content.decode()
    assert "共 0 条" in client.get("/audit/", {"date_to": "2020-01-01"}).content.decode()
    assert "没有符合条件的事件。" in client.get("/audit/", {"date_to": "2020-01-01"}).content.decode()


def test_export_reopens_as_csv_and_is_audited(clients: Any, demo: dict[str, Any]) -> None:
    total = AuditEvent.objects.count()
    response = clients["auditor"].get("/audit/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=audit-log.csv"
    rows = _csv_rows(response)
    assert rows[0] == HEADER
    assert all(len(r) == len(HEADER) for r in rows)
    # The export logs itself before streaming, so it is part of what it exports.
    assert len(rows) - 1 == total + 1
    last = rows[-1]
    assert last[2:5] == ["auditor", "export.audit_csv", "导出审计日志"]
    first = AuditEvent.objects.order_by("id").first()
    assert rows[1][0] == str(first.pk) and rows[1][10] == first.prev_hash and rows[1][11] == first.hash


def test_verify_reports_an_intact_chain(clients: Any, demo: dict[str, Any]) -> None:
    count = AuditEvent.objects.count()
    response = clients["auditor"].post("/audit/verify/")
    html = response.content.decode()
    assert f"审计链完整：共校验 {count} 条事件。" in html
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_name, event.data["ok"], event.data["checked"]) == ("audit.verify", "auditor", True, count)


def test_verify_names_the_altered_event(clients: Any, demo: dict[str, Any]) -> None:
    victim = AuditEvent.objects.filter(action="inspection.create").order_by("id").first()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["被篡改的摘要", victim.pk])  # noqa: S608

    response = clients["auditor"].post(reverse("audit:verify"))

    html = response.content.decode()
    assert f"审计链断裂：第一个断点为事件 #{victim.pk}（内容哈希不符：该事件内容被修改）" in html
    event = AuditEvent.objects.latest("id")
    assert (event.data["ok"], event.data["broken_id"]) == (False, victim.pk)


def test_verify_names_the_event_after_a_deleted_one(clients: Any, demo: dict[str, Any]) -> None:
    events = list(AuditEvent.objects.order_by("id").values_list("pk", flat=True)[:12])
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [events[10]])  # noqa: S608
    html = clients["auditor"].post(reverse("audit:verify")).content.decode()
    assert f"第一个断点为事件 #{events[11]}（前序哈希不符" in html
