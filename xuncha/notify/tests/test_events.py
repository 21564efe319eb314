"""Each event notifies exactly the right users through xuncha.notify — and nobody else: not the other
team, not another organisation's liaison or body's recipient, not the office where it has no part, and
never a team member who declared a conflict of interest with the target. Each event is idempotent, and
no text carries a report's content, a name or an identity."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import OTHER_RECIPIENT_BODY
from xuncha.accounts.models import User
from xuncha.inspections import services as planning
from xuncha.inspections.models import Inspection, ReceivingBody, TeamMember
from xuncha.notify.models import Notification
from xuncha.notify.services import notify
from xuncha.portal.tests.files import png_bytes
from xuncha.rectification import services as rect
from xuncha.rectification.models import ImmediateNotice
from xuncha.rectification.services import events as rect_events
from xuncha.rectification.tests.test_services_ledger import make_finding, make_item
from xuncha.triage import services as triage
from xuncha.triage.models import Clue, Referral

pytestmark = pytest.mark.django_db

CONTENT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金。"
ZHAO = [("赵某", "副院长", "leadership")]
SECRETS = ("赵某", "副院长", "购物卡", "职称评审", "礼金", "李明", "后勤处", "清退")


def user(name: str) -> User:
    return User.objects.get(username=name)


def told(key_prefix: str) -> set[str]:
    return set(Notification.objects.filter(key__startswith=key_prefix).values_list("user__username", flat=True))


def texts() -> list[str]:
    return list(Notification.objects.values_list("text", flat=True))


def assert_no_secrets(inspection: Inspection) -> None:
    for text in texts():
        for secret in (*SECRETS, inspection.target.name, inspection.team.name, "member", "leader"):
            assert secret not in text, (secret, text)


@pytest.fixture
def conflicted(seed000: Inspection) -> User:
    """A leader of seed000's team (role and membership) who declared a conflict of interest with its target."""
    office = user("office")
    account = User.objects.create(username="conflicted", display_name="回避组长", email="conflicted@example.org")
    member = planning.team_member_add(actor=office, team=seed000.team, name="回避组长", position=TeamMember.Position.LEADER,
                                      user=account)
    planning.conflict_declare(actor=office, member=member, org=seed000.target, reason="配偶在该单位任职")
    assert account.roles.filter(team=seed000.team).exists()  # the role stays; the policy keeps them out
    return account


@pytest.fixture
def notice(seed000: Inspection, register: Any, conflicted: User) -> ImmediateNotice:
    report = register(CONTENT, ZHAO)
    draft = rect.notice_create(actor=user("member"), inspection=seed000, reports=[report], data=rect.NoticeData(
        title="职称评审收受礼金", problem="职称评审中存在收受申报人礼金的问题。", suggestion="立即清退礼金。",
        clear_violation=True, fixable=True))
    assert not Notification.objects.exists()  # a draft tells nobody
    return draft


def test_a_notice_issued_tells_the_targets_liaisons_only(notice: ImmediateNotice, seed000: Inspection) -> None:
    issued = rect.notice_issue(actor=user("leader"), notice=notice)
    assert told("notice-issued:") == {"liaison"}  # not other_liaison, not the team, not the office
    note = Notification.objects.get()
    assert note.url == f"/target/notices/{notice.pk}/" and f"第{issued.number}号" in note.text
    assert f"{issued.due_on:%Y-%m-%d}" in note.text
    assert_no_secrets(seed000)
    rect_events.notice_issued(seed000, issued)  # again: nothing new
    assert Notification.objects.count() == 1


def test_an_answer_tells_the_team_and_a_return_tells_the_liaison(notice: ImmediateNotice, seed000: Inspection) -> None:
    notice = rect.notice_issue(actor=user("leader"), notice=notice)
    answer = rect.notice_answer(actor=user("liaison"), notice=notice, measures="已清退礼金。",
                                files=[SimpleUploadedFile("凭证.png", png_bytes(), content_type="image/png")])
    assert told("notice-answered:") == {"leader", "member"}  # not conflicted, not the other team, not the office
    assert "附佐证材料1份" in Notification.objects.get(key=f"notice-answered:{answer.pk}", user__username="member").text
    rect.notice_decide(actor=user("leader"), notice=notice, accept=False, note="佐证不足")
    notice.refresh_from_db()
    assert told("notice-returned:") == {"liaison"}
    again = rect.notice_answer(actor=user("liaison"), notice=notice, measures="补充材料。")
    assert Notification.objects.filter(key=f"notice-answered:{again.pk}").count() == 2  # a new answer, a new notice
    notice.refresh_from_db()
    rect.notice_decide(actor=user("leader"), notice=notice, accept=True)
    assert Notification.objects.filter(key__startswith="notice-returned:").count() == 1  # acceptance tells nobody
    assert_no_secrets(seed000)


