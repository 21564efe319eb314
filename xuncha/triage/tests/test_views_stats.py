"""The team's statistics page and its CSV: the figures, who may see them, and a query count that does
not grow with the number of reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.core.classify import DISCIPLINES, FOCUSES
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services as intake
from xuncha.intake.models import Report
from xuncha.triage import services as sd
from xuncha.triage.models import Clue, Referral, Scope, Triage
from xuncha.triage.selectors import cache_key, team_statistics

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
CANTEEN = "食堂承包给后勤处长孙某的亲戚，饭菜价格连续上涨，质量却越来越差，学生意见很大。"
ENROL = "招生办主任在自主招生中违规给考生加分，收取家长好处费。"
PURCHASE = "院长周某在实验设备采购中指定供应商，价格明显偏高，设备至今没有到货。"

ALLOWED = ["leader", "member"]
DENIED = ["office", "liaison", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"]


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=["leader", "member", "recipient"])}


@pytest.fixture
def figures_setup(register, seed000) -> dict[str, Any]:
    """Five reports of seed000, triaged, with every kind of disposition and hand-over."""
    u = _users()
    a = register(GIFT, [("赵某", "副院长", "leadership")], kind="email", reporter=intake.ReporterData(name="李明", phone="13912345678"))
    b = register(GIFT_REWORDED, kind="phone")  # the same matter again: a duplicate group of two reporters
    c = register(CANTEEN, [("钱某", "食堂员工", "other"), ("孙某", "后勤处长", "key_post")], kind="phone")
    d = register(ENROL, received_at=dt.datetime(2024, 12, 2, 2, tzinfo=dt.UTC))  # after the window closed
    # 17:30 UTC on 09-26 is 01:30 on 09-27 in Asia/Shanghai: counted on the 27th.
    e = register(PURCHASE, [("周某", "院长", "leadership")], kind="email", received_at=dt.datetime(2024, 9, 26, 17, 30, tzinfo=dt.UTC))

    organisation = ReceivingBody.objects.get(name="中国计量大学党委组织部")
    discipline = ReceivingBody.objects.get(name="中国计量大学纪委")
    sd.disposition_propose(actor=u["member"], report=a, kind="accept", reason="属于受理范围。")  # awaits approval
    returned = sd.disposition_propose(actor=u["member"], report=b, kind="close", reason="重复件。")
    sd.disposition_decide(actor=u["leader"], disposition=returned, approve=False, note="请与首件一并办理。")
    sd.disposition_propose(actor=u["leader"], report=c, kind="refer", body=organisation, reason="不属于受理范围。", approve=True)
    sd.disposition_propose(actor=u["leader"], report=d, kind="file", reason="期外件，存查。", approve=True)
    sd.disposition_propose(actor=u["leader"], report=e, kind="transfer", body=discipline, reason="问题线索。", approve=True)
    referral = Referral.objects.get(report=c)
    sd.handover_acknowledge(actor=u["recipient"], item=referral)
    # Signed for four months ago and still without a result: overdue.
    Referral.objects.filter(pk=referral.pk).update(acknowledged_at=timezone.now() - dt.timedelta(days=125))
    clue = Clue.objects.get(report=e)
    sd.transfer_batch_create(actor=u["leader"], inspection=seed000, body=discipline, clue_ids=[clue.pk])
    return {"reports": [a, b, c, d, e]}


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["code"]: r["count"] for r in rows}


def test_figures(figures_setup, seed000) -> None:
    leader = User.objects.get(username="leader")
    f = team_statistics(user=leader, inspection=seed000)
    assert f["total"] == 5 and f["untriaged"] == 0
    assert _counts(f["channels"]) == {"phone": 2, "sms": 0, "email": 3, "post": 0, "letterbox": 0, "visit": 0, "online": 0}
    assert _counts(f["statuses"]) == {"registered": 2, "accepted": 0, "referred": 1, "transferred": 1, "filed": 1, "closed": 0}
    assert f["window"] == {"in": 4, "out": 1}
    assert f["reporters"] == {"real_name": 1, "anonymous": 4}
    assert _counts(f["categories"]) == {"leadership": 2, "subordinate_head": 0, "key_post": 1, "other": 1, "unsure": 0, "none": 2}
    assert f["dispositions"] == {"pending": 1, "approved": 3, "returned": 1}
    assert f["referrals"] == {"total": 1, "sent": 0, "acknowledged": 1, "result": 0, "overdue": 1}
    assert f["clues"] == {"total": 1, "listed": 1, "acknowledged": 0, "result": 0, "overdue": 0}
    assert (f["handed_over"], f["overdue"]) == (2, 1)
    a = figures_setup["reports"][0]
    assert f["groups"]["count"] == 1 and f["groups"]["reports"] == 2
    assert f["groups"]["largest"]["key"] == a.pk and f["groups"]["largest"]["reporters"] == 2
    assert [(d["day"], d["count"]) for d in f["days"]] == [
        (dt.date(2024, 9, 26), 3), (dt.date(2024, 9, 27), 1), (dt.date(2024, 12, 2), 1)]
    # Labels and scope: the same counts as reading every triage row.
    rows = list(Triage.objects.filter(report__inspection=seed000))
    assert _counts(f["disciplines"]) == {c: sum(c in t.discipline_codes for t in rows) for c in DISCIPLINES}
    assert _counts(f["focuses"]) == {c: sum(c in t.focus_codes for t in rows) for c in FOCUSES}
    assert _counts(f["scopes"]) == {s: sum(t.scope == s for t in rows) for s in Scope.values}
    assert _counts(f["disciplines"])["integrity"] >= 2  # the gift reports
    assert _counts(f["scopes"])["out_of_window"] == 1


def test_untriaged_reports_are_counted_apart(figures_setup, seed000) -> None:
    Triage.objects.filter(pk=figures_setup["reports"][1].pk).delete()
    f = team_statistics(user=User.objects.get(username="member"), inspection=seed000)
    assert f["total"] == 5 and f["untriaged"] == 1 and sum(_counts(f["scopes"]).values()) == 4


def test_another_inspection_is_not_counted(figures_setup, register, seed001) -> None:
    register(GIFT, inspection=seed001)
    f = team_statistics(user=User.objects.get(username="leader"), inspection=seed001)
    assert f["total"] == 1 and f["groups"]["count"] == 0 and f["referrals"]["total"] == 0


def test_an_inspection_without_reports(clients, seed001) -> None:
    f = team_statistics(user=User.objects.get(username="member"), inspection=seed001)
    assert f["total"] == 0 and f["days"] == [] and f["groups"] == {"count": 0, "reports": 0, "largest": None, "top": []}
    assert all(r["count"] == 0 for r in f["channels"] + f["disciplines"] + f["categories"])
    response = clients["member"].get(reverse("triage:stats", args=[seed001.pk]))
    assert response.status_code == 200 and "暂无信访件" in response.content.decode()


def test_page_shows_the_figures(figures_setup, clients, seed000) -> None:
    response = clients["leader"].get(reverse("triage:stats", args=[seed000.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "按受理渠道" in html and "电子邮箱" in html and "按收件日期" in html and "2024-09-27" in html
    assert 'id="stats-csv"' in html and "逾期未反馈" in html
    assert "<script" not in html.split("</head>")[1]  # no chart script: bars are SVG
    assert 'style="' not in html  # the CSP forbids inline styles


def test_csv_has_the_same_figures_with_a_bom_and_is_audited(figures_setup, clients, seed000) -> None:
    before = AuditEvent.objects.filter(action="triage.stats_export").count()
    response = clients["member"].get(reverse("triage:stats_csv", args=[seed000.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = {(r[0], r[1]): r[2] for r in rows if len(r) == 3}
    assert cells[("概况", "信访件总数")] == "5"
    assert cells[("按受理渠道", "电子邮箱")] == "3"
    assert cells[("按被反映人类别", "领导班子成员")] == "2"
    assert cells[("转办", "逾期未反馈")] == "1"
    assert cells[("按收件日期", "2024-09-27")] == "1"
    event = AuditEvent.objects.filter(action="triage.stats_export").order_by("-id").first()
    assert AuditEvent.objects.filter(action="triage.stats_export").count() == before + 1
    assert event is not None and event.actor.username == "member" and event.object_id == str(seed000.pk)


@pytest.mark.parametrize("name", ["stats", "stats_csv", "stats_xlsx"])
@pytest.mark.parametrize("persona", ALLOWED + DENIED + ["anonymous"])
def test_access(clients, seed000, name, persona) -> None:
    url = reverse(f"triage:{name}", args=[seed000.pk])
    response = clients[persona].get(url)
    if persona in ALLOWED:
        assert response.status_code == 200
    elif persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 404


def test_denied_export_is_not_audited(clients, seed000) -> None:
    clients["other_leader"].get(reverse("triage:stats_csv", args=[seed000.pk]))
    assert not AuditEvent.objects.filter(action="triage.stats_export").exists()


def _queries(client: Any, url: str) -> int:
    cache.clear()  # the figures are cached for a minute: count the queries that compute them
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_reports(register, clients, seed000, django_assert_max_num_queries) -> None:
    client = clients["leader"]
    url = reverse("triage:stats", args=[seed000.pk])
    register(GIFT, [("赵某", "副院长", "leadership")])
    _queries(client, url)  # warm the per-process caches (sessions, content types)
    few = _queries(client, url)
    for i in range(8):
        register(f"{CANTEEN}第{i}次反映。", [(f"孙{i}", "处长", "key_post")], kind="phone" if i % 2 else "email",
                 received_at=dt.datetime(2024, 9, 27 + i % 3, 3, i, tzinfo=dt.UTC))
    many = _queries(client, url)
    assert many == few
    cache.clear()
    with django_assert_max_num_queries(25):
        client.get(url)


def test_figures_are_cached_for_a_minute_after_the_access_check(figures_setup, clients, seed000) -> None:
    leader = User.objects.get(username="leader")
    first = team_statistics(user=leader, inspection=seed000)
    reports = Report.objects.filter(inspection=seed000).count()
    with CaptureQueriesContext(connection) as ctx:
        again = team_statistics(user=User.objects.get(username="member"), inspection=seed000)
    assert again["total"] == first["total"] == reports and again["generated_at"] == first["generated_at"]
    assert len(ctx.captured_queries) <= 4  # the user, their roles, the access check: no aggregate
    # Cached or not, someone outside the team gets a 404.
    assert clients["other_leader"].get(reverse("triage:stats", args=[seed000.pk])).status_code == 404
    cache.delete(cache_key(seed000))
    assert team_statistics(user=leader, inspection=seed000)["generated_at"] > first["generated_at"]


def test_the_statistics_download_as_a_real_xlsx_with_the_csv_figures(clients, seed000, register) -> None:
    from openpyxl import load_workbook

    register("食堂承包合同未经集体研究。", [("赵某", "院长", "leadership")])
    csv_rows_ = list(csv.reader(io.StringIO(clients["member"].get(reverse("triage:stats_csv", args=[seed000.pk])).content.decode("utf-8-sig"))))
    response = clients["member"].get(reverse("triage:stats_xlsx", args=[seed000.pk]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[2] == ["分组", "项目", "件数"]
    assert [[str(v) for v in r] for r in rows[3:]] == [r for r in csv_rows_[3:]]
    assert isinstance(rows[3][2], int)  # counts are numbers, not text
    assert AuditEvent.objects.filter(action="triage.stats_export", summary__contains="XLSX").exists()
