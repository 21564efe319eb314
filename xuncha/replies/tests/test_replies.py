"""Every matter answered (DESIGN §3 rule 7): due dates by working days, due and overdue lists with a
frozen "today", replies taking reports off the lists, reasons why no reply is due (recorded, audited,
proposed for anonymous reports never looked up), the portal look-up, and who reaches the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.audit.models import AuditEvent
from xuncha.inspections.selectors import calendar_get
from xuncha.intake import services
from xuncha.intake.models import ReplyExemption, Report, ReportStatus
from xuncha.replies import services as services_replies
from xuncha.replies.models import Reply
from xuncha.replies.selectors import reply_counts, reply_summary, reply_worklist
from xuncha.triage.models import Triage
from xuncha.triage.services import disposition_propose

pytestmark = pytest.mark.django_db

NOBODY = ["office", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "other_liaison", "norole"]


def real_name() -> services.ReporterData:
    return services.ReporterData(name="李明华", phone="13912345678", role="teacher")


def close(report: Report, user: Any, kind: str = "close") -> Report:
    disposition_propose(actor=user, report=report, kind=kind, reason="经核实，予以了结。", approve=True)
    return Report.objects.get(pk=report.pk)


def ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def replies_url(report: Report, tab: str = "") -> str:
    return reverse("replies:replies", args=[report.inspection_id]) + (f"?tab={tab}" if tab else "")


# --- due dates ---------------------------------------------------------------------------------------


def test_a_real_name_report_gets_both_due_dates(demo: dict, register: Any) -> None:
    report = register("反映某领导违规收受礼金", [("赵某", "副院长", "leadership")], reporter=real_name())
    # Received 2024-09-26 (Thursday); 15 working days after it, with the National Day holiday and the
    # adjusted working days 09-29 (Sunday) and 10-12 (Saturday): 2024-10-22.
    assert report.receipt_notice_due == dt.date(2024, 10, 22)
    assert report.result_due is None
    report = close(report, demo["users"]["leader"])
    expected = calendar_get().add_working_days_after(timezone.localdate(), django_settings.RESULT_NOTICE_WORKING_DAYS)
    assert report.status == ReportStatus.CLOSED and report.result_due == expected

    anonymous = close(register("匿名反映食堂承包问题"), demo["users"]["leader"])
    assert anonymous.receipt_notice_due is None and anonymous.result_due is None


def test_receipt_notice_due_then_overdue_by_working_days(demo: dict, register: Any) -> None:
    report = register("反映某领导违规收受礼金", reporter=real_name())
    anonymous = register("匿名反映，不需受理告知")
    member, pk = demo["users"]["member"], report.inspection_id
    for today, due, overdue in ((dt.date(2024, 10, 8), 1, 0), (dt.date(2024, 10, 22), 1, 0), (dt.date(2024, 10, 23), 0, 1)):
        counts = reply_counts(inspection_ids=[pk], today=today)[pk]
        assert (counts["receipt_due"], counts["receipt_overdue"]) == (due, overdue), today
        tab = "receipt_due" if due else "receipt_overdue"
        assert ids(reply_worklist(user=member, inspection=report.inspection, tab=tab, today=today)) == {report.pk}
        other = "receipt_overdue" if due else "receipt_due"
        assert not ids(reply_worklist(user=member, inspection=report.inspection, tab=other, today=today))
    assert anonymous.pk not in ids(reply_worklist(user=member, inspection=report.inspection, tab="receipt_overdue",
                                                  today=dt.date(2025, 1, 1)))


def test_result_due_then_overdue(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    report = close(register("反映某领导违规收受礼金", reporter=real_name()), leader)
    due, pk = report.result_due, report.inspection_id
    assert due is not None
    before, after = due - dt.timedelta(days=1), due + dt.timedelta(days=1)
    assert reply_counts(inspection_ids=[pk], today=before)[pk]["result_due"] == 1
    assert reply_counts(inspection_ids=[pk], today=due)[pk]["result_due"] == 1
    counts = reply_counts(inspection_ids=[pk], today=after)[pk]
    assert counts["result_due"] == 0 and counts["result_overdue"] == 1 and counts["unanswered"] == 1
    assert ids(reply_worklist(user=leader, inspection=report.inspection, tab="result_overdue", today=after)) == {report.pk}


def test_replying_takes_the_report_off_the_lists(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    report = close(register("反映某领导违规收受礼金", reporter=real_name()), leader)
    pk, late = report.inspection_id, dt.date(2030, 1, 1)
    counts = reply_counts(inspection_ids=[pk], today=late)[pk]
    assert (counts["receipt_overdue"], counts["result_overdue"], counts["unanswered"]) == (1, 1, 1)

    services_replies.reply_create(actor=leader, report=report, kind=Reply.Kind.RECEIPT, content="您反映的问题已收到。")
    counts = reply_counts(inspection_ids=[pk], today=late)[pk]
    assert (counts["receipt_overdue"], counts["result_overdue"], counts["unanswered"]) == (0, 1, 1)

    services_replies.reply_create(actor=leader, report=report, kind=Reply.Kind.RESULT, content="经核查，情况如下。")
    assert reply_counts(inspection_ids=[pk], today=late)[pk] == dict.fromkeys(counts, 0)
    for tab in ("receipt_overdue", "result_overdue", "unanswered", "exempt"):
        assert report.pk not in ids(reply_worklist(user=leader, inspection=report.inspection, tab=tab, today=late))


def test_a_result_sent_first_also_serves_as_the_receipt_notice(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    report = close(register("反映某领导违规收受礼金", reporter=real_name()), leader)
    services_replies.reply_create(actor=leader, report=report, kind=Reply.Kind.RESULT, content="经核查，情况如下。")
    counts = reply_counts(inspection_ids=[report.inspection_id], today=dt.date(2030, 1, 1))[report.inspection_id]
    assert counts["receipt_overdue"] == 0 and counts["result_overdue"] == 0


# --- reasons why no reply is due --------------------------------------------------------------------


def test_anonymous_closed_report_is_unanswered_and_the_reason_is_proposed(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    open_report = register("匿名反映，尚在办理")
    report = close(register("匿名反映食堂承包问题"), leader)
    assert services_replies.reply_exempt_proposal(report) == ReplyExemption.ANONYMOUS_UNREAD
    assert services_replies.reply_exempt_proposal(open_report) == ""
    unanswered = ids(reply_worklist(user=leader, inspection=report.inspection, tab="unanswered"))
    assert report.pk in unanswered and open_report.pk not in unanswered
    # Looked up before the handling closed: still proposed; after it: not.
    Report.objects.filter(pk=report.pk).update(last_lookup_at=timezone.now() - dt.timedelta(days=3))
    assert services_replies.reply_exempt_proposal(report) == ReplyExemption.ANONYMOUS_UNREAD
    Report.objects.filter(pk=report.pk).update(last_lookup_at=timezone.now() + dt.timedelta(minutes=1))
    assert services_replies.reply_exempt_proposal(report) == ""

    page = Client()
    page.force_login(leader)
    Report.objects.filter(pk=report.pk).update(last_lookup_at=None)
    html = page.get(replies_url(report, "unanswered")).content.decode()
    assert f'id="row-{report.pk}"' in html and "系统建议" in html and 'id="bulk-proposed"' in html
    assert reverse("intake:report", args=[report.pk]) in html


def test_exemption_is_recorded_audited_and_cleared(clients: dict, demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    report = close(register("匿名反映食堂承包问题"), leader)
    pk = report.inspection_id
    response = clients["member"].post(reverse("replies:reply_exempt", args=[report.pk]),
                                      {"reason": ReplyExemption.ANONYMOUS_UNREAD, "note": "办结后反映人未查询", "tab": "unanswered"})
    assert response.status_code == 302 and response["Location"].startswith(replies_url(report) + "?tab=unanswered")
    report.refresh_from_db()
    assert report.reply_exempt == ReplyExemption.ANONYMOUS_UNREAD and report.reply_exempt_note == "办结后反映人未查询"
    event = AuditEvent.objects.get(action="report.reply_exempt", object_id=str(report.pk))
    assert event.actor == demo["users"]["member"] and "匿名反映，反映人未凭查询码查询" in event.summary
    counts = reply_counts(inspection_ids=[pk])[pk]
    assert counts["unanswered"] == 0 and counts["exempt"] == 1
    html = clients["member"].get(replies_url(report, "exempt")).content.decode()
    assert f'id="row-{report.pk}"' in html and "办结后反映人未查询" in html

    clients["member"].post(reverse("replies:reply_exempt_clear", args=[report.pk]), {"tab": "exempt"})
    report.refresh_from_db()
    assert report.reply_exempt == "" and report.reply_exempt_note == ""
    assert AuditEvent.objects.filter(action="report.reply_exempt_clear", object_id=str(report.pk)).exists()
    assert reply_counts(inspection_ids=[pk])[pk]["unanswered"] == 1


def test_exemption_reasons_are_checked(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    real = close(register("反映某领导违规收受礼金", reporter=real_name()), leader)
    with pytest.raises(Exception, match="实名反映"):
        services_replies.reply_exempt_set(actor=leader, report=real, reason=ReplyExemption.ANONYMOUS_UNREAD)
    with pytest.raises(Exception, match="其他原因"):
        services_replies.reply_exempt_set(actor=leader, report=real, reason=ReplyExemption.OTHER, note="无")
    with pytest.raises(Exception, match="原因"):
        services_replies.reply_exempt_set(actor=leader, report=real, reason="bogus")
    services_replies.reply_exempt_set(actor=leader, report=real, reason=ReplyExemption.NO_CONTACT, note="所留电话为空号")
    real.refresh_from_db()
    assert real.reply_exempt == ReplyExemption.NO_CONTACT
    # A real-name report with a recorded reason is in no due list.
    counts = reply_counts(inspection_ids=[real.inspection_id], today=dt.date(2030, 1, 1))[real.inspection_id]
    assert counts["receipt_overdue"] == counts["result_overdue"] == counts["unanswered"] == 0 and counts["exempt"] == 1
    # Not yet closed: "never looked up" does not apply.
    still_open = register("匿名反映，尚在办理")
    with pytest.raises(Exception, match="不适用"):
        services_replies.reply_exempt_set(actor=leader, report=still_open, reason=ReplyExemption.ANONYMOUS_UNREAD)
    assert not AuditEvent.objects.filter(action="report.reply_exempt", object_id=str(still_open.pk)).exists()


def test_a_lookup_after_the_reason_was_recorded_makes_the_report_unanswered_again(demo: dict, register: Any) -> None:
    leader, seed = demo["users"]["leader"], demo["seed000"]
    result = services.report_register(actor=demo["users"]["member"], data=services.ReportInput(
        inspection=seed, content="匿名反映食堂承包问题", kind="email", channel=seed.channels.filter(kind="email").first(),
        received_at=dt.datetime(2024, 9, 26, 2, 0, tzinfo=dt.UTC)))
    report = close(result.report, leader)
    other = close(register("另一件匿名反映"), leader)
    for r in (report, other):
        services_replies.reply_exempt_set(actor=leader, report=r, reason=ReplyExemption.ANONYMOUS_UNREAD, note="未查询")
    pk = report.inspection_id
    assert reply_counts(inspection_ids=[pk])[pk]["exempt"] == 2
    assert Client().post("/p/receipt/", {"code": result.receipt_code}).status_code == 302
    report.refresh_from_db()
    assert report.last_lookup_at is not None and report.reply_exempt == "" and report.reply_exempt_note == ""
    assert Report.objects.get(pk=other.pk).reply_exempt == ReplyExemption.ANONYMOUS_UNREAD
    counts = reply_counts(inspection_ids=[pk])[pk]
    assert counts["exempt"] == 1 and counts["unanswered"] == 1
    assert report.pk in ids(reply_worklist(user=leader, inspection=report.inspection, tab="unanswered"))
    # Looked up since closing: the reason is no longer proposed, nor accepted.
    assert services_replies.reply_exempt_proposal(report) == ""
    with pytest.raises(Exception, match="不适用"):
        services_replies.reply_exempt_set(actor=leader, report=report, reason=ReplyExemption.ANONYMOUS_UNREAD)


def test_a_lookup_keeps_other_reasons(demo: dict) -> None:
    result = services.report_register(actor=None, data=services.ReportInput(
        inspection=demo["practice"], content="匿名反映某学院违规发放津贴。", kind="online"))
    Report.objects.filter(pk=result.report.pk).update(reply_exempt=ReplyExemption.REPEAT_ANSWERED, reply_exempt_note="同一事项已答复")
    Client().post("/p/receipt/", {"code": result.receipt_code})
    report = Report.objects.get(pk=result.report.pk)
    assert report.last_lookup_at is not None
    assert (report.reply_exempt, report.reply_exempt_note) == (ReplyExemption.REPEAT_ANSWERED, "同一事项已答复")


def test_a_repeat_of_an_answered_matter_is_exempted_when_closed(demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    first = register("反映某领导违规收受礼金", reporter=real_name())
    repeat = register("再次反映某领导违规收受礼金", reporter=real_name())
    Triage.objects.filter(pk=repeat.pk).update(repeat_of_answered=first)
    repeat = close(repeat, leader)
    assert repeat.reply_exempt == ReplyExemption.REPEAT_ANSWERED
    late = dt.date(2030, 1, 1)
    assert repeat.pk in ids(reply_worklist(user=leader, inspection=repeat.inspection, tab="exempt", today=late))
    for tab in ("receipt_overdue", "result_overdue", "unanswered"):
        assert repeat.pk not in ids(reply_worklist(user=leader, inspection=repeat.inspection, tab=tab, today=late))


def test_the_proposals_of_a_page_are_recorded_at_once(clients: dict, demo: dict, register: Any) -> None:
    leader = demo["users"]["leader"]
    reports = [close(register(f"匿名反映第{i}件"), leader) for i in range(3)]
    looked = reports[2]
    Report.objects.filter(pk=looked.pk).update(last_lookup_at=timezone.now() + dt.timedelta(minutes=1))
    html = clients["leader"].get(replies_url(looked, "unanswered")).content.decode()
    assert html.count('name="report"') == 2
    response = clients["leader"].post(reverse("replies:reply_exempt_bulk", args=[looked.inspection_id]),
                                      {"report": [r.pk for r in reports[:2]]})
    assert response.status_code == 302
    assert set(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("pk", "reply_exempt")) == {
        (reports[0].pk, "anonymous_unread"), (reports[1].pk, "anonymous_unread"), (looked.pk, "")}
    assert AuditEvent.objects.filter(action="report.reply_exempt").count() == 2
    # One report that does not qualify rejects the whole set.
    response = clients["leader"].post(reverse("replies:reply_exempt_bulk", args=[looked.inspection_id]), {"report": [looked.pk]})
    assert Report.objects.get(pk=looked.pk).reply_exempt == ""


# --- the portal look-up --------------------------------------------------------------------------


def test_the_portal_lookup_sets_last_lookup_at(demo: dict) -> None:
    result = services.report_register(actor=None, data=services.ReportInput(
        inspection=demo["practice"], content="匿名反映某学院违规发放津贴。", kind="online"))
    report = result.report
    assert report.last_lookup_at is None
    client = Client()
    client.post("/p/receipt/", {"code": "0000000000000000"})
    assert Report.objects.get(pk=report.pk).last_lookup_at is None
    before = timezone.now()
    response = client.post("/p/receipt/", {"code": result.receipt_code})
    assert response.status_code == 302
    looked = Report.objects.get(pk=report.pk).last_lookup_at
    assert looked is not None and before <= looked <= timezone.now()
    # Re-showing the status page within the look-up's session is not a new look-up.
    Report.objects.filter(pk=report.pk).update(last_lookup_at=before - dt.timedelta(days=1))
    assert client.get("/p/receipt/").status_code == 200
    assert Report.objects.get(pk=report.pk).last_lookup_at == before - dt.timedelta(days=1)


# --- pages and access -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_the_team_reaches_the_reply_list(clients: dict, demo: dict, register: Any, persona: str) -> None:
    report = register("反映某领导违规收受礼金", reporter=real_name())
    response = clients[persona].get(replies_url(report))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("受理告知待办", "受理告知逾期", "结果告知待办", "结果告知逾期", "未答复", "已说明无需答复"):
        assert label in html
    # Received in 2024: the receipt notice is long overdue, and that tab opens first.
    assert 'id="tab-receipt_overdue" aria-current="page"' in html and f'id="row-{report.pk}"' in html
    assert f'action="{reverse("replies:reply_exempt", args=[report.pk])}"' in html
    assert "李明华" not in html and "13912345678" not in html
    assert AuditEvent.objects.filter(action="report.reply_list", actor=demo["users"][persona]).exists()
    assert reply_summary(user=demo["users"][persona], inspection=report.inspection)["receipt_overdue"] == 1


@pytest.mark.parametrize("persona", NOBODY)
def test_everyone_else_gets_404(clients: dict, demo: dict, register: Any, persona: str) -> None:
    report = close(register("匿名反映食堂承包问题"), demo["users"]["leader"])
    client = clients[persona]
    assert client.get(replies_url(report)).status_code == 404
    assert client.post(reverse("replies:reply_exempt", args=[report.pk]),
                       {"reason": ReplyExemption.ANONYMOUS_UNREAD}).status_code == 404
    assert client.post(reverse("replies:reply_exempt_bulk", args=[report.inspection_id]), {"report": [report.pk]}).status_code == 404
    Report.objects.filter(pk=report.pk).update(reply_exempt=ReplyExemption.NO_CONTACT)
    assert client.post(reverse("replies:reply_exempt_clear", args=[report.pk])).status_code == 404
    assert Report.objects.get(pk=report.pk).reply_exempt == ReplyExemption.NO_CONTACT
    assert not AuditEvent.objects.filter(action__startswith="report.reply_exempt").exists()
    with pytest.raises(Exception):  # noqa: B017 - Http404
        services_replies.reply_exempt_clear(actor=demo["users"][persona], report=report)


def test_anonymous_visitor_is_sent_to_login(clients: dict, demo: dict, register: Any) -> None:
    report = register("匿名反映食堂承包问题")
    response = clients["anonymous"].get(replies_url(report))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_accepted_report_is_closed_once_the_feedback_is_given(demo: dict, register: Any) -> None:
    from xuncha.rectification.models import Feedback

    leader = demo["users"]["leader"]
    report = close(register("匿名反映食堂承包问题"), leader, kind="accept")
    assert report.status == ReportStatus.ACCEPTED
    pk = report.inspection_id
    assert reply_counts(inspection_ids=[pk])[pk]["unanswered"] == 0
    assert services_replies.reply_exempt_proposal(report) == ""
    Feedback.objects.create(inspection=report.inspection, feedback_on=timezone.localdate(), report_due=timezone.localdate(),
                            created_by=leader)
    assert reply_counts(inspection_ids=[pk])[pk]["unanswered"] == 1
    assert report.pk in ids(reply_worklist(user=leader, inspection=report.inspection, tab="unanswered"))
    assert services_replies.reply_exempt_proposal(report) == ReplyExemption.ANONYMOUS_UNREAD
