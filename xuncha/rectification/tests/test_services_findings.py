"""Services and selectors of findings and immediate-rectification notices: numbering, evidence
checks, the leader's decisions, the rule-6 conditions for issuing, the liaison's answer with evidence,
candidates from duplicate groups, what the liaison sees, overdue notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.errors import NotAllowed
from xuncha.inspections.selectors import calendar_get
from xuncha.intake import services as intake
from xuncha.portal.tests.files import exe_bytes, pdf_bytes, png_bytes
from xuncha.rectification import selectors as sel
from xuncha.rectification import services as svc
from xuncha.rectification.models import Evidence, Finding, ImmediateNotice, NoticeAnswer
from xuncha.triage.models import DuplicateGroup

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"
CANTEEN_AGAIN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大，希望巡察组关注。"
ZHAO = [("赵某", "副院长", "leadership")]


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def group(register) -> DuplicateGroup:
    """Three anonymous reports of the same matter (email, phone, email): 3 distinct reporters, 2 channels, in scope."""
    a = register(GIFT, ZHAO, kind="email")
    register(GIFT_REWORDED, kind="phone")
    register(GIFT, kind="email")
    return DuplicateGroup.objects.get(key=a.pk)


def finding_data(**kw: Any) -> svc.FindingData:
    values: dict[str, Any] = {"title": "违规收受礼金", "facts": "经查，赵某收受购物卡3张。", "rule_broken": "《中国共产党纪律处分条例》第九十七条",
                              "focus": "corruption", "disciplines": ["integrity"]}
    values.update(kw)
    return svc.FindingData(**values)


def notice_data(**kw: Any) -> svc.NoticeData:
    values: dict[str, Any] = {"title": "职称评审收受礼金", "problem": "职称评审中存在收受礼金问题。", "suggestion": "立即退还并开展专项整治。",
                              "clear_violation": True, "fixable": True}
    values.update(kw)
    return svc.NoticeData(**values)


def issued(seed000: Any, group: DuplicateGroup) -> ImmediateNotice:
    notice = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    return svc.notice_issue(actor=user("leader"), notice=notice)


# Findings

def test_findings_are_numbered_per_inspection_with_their_evidence(register, seed000, seed001) -> None:
    r = register(GIFT, ZHAO)
    intake.report_add_information(report=r, content="照片", files=[SimpleUploadedFile("p.png", png_bytes())],
                                  by_reporter=False, actor=user("member"))
    att = r.attachments.get()
    f1 = svc.finding_create(actor=user("member"), inspection=seed000, data=finding_data(reports=[r], attachments=[att],
                                                                                       interview_notes="与赵某谈话"))
    f2 = svc.finding_create(actor=user("leader"), inspection=seed000, data=finding_data(title="其他问题", disciplines=[]))
    f3 = svc.finding_create(actor=user("leader"), inspection=seed001, data=finding_data())
    assert (f1.number, f2.number, f3.number) == (1, 2, 1)
    assert list(f1.reports.all()) == [r] and list(f1.attachments.all()) == [att] and f1.state == Finding.State.DRAFT
    event = AuditEvent.objects.filter(action="finding.create").order_by("id").first()
    assert event is not None and event.object_id == str(f1.pk) and event.data == {"reports": [r.pk], "attachments": [att.pk]}


def test_evidence_must_come_from_the_same_inspection_and_its_reports(register, seed000, seed001) -> None:
    mine = register(GIFT, ZHAO)
    other = register(GIFT, ZHAO, inspection=seed001, received_at=dt.datetime(2024, 3, 7, 2, tzinfo=dt.UTC))
    intake.report_add_information(report=other, content="", files=[SimpleUploadedFile("a.pdf", pdf_bytes())],
                                  by_reporter=False, actor=user("member"))
    with pytest.raises(ValidationError, match="不属于本巡察任务"):
        svc.finding_create(actor=user("member"), inspection=seed000, data=finding_data(reports=[other]))
    with pytest.raises(ValidationError, match="不属于所关联的信访件"):
        svc.finding_create(actor=user("member"), inspection=seed000,
                           data=finding_data(reports=[mine], attachments=list(other.attachments.all())))
    with pytest.raises(ValidationError) as exc:
        svc.finding_create(actor=user("member"), inspection=seed000, data=finding_data(title=" ", focus="x", disciplines=["bad"]))
    assert {"请填写问题。", "请选择聚焦领域。", "违反纪律的选项无效。"} <= set(exc.value.messages)
    assert not Finding.objects.exists()


@pytest.mark.parametrize("persona", ["office", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"])
def test_only_the_team_writes_findings(seed000, persona) -> None:
    with pytest.raises(Http404):
        svc.finding_create(actor=user(persona), inspection=seed000, data=finding_data())


def test_submit_return_edit_and_approve(seed000) -> None:
    f = svc.finding_create(actor=user("member"), inspection=seed000, data=finding_data())
    with pytest.raises(ValidationError, match="不在待审定状态"):
        svc.finding_decide(actor=user("leader"), finding=f, approve=True)
    f = svc.finding_submit(actor=user("member"), finding=f)
    with pytest.raises(ValidationError, match="不能修改"):
        svc.finding_update(actor=user("member"), finding=f, data=finding_data(title="改"))
    with pytest.raises(NotAllowed, match="只有本巡察组组长"):
        svc.finding_decide(actor=user("member"), finding=f, approve=True)
    with pytest.raises(ValidationError, match="请写明意见"):
        svc.finding_decide(actor=user("leader"), finding=f, approve=False)
    f = svc.finding_decide(actor=user("leader"), finding=f, approve=False, note="事实不清，补充谈话记录")
    assert (f.state, f.return_note) == (Finding.State.RETURNED, "事实不清，补充谈话记录")
    f = svc.finding_update(actor=user("member"), finding=f, data=finding_data(interview_notes="补充谈话"))
    f = svc.finding_submit(actor=user("member"), finding=f)
    f = svc.finding_decide(actor=user("leader"), finding=f, approve=True)
    assert (f.state, f.approved_by, f.return_note) == (Finding.State.APPROVED, user("leader"), "")
    actions = list(AuditEvent.objects.filter(object_id=str(f.pk), action__startswith="finding.").order_by("id").values_list("action", flat=True))
    assert actions == ["finding.create", "finding.submit", "finding.return", "finding.update", "finding.submit", "finding.approve"]


# Notices

def test_a_notice_from_a_group_links_all_its_reports_once(seed000, group) -> None:
    n = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    assert (n.number, n.group_key, n.reports.count(), n.state) == (1, group.key, 3, ImmediateNotice.State.DRAFT)
    assert n.deadline_days == 10
    with pytest.raises(ValidationError, match="已有立行立改通知"):
        svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    assert AuditEvent.objects.filter(action="notice.create", object_id=str(n.pk)).exists()


def test_a_notice_from_chosen_reports_and_its_checks(register, seed000, seed001, group) -> None:
    r = register(CANTEEN)
    with override_settings(NOTICE_DEFAULT_WORKING_DAYS=7):
        n = svc.notice_create(actor=user("leader"), inspection=seed000, data=notice_data(), reports=[r])
    assert (n.number, n.group_key, list(n.reports.all()), n.deadline_days) == (1, None, [r], 7)
    with pytest.raises(ValidationError, match="请选择重复件组或相关信访件"):
        svc.notice_create(actor=user("leader"), inspection=seed000, data=notice_data())
    with pytest.raises(ValidationError, match="不属于本巡察任务"):
        svc.notice_create(actor=user("leader"), inspection=seed001, data=notice_data(), group_key=group.key)
    with pytest.raises(ValidationError, match="整改期限应为"):
        svc.notice_create(actor=user("leader"), inspection=seed000, data=notice_data(deadline_days=0), reports=[r])
    with pytest.raises(Http404):
        svc.notice_create(actor=user("other_leader"), inspection=seed000, data=notice_data(), reports=[r])


@pytest.mark.parametrize(("clear_violation", "fixable"), [(False, False), (True, False), (False, True)])
def test_a_notice_is_not_issued_without_both_marks(seed000, group, clear_violation, fixable) -> None:
    n = svc.notice_create(actor=user("member"), inspection=seed000, group_key=group.key,
                          data=notice_data(clear_violation=clear_violation, fixable=fixable))
    with pytest.raises(ValidationError, match="明显违反规定、能够立即整改"):
        svc.notice_issue(actor=user("leader"), notice=n)
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.DRAFT and n.due_on is None
    n = svc.notice_update(actor=user("member"), notice=n, data=notice_data(deadline_days=5))
    n = svc.notice_issue(actor=user("leader"), notice=n)
    assert n.state == ImmediateNotice.State.ISSUED


def test_the_leader_issues_with_a_due_date_in_working_days(seed000, group) -> None:
    n = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(deadline_days=5), group_key=group.key)
    with pytest.raises(NotAllowed, match="只有本巡察组组长"):
        svc.notice_issue(actor=user("member"), notice=n)
    n = svc.notice_issue(actor=user("leader"), notice=n)
    assert n.due_on == calendar_get().add_working_days_after(timezone.localdate(), 5)
    assert (n.state, n.issued_by) == (ImmediateNotice.State.ISSUED, user("leader"))
    with pytest.raises(ValidationError, match="已签发"):
        svc.notice_update(actor=user("member"), notice=n, data=notice_data())
    assert AuditEvent.objects.filter(action="notice.issue", object_id=str(n.pk)).exists()


def test_the_liaison_answers_with_evidence_and_the_leader_checks(seed000, group) -> None:
    n = issued(seed000, group)
    liaison = user("liaison")
    for outsider in ("other_liaison", "member", "leader", "office"):
        with pytest.raises(Http404):
            svc.notice_answer(actor=user(outsider), notice=n, measures="已整改")
    answer = svc.notice_answer(actor=liaison, notice=n, measures="已退还礼金，开展专项整治。",
                               files=[SimpleUploadedFile("整改报告.pdf", pdf_bytes()), SimpleUploadedFile("照片.png", png_bytes())])
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.ANSWERED
    files = list(answer.files.all())
    assert [(e.original_name, e.content_type) for e in files] == [("整改报告.pdf", "application/pdf"), ("照片.png", "image/png")]
    assert files[0].file.read().startswith(b"%PDF-")
    with pytest.raises(ValidationError, match="不能答复"):
        svc.notice_answer(actor=liaison, notice=n, measures="再次答复")
    with pytest.raises(NotAllowed, match="只有本巡察组组长"):
        svc.notice_decide(actor=user("member"), notice=n, accept=True)
    with pytest.raises(ValidationError, match="请写明原因"):
        svc.notice_decide(actor=user("leader"), notice=n, accept=False)
    first = svc.notice_decide(actor=user("leader"), notice=n, accept=False, note="佐证材料不足")
    n.refresh_from_db()
    assert (n.state, first.decision, first.decision_note) == (ImmediateNotice.State.RETURNED, "returned", "佐证材料不足")
    svc.notice_answer(actor=liaison, notice=n, measures="补充制度文件。", files=[SimpleUploadedFile("制度.pdf", pdf_bytes())])
    second = svc.notice_decide(actor=user("leader"), notice=n, accept=True)
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.ACCEPTED and second.pk != first.pk and second.decision == "accepted"
    assert NoticeAnswer.objects.filter(notice=n).count() == 2 and Evidence.objects.count() == 3
    actions = list(AuditEvent.objects.filter(object_id=str(n.pk), action__startswith="notice.").order_by("id").values_list("action", flat=True))
    assert actions == ["notice.create", "notice.issue", "notice.answer", "notice.return", "notice.answer", "notice.accept"]


def test_a_draft_cannot_be_answered_and_a_bad_file_stores_nothing(seed000, group) -> None:
    n = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    with pytest.raises(Http404):
        svc.notice_answer(actor=user("liaison"), notice=n, measures="已整改")
    n = svc.notice_issue(actor=user("leader"), notice=n)
    with pytest.raises(ValidationError, match="不是可接受的文件类型"):
        svc.notice_answer(actor=user("liaison"), notice=n, measures="已整改", files=[SimpleUploadedFile("a.exe", exe_bytes())])
    with pytest.raises(ValidationError, match="请填写整改措施"):
        svc.notice_answer(actor=user("liaison"), notice=n, measures=" ")
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.ISSUED and not NoticeAnswer.objects.exists() and not Evidence.objects.exists()


# Selectors

def test_candidates_are_in_scope_groups_with_many_reporters_without_a_notice(register, seed000, group) -> None:
    register(CANTEEN, [("钱某", "食堂员工", "other")])   # out of scope: a group of 2, not a candidate
    register(CANTEEN_AGAIN)
    register("图书馆空调坏了很久没人修。")                  # a single report: no group
    rows = list(sel.notice_candidates(user=user("member"), inspection=seed000))
    assert [(g.key, g.size, g.reporters, g.channels, g.in_scope) for g in rows] == [(group.key, 3, 3, 2, 1)]
    assert sel.notice_candidates(user=user("member"), inspection=seed000, min_reporters=4).count() == 0
    svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    assert sel.notice_candidates(user=user("member"), inspection=seed000).count() == 0
    for outsider in ("office", "liaison", "other_member"):
        with pytest.raises(Http404):
            sel.notice_candidates(user=user(outsider), inspection=seed000)


def test_a_group_is_a_candidate_when_any_member_is_in_scope(register, seed000) -> None:
    a = register(GIFT)                                     # scope pending (no subject)
    b = register(GIFT_REWORDED, ZHAO, kind="phone")        # in scope
    assert (a.triage.scope, b.triage.scope, b.triage.group_key) == ("pending", "in", a.pk)
    rows = list(sel.notice_candidates(user=user("leader"), inspection=seed000))
    assert [g.key for g in rows] == [a.pk]


def test_reports_by_reference(register, seed000) -> None:
    a, b = register(GIFT), register(CANTEEN)
    found, unknown = sel.reports_by_reference(user=user("member"), inspection=seed000,
                                              text=f"{b.reference}，{a.number}、 99999 {seed000.pk + 1000}-00001 x")
    assert found == [a, b]
    assert set(unknown) == {"99999", f"{seed000.pk + 1000}-00001", "x"}


def test_the_liaison_sees_issued_notices_of_their_organisation_only(seed000, group, register) -> None:
    draft = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(title="草稿"), reports=[register(CANTEEN)])
    n = issued(seed000, group)
    assert list(sel.liaison_notices(user=user("liaison"))) == [n]
    assert not sel.liaison_notices(user=user("other_liaison")).exists()
    with pytest.raises(Http404):
        sel.liaison_notice_get(user=user("liaison"), pk=draft.pk)
    with pytest.raises(Http404):
        sel.liaison_notice_get(user=user("other_liaison"), pk=n.pk)
    assert sel.team_notice_get(user=user("office"), pk=draft.pk) == draft
    with pytest.raises(Http404):
        sel.finding_list(user=user("office"), inspection=seed000)


def test_overdue_notices_are_issued_not_accepted_and_past_due(seed000, group, register) -> None:
    n = issued(seed000, group)
    assert n.due_on is not None
    later = n.due_on + dt.timedelta(days=1)
    assert list(sel.overdue_notices_all(today=n.due_on)) == []
    assert list(sel.overdue_notices_all(today=later)) == [n]
    assert list(sel.overdue_notices(user=user("liaison"), today=later)) == [n]
    assert list(sel.overdue_notices(user=user("office"), today=later)) == [n]
    assert list(sel.overdue_notices(user=user("other_leader"), today=later)) == []
    svc.notice_answer(actor=user("liaison"), notice=n, measures="已整改")
    svc.notice_decide(actor=user("leader"), notice=n, accept=True)
    assert list(sel.overdue_notices_all(today=later)) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_findings_and_notices_take_distinct_numbers(demo: dict) -> None:
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    seed = demo["seed000"]
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            actor = user(name)
            for i in range(4):
                f = svc.finding_create(actor=actor, inspection=seed, data=finding_data(title=f"{name}{i}"))
                svc.notice_create(actor=actor, inspection=seed, data=notice_data(title=f"{name}{i}"),
                                  reports=list(f.reports.all()) or [seed.reports.first()])
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    from xuncha.intake.services import ReportInput, report_register

    report_register(actor=user("member"), data=ReportInput(inspection=seed, content=GIFT, kind="email",
                                                           channel=seed.channels.get(kind="email")))
    threads = [threading.Thread(target=work, args=(name,)) for name in ("leader", "member", "leader", "member")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(Finding.objects.filter(inspection=seed).values_list("number", flat=True)) == list(range(1, 17))
    assert sorted(ImmediateNotice.objects.filter(inspection=seed).values_list("number", flat=True)) == list(range(1, 17))
