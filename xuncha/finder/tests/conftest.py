"""A small world to search: reports, a referral, a clue in a transfer list, a finding, notices and a
ledger item of the demo's inspection seed000, a report of seed001 and one of another team's inspection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import OTHER_RECIPIENT_BODY
from xuncha.accounts.models import User
from xuncha.inspections.models import ReceivingBody
from xuncha.intake.models import Report
from xuncha.rectification.models import Finding, ImmediateNotice, RectificationItem
from xuncha.triage.models import Clue, Referral, TransferBatch
from xuncha.triage.services import disposition_propose, transfer_batch_create

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"
LIBRARY = "图书馆空调坏了很久没人修。"
OTHER = "学院食堂承包给院长亲属，价格偏高。"


@dataclass
class World:
    gift: Report          # seed000 no. 1: transferred (a clue in transfer list no. 1, to 示范市委组织部)
    canteen: Report       # seed000 no. 2: referred (referral no. 1, to another body)
    library: Report       # seed000 no. 3
    seed001: Report       # seed001 no. 1
    other: Report         # the other team's inspection, no. 1
    referral: Referral
    clue: Clue
    batch: TransferBatch
    finding: Finding
    notice: ImmediateNotice   # no. 1, issued
    draft: ImmediateNotice    # no. 2, not issued: the liaison never sees it
    item: RectificationItem   # no. 1


@pytest.fixture
def world(demo: dict[str, Any], register: Any) -> World:
    seed000 = demo["seed000"]
    leader, member = User.objects.get(username="leader"), User.objects.get(username="member")
    gift = register(GIFT, [("赵某", "副院长", "leadership")])
    canteen = register(CANTEEN)
    library = register(LIBRARY)
    in_seed001 = register(LIBRARY, inspection=demo["seed001"])
    other = register(OTHER, inspection=demo["other"], kind="phone")
    organisation = ReceivingBody.objects.get(name=OTHER_RECIPIENT_BODY)
    discipline = ReceivingBody.objects.exclude(name=OTHER_RECIPIENT_BODY).first()
    disposition_propose(actor=leader, report=gift, kind="transfer", reason="涉嫌违纪", body=organisation, approve=True)
    disposition_propose(actor=leader, report=canteen, kind="refer", reason="后勤管理问题", body=discipline, approve=True)
    clue = Clue.objects.get(report=gift)
    batch = transfer_batch_create(actor=member, inspection=seed000, body=organisation, clue_ids=[clue.pk])
    finding = Finding.objects.create(inspection=seed000, number=1, title="违规收受礼品礼金", facts="收受购物卡。", rule_broken="条例",
                                     focus="corruption", state="approved", created_by=member)
    notice = ImmediateNotice.objects.create(inspection=seed000, number=1, title="职称评审收受礼金", problem="问题", suggestion="建议",
                                            deadline_days=10, state=ImmediateNotice.State.ISSUED, created_by=member)
    draft = ImmediateNotice.objects.create(inspection=seed000, number=2, title="食堂价格草稿", problem="问题", suggestion="建议",
                                           deadline_days=10, created_by=member)
    item = RectificationItem.objects.create(inspection=seed000, finding=finding, number=1, measures="清退礼品礼金",
                                            responsible_leader="王副院长", responsible_dept="后勤处")
    assert (gift.number, canteen.number, library.number, in_seed001.number, other.number) == (1, 2, 3, 1, 1)
    return World(gift=gift, canteen=canteen, library=library, seed001=in_seed001, other=other,
                 referral=Referral.objects.get(report=canteen), clue=Clue.objects.get(pk=clue.pk), batch=batch,
                 finding=finding, notice=notice, draft=draft, item=item)
