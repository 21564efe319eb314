"""Team and office pages: feedback, the ledger with filters and overdue flags, items, sign-off and return,
exports, the overdue list and notifications; who reaches them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services as planning
from xuncha.inspections.models import Office
from xuncha.inspections.selectors import calendar_get, calendar_of
from xuncha.rectification.models import Evidence, Feedback, ItemStatus, RectificationItem
from xuncha.rectification.selectors import overdue_working_days

from .test_services_ledger import PNG, make_finding, make_item, report_done

pytestmark = pytest.mark.django_db

STAFF = {"office", "leader", "member"}
OUTSIDERS = [p for p in PERSONAS if p not in STAFF]


@pytest.fixture
def ledger(seed000: Any) -> dict[str, Any]:
    finding = make_finding(seed000)
    late = make_item(finding, deadline=dt.date(2024, 9, 30), dept="后勤处")
    done = make_item(finding, deadline=dt.date(2099, 12, 31), dept="纪委办公室", measures="建立礼品登记制度")
    report_done(done)
    return {"inspection": seed000, "finding": finding, "late": late, "done": RectificationItem.objects.get(pk=done.pk)}


def urls(ledger: dict[str, Any]) -> list[str]:
    pk, item = ledger["inspection"].pk, ledger["done"].pk
    evidence = Evidence.objects.get(progress__item_id=item).pk
    return [reverse("rectification:ledger", args=[pk]), reverse("rectification:feedback", args=[pk]),
            reverse("rectification:ledger_pdf", args=[pk]),
            reverse("rectification:ledger_item", args=[item]), reverse("rectification:ledger_evidence", args=[evidence]),
            reverse("rectification:ledger_item_new", args=[pk])]


@pytest.mark.parametrize("persona", PERSONAS)
def test_team_and_office_pages_only(clients: dict, ledger: dict, persona: str) -> None:
    codes = [clients[persona].get(url).status_code for url in urls(ledger)]
    # The .xlsx is a background export started by POST (xuncha/exports/tests/test_pages.py has its matrix).
    started = clients[persona].post(reverse("rectification:ledger_xlsx", args=[ledger["inspection"].pk])).status_code
    if persona in STAFF:
        assert codes[:5] == [200] * 5 and started == 302
        assert codes[5] == (404 if persona == "office" else 200)  # the item form is the team's
    else:
        assert codes == [404] * 6 and started == 404


def test_anonymous_goes_to_login(clients: dict, ledger: dict) -> None:
    for url in [*urls(ledger), reverse("notify:index"), reverse("rectification:overdue"), reverse("exports:index")]:
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login")), url


def test_the_ledger_page_shows_items_flags_and_forms(clients: dict, ledger: dict) -> None:
    url = reverse("rectification:ledger", args=[ledger["inspection"].pk])
    page = clients["leader"].get(url).content.decode()
    days = overdue_working_days(dt.date(2024, 9, 30), timezone.localdate(), calendar_get())
    assert page.count('class="item-row') == 2 and f"逾期{days}个工作日" in page
    assert "问题1：违规收受礼品礼金" in page and "建立礼品登记制度" in page and "已完成" in page
    assert reverse("rectification:ledger_item_sign_off", args=[ledger["done"].pk]) in page and 'id="item-form"' in page
    member = clients["member"].get(url).content.decode()
    assert "ledger-items/" in member and "/sign-off/" not in member and 'id="item-form"' in member
    office = clients["office"].get(url).content.decode()
    assert "/sign-off/" in office and 'id="item-form"' not in office


def test_filters(clients: dict, ledger: dict) -> None:
    url = reverse("rectification:ledger", args=[ledger["inspection"].pk])

    def ids(**params: str) -> set[int]:
        page = clients["member"].get(url, params).content.decode()
        return {i.pk for i in (ledger["late"], ledger["done"]) if f'id="item-{i.pk}"' in page}

    assert ids() == {ledger["late"].pk, ledger["done"].pk}
    assert ids(status="done") == {ledger["done"].pk}
    assert ids(overdue="1") == {ledger["late"].pk}
    assert ids(dept="纪委") == {ledger["done"].pk}
    assert ids(status="bogus") == {ledger["late"].pk, ledger["done"].pk}


def test_ledger_page_queries_do_not_grow_with_the_items(clients: dict, ledger: dict, django_assert_max_num_queries: Any) -> None:
    url = reverse("rectification:ledger", args=[ledger["inspection"].pk])
    clients["leader"].get(url)  # warm the calendar cache

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert clients["leader"].get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(30):
        report_done(make_item(ledger["finding"]))
    with django_assert_max_num_queries(18):
        assert clients["leader"].get(url).status_code == 200
    assert count() == few


def test_team_member_adds_and_edits_an_item(clients: dict, ledger: dict) -> None:
    pk = ledger["inspection"].pk
    r = clients["member"].post(reverse("rectification:ledger_item_new", args=[pk]), {
        "finding": ledger["finding"].pk, "measures": "开展专项治理", "responsible_leader": "李书记", "responsible_dept": "党委办公室",
        "long_term": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("rectification:ledger", args=[pk])
    item = RectificationItem.objects.get(measures="开展专项治理")
    assert (item.number, item.long_term, item.deadline) == (3, True, None)
    r = clients["member"].post(reverse("rectification:ledger_item_new", args=[pk]), {
        "finding": ledger["finding"].pk, "measures": "x", "responsible_leader": "李书记", "responsible_dept": "党委办公室"})
    assert r.status_code == 400 and "请填写完成时限，或选择长期坚持。" in r.content.decode()
    edit = reverse("rectification:ledger_item_edit", args=[item.pk])
    assert clients["office"].get(edit).status_code == 404
    r = clients["leader"].post(edit, {"measures": "开展专项治理", "responsible_leader": "李书记", "responsible_dept": "党委办公室",
                                      "deadline": "2025-06-30"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.deadline, item.long_term) == (dt.date(2025, 6, 30), False)
    assert clients["office"].post(reverse("rectification:ledger_item_new", args=[pk]), {}).status_code == 404


def test_sign_off_and_return_from_the_pages(clients: dict, ledger: dict) -> None:
    done, late = ledger["done"], ledger["late"]
    sign = reverse("rectification:ledger_item_sign_off", args=[done.pk])
    assert clients["member"].post(sign).status_code == 404
    assert clients["liaison"].post(sign).status_code == 404
    assert RectificationItem.objects.get(pk=done.pk).status == ItemStatus.DONE
    r = clients["office"].post(reverse("rectification:ledger_item_sign_off", args=[late.pk]), {"next": "ledger"}, follow=True)
    assert "只有报送为“已完成”或“长期坚持”的事项可以销号" in r.content.decode()
    r = clients["office"].post(reverse("rectification:ledger_item_return", args=[done.pk]), {"reason": ""}, follow=True)
    assert "退回时请写明原因。" in r.content.decode()
    r = clients["office"].post(reverse("rectification:ledger_item_return", args=[done.pk]), {"reason": "凭证不全"})
    assert r.status_code == 302 and r["Location"] == reverse("rectification:ledger_item", args=[done.pk])
    assert RectificationItem.objects.get(pk=done.pk).returned_reason == "凭证不全"
    report_done(done)
    r = clients["leader"].post(sign, {"next": "ledger"})
    assert r["Location"] == reverse("rectification:ledger", args=[ledger["inspection"].pk])
    item = RectificationItem.objects.get(pk=done.pk)
    assert (item.status, item.signed_off_by.username) == (ItemStatus.SIGNED_OFF, "leader")
    page = clients["office"].get(reverse("rectification:ledger_item", args=[done.pk])).content.decode()
    assert "已销号" in page and 'id="sign-off-form"' not in page


def test_item_page_history_and_audited_evidence_download(clients: dict, ledger: dict) -> None:
    done = ledger["done"]
    page = clients["member"].get(reverse("rectification:ledger_item", args=[done.pk])).content.decode()
    assert "已全部清退，召开警示教育大会。" in page and "清退凭证.png" in page and 'id="sign-off-form"' not in page
    assert 'id="sign-off-form"' in clients["office"].get(reverse("rectification:ledger_item", args=[done.pk])).content.decode()
    evidence = Evidence.objects.get(progress__item=done)
    r = clients["member"].get(reverse("rectification:ledger_evidence", args=[evidence.pk]))
    assert r.status_code == 200 and r.content == PNG and r["Content-Type"] == "image/png"
    assert "attachment; filename*=UTF-8''" in r["Content-Disposition"]
    assert AuditEvent.objects.filter(action="evidence.download", object_id=str(evidence.pk), actor_name="member").exists()


def test_exports_are_audited(clients: dict, ledger: dict) -> None:
    pk = ledger["inspection"].pk
    r = clients["office"].post(reverse("rectification:ledger_xlsx", args=[pk]), follow=True)
    [job] = r.context["page"].items  # 我的导出, the job done (the tests run it in the request)
    r = clients["office"].get(reverse("exports:download", args=[job.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=utf-8''" in r["Content-Disposition"].lower()
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][0] == "序号" and len(rows) == 4
    r = clients["leader"].get(reverse("rectification:ledger_pdf", args=[pk]))
    assert r["Content-Type"] == "application/pdf" and "建立礼品登记制度" in PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert list(AuditEvent.objects.filter(action="ledger.export").order_by("id").values_list("actor_name", "data__format")) == [
        ("office", "xlsx"), ("leader", "pdf")]


def test_feedback_page(clients: dict, seed000: Any) -> None:
    url = reverse("rectification:feedback", args=[seed000.pk])
    assert "尚无经组长审定的问题" in clients["leader"].get(url).content.decode()
    make_finding(seed000)
    assert clients["leader"].get(reverse("rectification:feedback_docx", args=[seed000.pk])).status_code == 404
    page = clients["leader"].get(url).content.decode()
    assert 'id="feedback-form"' in page and 'id="no-feedback"' in page
    assert 'id="feedback-form"' not in clients["member"].get(url).content.decode()
    assert clients["member"].post(url, {"feedback_on": "2024-10-31"}).status_code == 404
    assert clients["office"].post(url, {"feedback_on": "2024-10-31"}).status_code == 404
    r = clients["leader"].post(url, {"feedback_on": "2024-09-01"})
    assert r.status_code == 400 and "反馈日期不能早于巡察进驻日期" in r.content.decode()
    r = clients["leader"].post(url, {"feedback_on": "2024-10-31"}, follow=True)
    page = r.content.decode()
    assert "已登记反馈，整改报告应于2024-12-31前报送。" in page and "2024-10-31" in page and "更正反馈日期" in page
    assert Feedback.objects.get(inspection=seed000).report_due == dt.date(2024, 12, 31)
    r = clients["office"].get(reverse("rectification:feedback_docx", args=[seed000.pk]))
    assert r.status_code == 200 and "巡察反馈意见" in [p.text for p in Document(io.BytesIO(r.content)).paragraphs]
    assert AuditEvent.objects.filter(action="feedback.export", actor_name="office").exists()


def test_overdue_list(clients: dict, ledger: dict, seed001: Any) -> None:
    other = make_item(make_finding(seed001), deadline=dt.date(2024, 5, 1))
    page = clients["office"].get(reverse("rectification:overdue")).content.decode()
    assert page.count('class="item-row"') == 2 and f'href="{reverse("rectification:ledger_item", args=[other.pk])}"' in page
    assert clients["other_leader"].get(reverse("rectification:overdue")).content.decode().count('class="item-row"') == 0


def test_overdue_days_follow_the_calendar_of_the_inspections_office(clients: dict, ledger: dict,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    """A day the inspection's office entered as a holiday is not counted as overdue, on its ledger and on the
    overdue list across inspections; another office's holiday changes nothing."""
    inspection, office = ledger["inspection"], clients["office"]
    before = overdue_working_days(dt.date(2024, 9, 30), timezone.localdate(), calendar_get())
    a_workday = next(d for d in (dt.date(2024, 10, 8) + dt.timedelta(days=i) for i in range(30)) if calendar_get().is_working_day(d))
    admin = User.objects.get(username="office")
    other = Office.objects.exclude(pk=inspection.office_id).exclude(parent__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        planning.calendar_day_set(actor=admin, office=other, date=a_workday, kind="holiday")
    assert f"逾期{before}个工作日" in office.get(reverse("rectification:ledger", args=[inspection.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        planning.calendar_day_set(actor=admin, office=inspection.office, date=a_workday, kind="holiday", name="本办调整")
    assert overdue_working_days(dt.date(2024, 9, 30), timezone.localdate(), calendar_of(inspection)) == before - 1
    assert f"逾期{before - 1}个工作日" in office.get(reverse("rectification:ledger", args=[inspection.pk])).content.decode()
    assert f"{before - 1}个工作日" in office.get(reverse("rectification:overdue")).content.decode()
    assert f"逾期{before - 1}个工作日" in office.get(reverse("rectification:ledger_item", args=[ledger["late"].pk])).content.decode()


def test_the_due_soon_window_follows_the_calendar_of_the_inspections_office(clients: dict, ledger: dict, settings: Any,
                                                                              django_capture_on_commit_callbacks: Any) -> None:
    """An item due on the working day after the platform's reminder window is not "due soon"; once the
    inspection's office enters a holiday inside the window, its window reaches that day."""
    inspection, today = ledger["inspection"], timezone.localdate()
    platform = calendar_get()
    next_day = platform.add_working_days_after(today, settings.REMINDER_WORKING_DAYS + 1)
    item = make_item(ledger["finding"], deadline=next_day, dept="资产处")
    url = reverse("rectification:ledger", args=[inspection.pk])

    def soon() -> bool:
        return f'id="item-{item.pk}"' in clients["member"].get(url, {"due": "soon"}).content.decode()

    assert not soon()
    with django_capture_on_commit_callbacks(execute=True):
        planning.calendar_day_set(actor=User.objects.get(username="office"), office=inspection.office,
                                  date=platform.add_working_days_after(today, 1), kind="holiday", name="本办调整")
    assert soon()