def test_progress_tells_the_team_and_the_office_when_it_awaits_sign_off(seed000: Inspection, conflicted: User) -> None:
    item = make_item(make_finding(seed000))
    assert not Notification.objects.exists()
    working = rect.progress_report(actor=user("liaison"), item=item, text="正在清退。", status="in_progress")
    assert set(Notification.objects.filter(key=f"progress:{working.pk}").values_list("user__username", flat=True)) == {"leader", "member"}
    done = rect.progress_report(actor=user("liaison"), item=item, text="已全部清退。", status="done",
                                files=[SimpleUploadedFile("凭证.png", png_bytes(), content_type="image/png")])
    notes = Notification.objects.filter(key=f"progress:{done.pk}")
    assert set(notes.values_list("user__username", flat=True)) == {"leader", "member", "office"}
    assert all(n.url == f"/rectification/ledger-items/{item.pk}/" and "待核查销号" in n.text for n in notes)
    assert_no_secrets(seed000)


def test_a_proposal_tells_the_leader_and_its_return_the_proposer(register: Any, seed000: Inspection, conflicted: User) -> None:
    report = register(CONTENT, ZHAO)
    proposed = triage.disposition_propose(actor=user("member"), report=report, kind="close", reason="反映内容不实")
    assert told("disposition-proposed:") == {"leader"}  # not the conflicted leader, not other_leader
    note = Notification.objects.get(key=f"disposition-proposed:{proposed.pk}")
    assert report.reference in note.text and note.url == f"/triage/reports/{report.pk}/"
    triage.disposition_decide(actor=user("leader"), disposition=proposed, approve=False, note="请补充核实情况")
    assert told("disposition-returned:") == {"member"}
    second = triage.disposition_propose(actor=user("member"), report=report, kind="close", reason="经核实不实")
    triage.disposition_decide(actor=user("leader"), disposition=second, approve=True)
    assert Notification.objects.filter(key__startswith="disposition-returned:").count() == 1  # approval tells nobody new
    assert Notification.objects.filter(key=f"disposition-proposed:{second.pk}").count() == 1
    assert_no_secrets(seed000)


def test_a_leaders_own_proposal_approved_at_once_tells_no_leader(register: Any) -> None:
    report = register(CONTENT, ZHAO)
    triage.disposition_propose(actor=user("leader"), report=report, kind="close", reason="不实", approve=True)
    assert not Notification.objects.filter(key__startswith="disposition-").exists()


def test_a_referral_and_a_transfer_list_tell_the_bodys_recipients_and_results_the_leader(
        register: Any, seed000: Inspection, conflicted: User) -> None:
    body = ReceivingBody.objects.get(name=OTHER_RECIPIENT_BODY)  # the demo recipient and other_recipient receive for it
    other_body = ReceivingBody.objects.exclude(name=OTHER_RECIPIENT_BODY).first()
    assert other_body is not None
    referred = register(CONTENT, ZHAO)
    triage.disposition_propose(actor=user("leader"), report=referred, kind="refer", reason="后勤管理问题", body=other_body,
                               approve=True)
    referral = Referral.objects.get(report=referred)
    assert told("referral:") == {"recipient"}  # not other_recipient: another body
    assert Notification.objects.get(key=f"referral:{referral.pk}").url == f"/recipient/referrals/{referral.pk}/"

    transferred = register("学院基建项目负责人收受工程款回扣。", [("钱某", "基建处长", "key_post")])
    triage.disposition_propose(actor=user("leader"), report=transferred, kind="transfer", reason="违纪线索", body=body,
                               approve=True)
    clue = Clue.objects.get(report=transferred)
    assert not Notification.objects.filter(key__startswith="transfer-batch:").exists()  # nothing to sign until listed
    batch = triage.transfer_batch_create(actor=user("member"), inspection=seed000, body=body, clue_ids=[clue.pk])
    assert told("transfer-batch:") == {"recipient", "other_recipient"}
    assert "第1号（1件）" in Notification.objects.filter(key=f"transfer-batch:{batch.pk}").first().text  # type: ignore[union-attr]

    referral = triage.handover_acknowledge(actor=user("recipient"), item=referral)  # type: ignore[assignment]
    triage.handover_result(actor=user("recipient"), item=referral, handling="", result="已责成后勤处整改。")
    assert told("referral-result:") == {"leader"}  # not the member, not the conflicted leader
    triage.transfer_batch_sign(actor=user("other_recipient"), batch=batch)
    triage.handover_result(actor=user("other_recipient"), item=Clue.objects.get(pk=clue.pk), handling="verify", result="")
    assert not Notification.objects.filter(key__startswith="clue-result:").exists()  # a handling without a result
    assert_no_secrets(seed000)
    for text in texts():
        assert "钱某" not in text and "回扣" not in text and body.name not in text and other_body.name not in text


def test_notify_is_idempotent_per_user_and_key(demo: dict) -> None:
    leader, member = user("leader"), user("member")
    assert notify(users=[leader], key="k", text="【测试】第1号", url="/x/") == [leader.pk]
    assert notify(users=[leader, member, leader.pk], key="k", text="【测试】第1号") == [member.pk]
    assert notify(users=[leader, member], key="k", text="【测试】第1号") == []
    assert notify(users=[], key="k2", text="x") == []
    assert Notification.objects.filter(key="k").count() == 2
