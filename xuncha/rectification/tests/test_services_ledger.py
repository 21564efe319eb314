"""Feedback and ledger services: the feedback date and its due dates, items, progress with evidence,
sign-off and return, overdue detection in working days; who may do what; audit events."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.inspections.selectors import calendar_get
from xuncha.intake import services as intake
from xuncha.intake.models import Report, ReportStatus
from xuncha.rectification.models import Evidence, Feedback, Finding, ItemStatus, RectificationItem
from xuncha.rectification.selectors import is_overdue, overdue_q, overdue_working_days
from xuncha.rectification.services import (
    ItemData,
    feedback_record,
    item_create,
    item_return,
    item_sign_off,
    item_update,
    progress_report,
    report_due_for,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def user(name: str) -> User:
    return User.objects.get(username=name)


def make_finding(inspection: Any, number: int = 1, *, state: str = "approved", focus: str = "corruption",
                 title: str = "违规收受礼品礼金") -> Finding:
    return Finding.objects.create(inspection=inspection, number=number, title=title, facts=f"问题{number}的事实：某处长收受购物卡。",
                                  rule_broken="《中国共产党纪律处分条例》第九十七条", focus=focus, state=state, created_by=user("member"))


def make_item(finding: Finding, *, actor: str = "member", deadline: dt.date | None = dt.date(2024, 12, 31), long_term: bool = False,
              dept: str = "后勤处", measures: str = "清退礼品礼金，开展警示教育") -> RectificationItem:
    return item_create(actor=user(actor), finding=finding, data=ItemData(measures=measures, responsible_leader="王副院长",
                                                                        responsible_dept=dept, deadline=deadline, long_term=long_term))


def png(name: str = "清退凭证.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def report_done(item: RectificationItem, *, status: str = "done", files: list[Any] | None = None) -> None:
    progress_report(actor=user("liaison"), item=item, text="已全部清退，召开警示教育大会。", status=status,
                    files=[png()] if files is None else files)


# --- feedback ---------------------------------------------------------------------------------------


def test_feedback_records_the_approved_findings_and_the_report_due_date(seed000: Any) -> None:
    approved = make_finding(seed000, 1)
    make_finding(seed000, 2, state="draft")
    make_finding(seed000, 3, state="submitted")
    fb = feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 10, 31))
    assert (fb.feedback_on, fb.report_due) == (dt.date(2024, 10, 31), dt.date(2024, 12, 31))
    assert list(fb.findings.all()) == [approved]
    event = AuditEvent.objects.get(action="feedback.record")
    assert event.object_id == str(fb.pk) and "反馈问题1个" in event.summary and event.actor_name == "leader"


def test_report_months_are_configurable(seed000: Any, settings: Any) -> None:
    settings.FEEDBACK_REPORT_MONTHS = 3
    make_finding(seed000)
    fb = feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 11, 30))
    assert fb.report_due == dt.date(2025, 2, 28) == report_due_for(dt.date(2024, 11, 30))


def test_feedback_sets_the_result_due_of_accepted_real_name_reports(seed000: Any, register: Any) -> None:
    real = register("学院副院长赵某收受购物卡。", reporter=intake.ReporterData(name="李明华", phone="13912345678"))
    anonymous = register("后勤处长钱某收受礼品。")
    registered = register("食堂承包商送购物卡。", reporter=intake.ReporterData(name="王五", phone="13900000000"))
    already = register("处长周某违规报销。", reporter=intake.ReporterData(name="赵六", phone="13911111111"))
    Report.objects.filter(pk__in=[real.pk, anonymous.pk, already.pk]).update(status=ReportStatus.ACCEPTED)
    Report.objects.filter(pk=already.pk).update(result_due=dt.date(2024, 10, 10))
    make_finding(seed000)
    # 2024-09-27 + 15 working days (09-29 is a working Sunday, 10-01..07 the National Day holiday, 10-12 a working Saturday).
    feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 9, 27))
    due = {r.pk: r.result_due for r in Report.objects.filter(inspection=seed000)}
    assert due[real.pk] == dt.date(2024, 10, 23)
    assert due[anonymous.pk] is None and due[registered.pk] is None and due[already.pk] == dt.date(2024, 10, 10)
    # A corrected date moves the due date it had set, and only that one.
    fb = feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 10, 8))
    assert Feedback.objects.count() == 1 and fb.report_due == dt.date(2024, 12, 8)
    due = {r.pk: r.result_due for r in Report.objects.filter(inspection=seed000)}
    assert due[real.pk] == calendar_get().add_working_days_after(dt.date(2024, 10, 8), 15) and due[already.pk] == dt.date(2024, 10, 10)
    assert AuditEvent.objects.filter(action="feedback.update").count() == 1


def test_feedback_needs_the_team_leader_and_approved_findings(seed000: Any) -> None:
    day = dt.date(2024, 10, 31)
    with pytest.raises(ValidationError) as exc:
        feedback_record(actor=user("leader"), inspection=seed000, feedback_on=day)
    assert "尚无经组长审定的问题，不能反馈。" in exc.value.messages
    make_finding(seed000)
    with pytest.raises(PermissionError):
        feedback_record(actor=user("member"), inspection=seed000, feedback_on=day)
    for outsider in ("office", "liaison", "other_leader", "auditor"):
        with pytest.raises(Http404):
            feedback_record(actor=user(outsider), inspection=seed000, feedback_on=day)
    with pytest.raises(ValidationError) as exc:
        feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date(2024, 9, 1))
    assert "反馈日期不能早于巡察进驻日期（2024年9月25日）。" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        feedback_record(actor=user("leader"), inspection=seed000, feedback_on=dt.date.today() + dt.timedelta(days=2))
    assert "反馈日期不能晚于今天，请在反馈后登记。" in exc.value.messages
    assert not Feedback.objects.exists()


# --- items ------------------------------------------------------------------------------------------


def test_items_are_numbered_per_inspection(seed000: Any, seed001: Any) -> None:
    a, b = make_finding(seed000, 1), make_finding(seed000, 2)
    c = make_finding(seed001, 1)
    items = [make_item(a), make_item(b, actor="leader", deadline=None, long_term=True), make_item(a), make_item(c)]
    assert [(i.inspection_id, i.number) for i in items] == [(seed000.pk, 1), (seed000.pk, 2), (seed000.pk, 3), (seed001.pk, 1)]
    assert items[1].long_term and items[1].deadline is None and items[0].status == ItemStatus.NOT_STARTED
    assert AuditEvent.objects.filter(action="rectification_item.create").count() == 4


def test_item_checks(seed000: Any) -> None:
    finding = make_finding(seed000)
    cases = [
        (ItemData("", "王副院长", "后勤处", dt.date(2024, 12, 31)), "请填写整改措施。"),
        (ItemData("措施", "", "后勤处", dt.date(2024, 12, 31)), "请填写责任领导。"),
        (ItemData("措施", "王副院长", " ", dt.date(2024, 12, 31)), "请填写责任部门。"),
        (ItemData("措施", "王副院长", "后勤处"), "请填写完成时限，或选择长期坚持。"),
        (ItemData("措施", "王副院长", "后勤处", dt.date(2024, 12, 31), long_term=True), "长期坚持的事项不填写完成时限。"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError) as exc:
            item_create(actor=user("member"), finding=finding, data=data)
        assert exc.value.messages == [message]
    draft = make_finding(seed000, 2, state="draft")
    with pytest.raises(ValidationError) as exc:
        make_item(draft)
    assert exc.value.messages == ["只能为经组长审定的问题建立整改事项。"]
    assert not RectificationItem.objects.exists()


@pytest.mark.parametrize("persona", ["office", "liaison", "other_member", "other_leader", "recipient", "norole"])
def test_only_the_team_creates_and_edits_items(seed000: Any, persona: str) -> None:
    finding = make_finding(seed000)
    with pytest.raises(Http404):
        make_item(finding, actor=persona)
    item = make_item(finding)
    with pytest.raises(Http404):
        item_update(actor=user(persona), item=item, data=ItemData("改", "王", "处", dt.date(2025, 1, 1)))


def test_update_records_what_changed_and_stops_at_sign_off(seed000: Any) -> None:
    item = make_item(make_finding(seed000))
    item_update(actor=user("leader"), item=item, data=ItemData("清退礼品礼金，开展警示教育", "王副院长", "纪委办公室", None, True))
    item.refresh_from_db()
    assert (item.responsible_dept, item.deadline, item.long_term) == ("纪委办公室", None, True)
    event = AuditEvent.objects.get(action="rectification_item.update")
    assert "责任部门" in event.summary and "完成时限" in event.summary and event.data["changes"]["responsible_dept"] == ["后勤处", "纪委办公室"]
    report_done(item, status="long_term")
    item_sign_off(actor=user("office"), item=item)
    with pytest.raises(ValidationError, match="已销号"):
        item_update(actor=user("leader"), item=item, data=ItemData("x", "y", "z", dt.date(2025, 1, 1)))


# --- progress, sign-off, return ----------------------------------------------------------------------


def test_liaison_reports_progress_with_evidence(seed000: Any) -> None:
    item = make_item(make_finding(seed000))
    progress_report(actor=user("liaison"), item=item, text="已制定方案。", status="in_progress")
    pdf = SimpleUploadedFile("警示教育记录.pdf", PDF, content_type="application/pdf")
    report_done(item, files=[png(), pdf])
    item.refresh_from_db()
    assert (item.status, item.progress) == (ItemStatus.DONE, "已全部清退，召开警示教育大会。")
    assert item.reports.count() == 2
    files = list(Evidence.objects.filter(progress__item=item).order_by("original_name"))
    assert [(f.original_name, f.content_type) for f in files] == [("清退凭证.png", "image/png"), ("警示教育记录.pdf", "application/pdf")]
    assert files[0].file.read() == PNG and files[0].uploaded_by.username == "liaison"
    event = AuditEvent.objects.filter(action="rectification_item.progress").latest("id")
    assert "已完成" in event.summary and "佐证材料2个" in event.summary


def test_progress_checks_and_access(seed000: Any) -> None:
    item = make_item(make_finding(seed000))
    for persona in ("member", "leader", "office"):
        with pytest.raises(PermissionError):
            progress_report(actor=user(persona), item=item, text="进展", status="done")
    for persona in ("other_liaison", "recipient", "auditor", "sysadmin", "norole"):
        with pytest.raises(Http404):
            progress_report(actor=user(persona), item=item, text="进展", status="done")
    with pytest.raises(ValidationError) as exc:
        progress_report(actor=user("liaison"), item=item, text=" ", status="signed_off",
                        files=[SimpleUploadedFile("方案.png", b"not a picture")])
    assert exc.value.messages[:2] == ["请选择整改状态：整改中、已完成或长期坚持。", "请填写进展情况。"]
    assert "“方案.png”不是可接受的文件类型" in exc.value.messages[2]
    assert not item.reports.exists()


def test_sign_off_needs_a_claim_and_evidence(seed000: Any) -> None:
    item = make_item(make_finding(seed000))
    with pytest.raises(ValidationError) as exc:
        item_sign_off(actor=user("office"), item=item)
    assert exc.value.messages == ["只有报送为“已完成”或“长期坚持”的事项可以销号，该事项目前为“未启动”。", "该事项尚无佐证材料，不能销号。"]
    report_done(item, files=[])
    with pytest.raises(ValidationError) as exc:
        item_sign_off(actor=user("office"), item=item)
    assert exc.value.messages == ["该事项尚无佐证材料，不能销号。"]
    report_done(item)
    item = item_sign_off(actor=user("office"), item=item)
    assert (item.status, item.signed_off_by.username) == (ItemStatus.SIGNED_OFF, "office") and item.signed_off_at is not None
    assert AuditEvent.objects.filter(action="rectification_item.sign_off", object_id=str(item.pk)).exists()
    with pytest.raises(ValidationError, match="已销号"):
        item_sign_off(actor=user("leader"), item=item)
    with pytest.raises(ValidationError, match="已销号"):
        report_done(item)


def test_leader_signs_off_a_long_term_item(seed000: Any) -> None:
    item = make_item(make_finding(seed000), deadline=None, long_term=True)
    report_done(item, status="long_term")
    assert item_sign_off(actor=user("leader"), item=item).status == ItemStatus.SIGNED_OFF


@pytest.mark.parametrize("persona", ["member", "liaison"])
def test_who_sees_but_may_not_sign_off(seed000: Any, persona: str) -> None:
    item = make_item(make_finding(seed000))
    report_done(item)
    with pytest.raises(PermissionError):
        item_sign_off(actor=user(persona), item=item)
    with pytest.raises(PermissionError):
        item_return(actor=user(persona), item=item, reason="材料不全")


@pytest.mark.parametrize("persona", ["other_leader", "other_member", "other_liaison", "recipient", "auditor", "sysadmin", "norole"])
def test_outsiders_get_404_on_sign_off_and_return(seed000: Any, persona: str) -> None:
    item = make_item(make_finding(seed000))
    report_done(item)
    with pytest.raises(Http404):
        item_sign_off(actor=user(persona), item=item)
    with pytest.raises(Http404):
        item_return(actor=user(persona), item=item, reason="材料不全")
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.DONE


def test_return_needs_a_reason_and_sends_the_item_back(seed000: Any) -> None:
    item = make_item(make_finding(seed000))
    with pytest.raises(ValidationError, match="只有报送为"):
        item_return(actor=user("office"), item=item, reason="材料不全")
    report_done(item)
    with pytest.raises(ValidationError) as exc:
        item_return(actor=user("office"), item=item, reason="  ")
    assert exc.value.messages == ["退回时请写明原因。"]
    item = item_return(actor=user("office"), item=item, reason="佐证材料不能证明已清退全部礼金")
    assert (item.status, item.returned_reason) == (ItemStatus.IN_PROGRESS, "佐证材料不能证明已清退全部礼金")
    assert AuditEvent.objects.get(action="rectification_item.return").summary.endswith("佐证材料不能证明已清退全部礼金")
    report_done(item)
    item.refresh_from_db()
    assert (item.status, item.returned_reason) == (ItemStatus.DONE, "")


# --- overdue ----------------------------------------------------------------------------------------


def test_overdue_in_working_days(seed000: Any) -> None:
    finding = make_finding(seed000)
    before_holiday = make_item(finding, deadline=dt.date(2024, 9, 30))
    later = make_item(finding, deadline=dt.date(2024, 10, 31))
    long_term = make_item(finding, deadline=None, long_term=True)
    done = make_item(finding, deadline=dt.date(2024, 9, 30))
    report_done(done)
    done.refresh_from_db()
    today = dt.date(2024, 10, 9)
    cal = calendar_get()
    assert [is_overdue(i, today) for i in (before_holiday, later, long_term, done)] == [True, False, False, False]
    # 10-01..10-07 is the National Day holiday: 10-08 and 10-09 are the two working days past the deadline.
    assert overdue_working_days(dt.date(2024, 9, 30), today, cal) == 2
    assert overdue_working_days(dt.date(2024, 9, 30), dt.date(2024, 10, 5), cal) == 0
    assert list(RectificationItem.objects.filter(overdue_q(today))) == [before_holiday]
    progress_report(actor=user("liaison"), item=before_holiday, text="正在整改", status="in_progress")
    assert RectificationItem.objects.filter(overdue_q(today)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_item_numbers_are_unique(demo: dict) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    finding = make_finding(demo["seed000"])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                make_item(finding)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(RectificationItem.objects.values_list("number", flat=True)) == list(range(1, 21))
