"""Team pages after approval: referrals with their letters, clues listed into transfer batches, the
batch page and its .docx; who reaches them (the inspection's team only)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import ReceivingBody
from xuncha.triage.models import Clue, Referral, TransferBatch
from xuncha.triage.services import disposition_propose, handover_acknowledge, transfer_batch_sign

pytestmark = pytest.mark.django_db

NOBODY = ["office", "liaison", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader", "other_member",
          "other_liaison", "norole"]
DISCIPLINE = "示范市纪委监委"
ORGANIZATION = "示范市委组织部"
GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
HIRING = "学院党委在干部选拔中不按程序，组织部长周某私下定人选。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"


def approve(report: Any, kind: str, body: str, reason: str) -> Any:
    leader = User.objects.get(username="leader")
    disposition_propose(actor=leader, report=report, kind=kind, reason=reason, body=ReceivingBody.objects.get(name=body), approve=True)
    return (Referral if kind == "refer" else Clue).objects.select_related("body").get(report=report)


@pytest.fixture
def practice(demo: dict) -> Any:
    return demo["practice"]


@pytest.fixture
def items(register, practice) -> dict[str, Any]:
    """In the practice inspection: two clues for 纪委监委, one for 组织部, one referral."""
    at = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)

    def reg(content: str, subjects: list) -> Any:
        return register(content, subjects, inspection=practice, received_at=at)

    return {
        "gift": approve(reg(GIFT, [("赵某", "副院长", "leadership")]), "transfer", DISCIPLINE, "涉嫌违反廉洁纪律"),
        "gift2": approve(reg(GIFT + "另有报销问题。", [("赵某", "副院长", "leadership")]), "transfer", DISCIPLINE, "涉嫌违规报销"),
        "hiring": approve(reg(HIRING, [("周某", "组织部长", "key_post")]), "transfer", ORGANIZATION, "选人用人问题"),
        "referral": approve(reg(CANTEEN, [("钱某", "食堂承包商", "other")]), "refer", ORGANIZATION, "后勤管理问题，不属于巡察受理范围"),
    }


def test_the_page_lists_referrals_and_the_clues_waiting_by_body(clients, practice, items) -> None:
    page = clients["member"].get(reverse("triage:handovers", args=[practice.pk])).content.decode()
    assert "转办函" in page and "第1号" in page and items["referral"].report.reference in page
    assert page.count('class="card waiting-body"') == 2
    assert f"{DISCIPLINE}（2件）" in page and f"{ORGANIZATION}（1件）" in page
    assert "赵某（副院长）" in page and "选人用人问题" in page
    assert "尚未生成移交清单" in page and "逾期未发出" not in page
    assert clients["leader"].get(reverse("triage:handovers", args=[practice.pk])).status_code == 200


def test_member_lists_clues_into_a_batch_and_downloads_it(clients, practice, items) -> None:
    body = items["gift"].body
    r = clients["member"].post(reverse("triage:batch_create", args=[practice.pk]),
                               {"body": body.pk, "clues": [items["gift"].pk, items["gift2"].pk]})
    batch = TransferBatch.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("triage:batch", args=[batch.pk])
    assert (batch.number, batch.body, batch.clues.count()) == (1, body, 2)
    page = clients["member"].get(r["Location"]).content.decode()
    assert "问题线索移交清单 第1号" in page and "待签收" in page and "涉嫌违规报销" in page and "廉洁纪律" in page
    assert "已生成问题线索移交清单第1号" in page
    listing = clients["member"].get(reverse("triage:handovers", args=[practice.pk])).content.decode()
    assert listing.count('class="card waiting-body"') == 1 and 'class="batch-row"' in listing

    r = clients["leader"].get(reverse("triage:batch_docx", args=[batch.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    from docx import Document

    cells = [c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert items["gift"].report.reference in cells and items["gift2"].report.reference in cells
    event = AuditEvent.objects.get(action="transfer_batch.export")
    assert event.object_id == str(batch.pk) and event.actor.username == "leader"

    transfer_batch_sign(actor=User.objects.get(username="recipient"), batch=batch)
    page = clients["member"].get(reverse("triage:batch", args=[batch.pk])).content.decode()
    assert "已签收" in page and "演示接收人" in page


@pytest.mark.parametrize(("clues", "message"), [
    ([], "请选择要移交的问题线索。"),
    (["hiring"], "所选问题线索中有已移交、不属于该接收单位或不属于本巡察任务的"),
])
def test_a_batch_needs_clues_of_its_body(clients, practice, items, clues, message) -> None:
    r = clients["member"].post(reverse("triage:batch_create", args=[practice.pk]),
                               {"body": items["gift"].body_id, "clues": [items[c].pk for c in clues]}, follow=True)
    assert message in r.content.decode()
    assert not TransferBatch.objects.exists()
    r = clients["member"].post(reverse("triage:batch_create", args=[practice.pk]), {"body": "999999", "clues": [items["gift"].pk]})
    assert r.status_code == 404


def test_a_clue_of_another_inspection_cannot_be_listed(clients, demo, practice, items, register) -> None:
    other = approve(register(GIFT, [("赵某", "副院长", "leadership")]), "transfer", DISCIPLINE, "另一巡察任务的线索")
    r = clients["member"].post(reverse("triage:batch_create", args=[practice.pk]),
                               {"body": items["gift"].body_id, "clues": [items["gift"].pk, other.pk]}, follow=True)
    assert "不属于本巡察任务" in r.content.decode()
    assert not TransferBatch.objects.exists()


def test_referral_letter_is_downloaded_and_marked_sent(clients, practice, items) -> None:
    referral = items["referral"]
    r = clients["member"].get(reverse("triage:referral_letter", args=[referral.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "巡察组信访件转办函" in text and CANTEEN in text and f"{ORGANIZATION}：" in text
    assert AuditEvent.objects.filter(action="referral.letter_export", object_id=str(referral.pk)).count() == 1

    url = reverse("triage:handovers", args=[practice.pk])
    assert "登记已发出" in clients["member"].get(url).content.decode()
    assert clients["member"].get(reverse("triage:referral_sent", args=[referral.pk])).status_code == 405
    r = clients["member"].post(reverse("triage:referral_sent", args=[referral.pk]), follow=True)
    page = r.content.decode()
    assert "已登记转办函第1号发出" in page and "登记已发出" not in page
    referral.refresh_from_db()
    assert referral.sent_at is not None
    clients["member"].post(reverse("triage:referral_sent", args=[referral.pk]))
    assert AuditEvent.objects.filter(action="referral.send").count() == 1


def test_overdue_flags_on_the_team_page(clients, practice, items) -> None:
    referral = items["referral"]
    Referral.objects.filter(pk=referral.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("triage:handovers", args=[practice.pk])
    Clue.objects.filter(pk=items["gift"].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page = clients["member"].get(url).content.decode()
    assert "逾期未发出" in page and page.count("已过移送期限") == 1
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now())
    handover_acknowledge(actor=User.objects.get(username="recipient"), item=referral)
    page = clients["member"].get(url).content.decode()
    assert "逾期未发出" not in page and "逾期未反馈" not in page and "反馈期限" in page
    Referral.objects.filter(pk=referral.pk).update(acknowledged_at=timezone.now() - dt.timedelta(days=124))
    assert "逾期未反馈" in clients["member"].get(url).content.decode()
    Referral.objects.filter(pk=referral.pk).update(result="已责成整改", result_at=timezone.now())
    page = clients["member"].get(url).content.decode()
    assert "逾期未反馈" not in page and "已反馈" in page


def _urls(practice: Any, items: dict, batch: TransferBatch) -> list[str]:
    return [reverse("triage:handovers", args=[practice.pk]), reverse("triage:referral_letter", args=[items["referral"].pk]),
            reverse("triage:batch", args=[batch.pk]), reverse("triage:batch_docx", args=[batch.pk])]


@pytest.fixture
def batch(practice, items) -> TransferBatch:
    from xuncha.triage.services import transfer_batch_create

    return transfer_batch_create(actor=User.objects.get(username="member"), inspection=practice, body=items["gift"].body,
                                 clue_ids=[items["gift"].pk])


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_the_team_reaches_every_page(clients, practice, items, batch, persona) -> None:
    for url in _urls(practice, items, batch):
        assert clients[persona].get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NOBODY)
def test_everyone_else_gets_404(clients, practice, items, batch, persona) -> None:
    for url in _urls(practice, items, batch):
        assert clients[persona].get(url).status_code == 404, url
    assert clients[persona].post(reverse("triage:referral_sent", args=[items["referral"].pk])).status_code == 404
    r = clients[persona].post(reverse("triage:batch_create", args=[practice.pk]), {"body": items["gift2"].body_id, "clues": [items["gift2"].pk]})
    assert r.status_code == 404
    assert TransferBatch.objects.count() == 1 and Referral.objects.get().sent_at is None
    assert not AuditEvent.objects.filter(action__in=["referral.letter_export", "transfer_batch.export"]).exists()


def test_anonymous_user_is_sent_to_login(clients, practice, items, batch) -> None:
    for url in _urls(practice, items, batch):
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
