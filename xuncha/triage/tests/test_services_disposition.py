"""Dispositions through the services: what approval applies (status, due dates, reply exemption)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xuncha.accounts.models import User
from xuncha.core.workdays import add_months
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services as intake
from xuncha.intake.models import ReplyExemption, Report, ReportStatus
from xuncha.replies.models import Reply
from xuncha.replies.services import reply_create
from xuncha.triage.models import Clue, Referral
from xuncha.triage.services import disposition_decide, disposition_propose

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"


@pytest.fixture
def people() -> dict[str, User]:
    return {u: User.objects.get(username=u) for u in ("leader", "member", "other_leader")}


def test_closing_a_real_name_report_sets_the_result_due_date(register, people) -> None:
    r = register(GIFT, reporter=intake.ReporterData(name="李明", phone="13800000000"))
    disposition_propose(actor=people["leader"], report=r, kind="file", reason="存查备考", approve=True)
    r.refresh_from_db()
    assert r.status == ReportStatus.FILED and r.result_due is not None and r.result_due > r.received_at.date()


def test_accepting_does_not_set_the_result_due_date_yet(register, people) -> None:
    r = register(GIFT, reporter=intake.ReporterData(name="李明", phone="13800000000"))
    disposition_propose(actor=people["leader"], report=r, kind="accept", reason="受理", approve=True)
    r.refresh_from_db()
    assert r.status == ReportStatus.ACCEPTED and r.result_due is None


def test_closing_a_repeat_of_an_answered_matter_records_why_no_reply(register, people) -> None:
    first = register(GIFT)
    reply_create(actor=people["leader"], report=first, kind=Reply.Kind.RESULT, content="已核查处理。")
    repeat = register(GIFT)
    disposition_propose(actor=people["leader"], report=repeat, kind="close", reason="重复件", approve=True)
    repeat.refresh_from_db()
    assert repeat.reply_exempt == ReplyExemption.REPEAT_ANSWERED


def test_numbers_and_final_states(register, people) -> None:
    body = ReceivingBody.objects.get(name="中国计量大学纪委")
    a, b = register(GIFT), register("食堂饭菜价格上涨，承包商关系户。")
    disposition_propose(actor=people["leader"], report=a, kind="refer", reason="转办", body=body, approve=True)
    disposition_propose(actor=people["leader"], report=b, kind="refer", reason="转办", body=body, approve=True)
    assert sorted(Referral.objects.values_list("number", flat=True)) == [1, 2]
    with pytest.raises(ValidationError, match="已转办"):
        disposition_propose(actor=people["member"], report=a, kind="close", reason="了结")


def test_another_team_cannot_propose_or_decide(register, people) -> None:
    from django.http import Http404

    r = register(GIFT)
    with pytest.raises(Http404):
        disposition_propose(actor=people["other_leader"], report=r, kind="accept", reason="受理")
    d = disposition_propose(actor=people["member"], report=r, kind="transfer", reason="移交",
                            body=ReceivingBody.objects.get(name="中国计量大学纪委"))
    with pytest.raises(Http404):
        disposition_decide(actor=people["other_leader"], disposition=d, approve=True)
    disposition_decide(actor=people["leader"], disposition=d, approve=True)
    assert Clue.objects.get().report_id == r.pk and Report.objects.get(pk=r.pk).status == ReportStatus.TRANSFERRED


def test_add_months_clamps_to_the_month_end() -> None:
    import datetime as dt

    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
