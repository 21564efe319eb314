"""Pages of receiving bodies: transfer lists to sign, clues and referrals of the user's bodies with
their time limits, the handling and the result; only the recipient of the body reaches an item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.errors import NotAllowed
from xuncha.inspections import services_offices
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services as intake
from xuncha.triage.models import Clue, Handling, Referral, TransferBatch
from xuncha.triage.services import disposition_propose, transfer_batch_create, transfer_batch_sign

pytestmark = pytest.mark.django_db

NOBODY = ["office", "leader", "member", "liaison", "auditor", "sysadmin", "other_leader", "other_member", "other_liaison", "norole"]
DISCIPLINE = "示范市纪委监委"
ORGANIZATION = "示范市委组织部"
GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"
REPORTER = intake.ReporterData(name="李明华", phone="13912345678", unit="材料学院教务办", role="teacher")
IDENTITY = ["李明华", "13912345678", "材料学院教务办", "李**", "139****5678", "已加密"]


def approve(report: Any, kind: str, body: str, reason: str) -> Any:
    leader = User.objects.get(username="leader")
    disposition_propose(actor=leader, report=report, kind=kind, reason=reason, body=ReceivingBody.objects.get(name=body), approve=True)
    return (Referral if kind == "refer" else Clue).objects.select_related("body").get(report=report)


def make_batch(practice: Any, clues: list[Clue]) -> TransferBatch:
    return transfer_batch_create(actor=User.objects.get(username="member"), inspection=practice, body=clues[0].body,
                                 clue_ids=[c.pk for c in clues])


@pytest.fixture
def practice(demo: dict) -> Any:
    return demo["practice"]


@pytest.fixture
def reg(register, practice):
    at = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)

    def make(content: str, subjects: list | None = None, **kw: Any) -> Any:
        return register(content, subjects or [("赵某", "副院长", "leadership")], inspection=practice, received_at=at, **kw)

    return make


@pytest.fixture
def items(reg, practice) -> dict[str, Any]:
    """A clue for 纪委监委 in a batch (real-name report), one not yet in a batch, a referral to 纪委监委
    and a referral to 组织部 (the body of `other_recipient`)."""
    clue = approve(reg(GIFT, reporter=REPORTER), "transfer", DISCIPLINE, "涉嫌违反廉洁纪律")
    return {
        "clue": clue,
        "batch": make_batch(practice, [clue]),
        "loose": approve(reg(GIFT + "另有报销问题。"), "transfer", DISCIPLINE, "涉嫌违规报销"),
        "referral": approve(reg(CANTEEN, [("钱某", "食堂承包商", "other")], reporter=REPORTER), "refer", DISCIPLINE, "后勤管理问题"),
        "org_referral": approve(reg("图书馆空调常年不开。", [("孙某", "馆员", "other")]), "refer", ORGANIZATION, "不属于受理范围"),
    }


def test_recipient_signs_a_batch_and_records_handling_and_result(clients, items) -> None:
    c = clients["recipient"]
    batch, clue = items["batch"], items["clue"]
    home = c.get(reverse("recipient:home")).content.decode()
    assert "第1号" in home and "待签收" in home and clue.report.reference in home
    assert items["loose"].report.reference not in home  # not listed in a batch yet

    page = c.get(reverse("recipient:batch", args=[batch.pk])).content.decode()
    assert "签收清单" in page and "涉嫌违反廉洁纪律" in page and "廉洁纪律" in page
    page = c.get(reverse("recipient:clue", args=[clue.pk])).content.decode()
    assert "请先" in page and "签收移交清单" in page and 'name="handling"' not in page

    r = c.post(reverse("recipient:batch_sign", args=[batch.pk]), follow=True)
    assert "已签收问题线索移交清单第1号" in r.content.decode()
    assert c.post(reverse("recipient:batch_sign", args=[batch.pk]), follow=True).content.decode().count("该移交清单已签收。") == 1
    clue.refresh_from_db()
    assert clue.acknowledged_at is not None and clue.acknowledged_by.username == "recipient"

    page = c.get(reverse("recipient:clue", args=[clue.pk])).content.decode()
    assert GIFT in page and "赵某，副院长" in page and "涉嫌违反廉洁纪律" in page
    assert "廉洁纪律" in page.split('id="disciplines">')[1].split("</p>")[0]
    due = clue.acknowledged_at.astimezone(timezone.get_current_timezone()).date()
    assert f"{due.year + (due.month + 3 - 1) // 12}-" in page and "办理中" in page
    for secret in IDENTITY:
        assert secret not in page, secret
    assert AuditEvent.objects.filter(action="clue.view", object_id=str(clue.pk)).exists()

    url = reverse("recipient:clue_result", args=[clue.pk])
    r = c.post(url, {"handling": "", "result": "已初步核实"})
    assert r.status_code == 400 and "请选择问题线索的处置方式。" in r.content.decode()
    r = c.post(url, {"handling": Handling.VERIFY, "result": ""}, follow=True)
    assert "处置方式已保存。" in r.content.decode()
    clue.refresh_from_db()
    assert (clue.handling, clue.result_at) == (Handling.VERIFY, None)
    r = c.post(url, {"handling": Handling.TALK, "result": "经谈话函询，赵某已作出说明，予以采信。"}, follow=True)
    page = r.content.decode()
    assert "办理结果已反馈巡察组。" in page and "谈话函询" in page and "已反馈" in page
    clue.refresh_from_db()
    assert clue.result_at is not None and clue.result_by.username == "recipient"
    assert AuditEvent.objects.filter(action="clue.result", object_id=str(clue.pk)).count() == 2
    assert AuditEvent.objects.filter(action="transfer_batch.sign", object_id=str(batch.pk)).count() == 1

    r = c.get(reverse("recipient:batch_docx", args=[batch.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="transfer_batch.export", actor__username="recipient").count() == 1


def test_recipient_acknowledges_a_referral_and_reports_back(clients, items) -> None:
    c = clients["recipient"]
    referral = items["referral"]
    url = reverse("recipient:referral", args=[referral.pk])
    page = c.get(url).content.decode()
    assert CANTEEN in page and "钱某，食堂承包商" in page and "后勤管理问题" in page and "签收转办件" in page
    for secret in IDENTITY:
        assert secret not in page, secret
    r = c.post(reverse("recipient:referral_result", args=[referral.pk]), {"handling": "", "result": "已处理"})
    assert r.status_code == 400 and "请先签收。" in r.content.decode()

    r = c.post(reverse("recipient:referral_acknowledge", args=[referral.pk]), follow=True)
    assert "已签收转办件（转办函第1号）" in r.content.decode()
    assert "已签收。" in c.post(reverse("recipient:referral_acknowledge", args=[referral.pk]), follow=True).content.decode()
    r = c.post(reverse("recipient:referral_result", args=[referral.pk]), {"handling": "bogus", "result": ""})
    assert r.status_code == 400
    r = c.post(reverse("recipient:referral_result", args=[referral.pk]), {"handling": "", "result": "已责成后勤处整改，价格已回调。"}, follow=True)
    assert "办理结果已反馈巡察组。" in r.content.decode()
    referral.refresh_from_db()
    assert referral.result == "已责成后勤处整改，价格已回调。" and referral.handling == ""
    assert AuditEvent.objects.filter(action="referral.acknowledge").count() == 1
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()


OVERDUE = '<span class="badge warn">逾期未反馈</span>'


def _rows(page: str, cls: str) -> int:
    return page.count(f'class="{cls}"')


def test_overdue_and_the_filters(clients, items) -> None:
    c, recipient = clients["recipient"], User.objects.get(username="recipient")
    transfer_batch_sign(actor=recipient, batch=items["batch"])
    long_ago = timezone.now() - dt.timedelta(days=124)
    Clue.objects.filter(pk=items["clue"].pk).update(acknowledged_at=long_ago)
    home = c.get(reverse("recipient:home")).content.decode()
    assert OVERDUE in home
    pages = {s: c.get(reverse("recipient:home"), {"state": s}).content.decode() for s in ("unsigned", "progress", "overdue", "done")}
    assert (_rows(pages["overdue"], "clue-row"), _rows(pages["overdue"], "batch-row"), _rows(pages["overdue"], "referral-row")) == (1, 1, 0)
    assert _rows(pages["progress"], "clue-row") == 0 and _rows(pages["done"], "clue-row") == 0
    assert (_rows(pages["unsigned"], "batch-row"), _rows(pages["unsigned"], "referral-row")) == (0, 2)

    Clue.objects.filter(pk=items["clue"].pk).update(acknowledged_at=timezone.now())
    page = c.get(reverse("recipient:home"), {"state": "progress"}).content.decode()
    assert _rows(page, "clue-row") == 1 and OVERDUE not in page

    Clue.objects.filter(pk=items["clue"].pk).update(acknowledged_at=long_ago, result="已了结", result_at=timezone.now())
    pages = {s: c.get(reverse("recipient:home"), {"state": s}).content.decode() for s in ("overdue", "done")}
    assert _rows(pages["overdue"], "clue-row") == 0 and _rows(pages["done"], "clue-row") == 1 and _rows(pages["done"], "batch-row") == 1
    assert OVERDUE not in c.get(reverse("recipient:clue", args=[items["clue"].pk])).content.decode()


def test_overdue_follows_the_time_limit_of_the_inspections_office(clients: Any, items: dict[str, Any], practice: Any) -> None:
    """The practice inspection is the city office's: its own limit (1 month) makes a clue acknowledged 40
    days ago overdue, on the page, in the filters and in the to-do; the platform's 3 months would not."""
    c, recipient = clients["recipient"], User.objects.get(username="recipient")
    transfer_batch_sign(actor=recipient, batch=items["batch"])
    Clue.objects.filter(pk=items["clue"].pk).update(acknowledged_at=timezone.now() - dt.timedelta(days=40))
    assert _rows(c.get(reverse("recipient:home"), {"state": "overdue"}).content.decode(), "clue-row") == 0
    office = User.objects.get(username="office_city")
    services_offices.office_settings_save(actor=office, office=practice.office, term_start=None, term_years=5,
                                          limits={"handover_result_months": 1}, briefing_asks={})
    pages = {s: c.get(reverse("recipient:home"), {"state": s}).content.decode() for s in ("", "overdue", "progress")}
    assert OVERDUE in pages[""]
    assert _rows(pages["overdue"], "clue-row") == 1 and _rows(pages["progress"], "clue-row") == 0
    assert OVERDUE in c.get(reverse("recipient:clue", args=[items["clue"].pk])).content.decode()
    with pytest.raises(NotAllowed):  # another office's admin may not set it
        services_offices.office_settings_save(actor=User.objects.get(username="office_cjlu"), office=practice.office,
                                              term_start=None, term_years=5, limits={"handover_result_months": 9},
                                              briefing_asks={})


def test_other_recipient_sees_only_their_body(clients, items) -> None:
    home = clients["other_recipient"].get(reverse("recipient:home")).content.decode()
    assert items["org_referral"].report.reference in home
    assert items["referral"].report.reference not in home and items["clue"].report.reference not in home
    assert _rows(home, "batch-row") == 0
    assert clients["other_recipient"].get(reverse("recipient:referral", args=[items["org_referral"].pk])).status_code == 200


def _item_urls(items: dict) -> list[str]:
    return [reverse("recipient:batch", args=[items["batch"].pk]), reverse("recipient:batch_docx", args=[items["batch"].pk]),
            reverse("recipient:clue", args=[items["clue"].pk]), reverse("recipient:referral", args=[items["referral"].pk])]


def _posts(items: dict) -> list[tuple[str, dict]]:
    return [(reverse("recipient:batch_sign", args=[items["batch"].pk]), {}),
            (reverse("recipient:referral_acknowledge", args=[items["referral"].pk]), {}),
            (reverse("recipient:referral_result", args=[items["referral"].pk]), {"result": "x"}),
            (reverse("recipient:clue_result", args=[items["clue"].pk]), {"handling": "talk", "result": "x"})]


def _nothing_changed(items: dict) -> None:
    assert TransferBatch.objects.get().signed_at is None
    assert not Referral.objects.filter(acknowledged_at__isnull=False).exists()
    assert not Clue.objects.exclude(handling="").exists() and not Clue.objects.filter(acknowledged_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__in=["clue.view", "referral.view", "transfer_batch.export"]).exists()


def test_recipient_of_another_body_gets_404(clients, items) -> None:
    c = clients["other_recipient"]
    for url in _item_urls(items):
        assert c.get(url).status_code == 404, url
    for url, data in _posts(items):
        assert c.post(url, data).status_code == 404, url
    _nothing_changed(items)


def test_a_clue_not_yet_in_a_batch_is_404_even_for_its_body(clients, items) -> None:
    loose = items["loose"]
    assert clients["recipient"].get(reverse("recipient:clue", args=[loose.pk])).status_code == 404
    assert clients["recipient"].post(reverse("recipient:clue_result", args=[loose.pk]), {"handling": "talk"}).status_code == 404


@pytest.mark.parametrize("persona", NOBODY)
def test_everyone_else_gets_404(clients, items, persona) -> None:
    c = clients[persona]
    assert c.get(reverse("recipient:home")).status_code == 404
    for url in _item_urls(items):
        assert c.get(url).status_code == 404, url
    for url, data in _posts(items):
        assert c.post(url, data).status_code == 404, url
    _nothing_changed(items)
    assert "移交线索" not in c.get("/", follow=True).content.decode()


def test_anonymous_user_is_sent_to_login(clients, items) -> None:
    for url in [reverse("recipient:home"), *_item_urls(items)]:
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_nav_link_for_recipients(clients, items) -> None:
    page = clients["recipient"].get(reverse("recipient:home")).content.decode()
    assert f'href="{reverse("recipient:home")}">移交线索</a>' in page


def test_home_queries_do_not_grow_with_items(clients, practice, reg, items, django_assert_max_num_queries) -> None:
    c = clients["recipient"]
    c.get(reverse("recipient:home"))  # warm up the session
    with django_assert_max_num_queries(12):
        small = c.get(reverse("recipient:home"))
    assert small.status_code == 200
    for i in range(3):
        clues = [approve(reg(f"{GIFT}第{i}{j}件。", [("赵某", "副院长", "leadership"), ("孙某", f"处长{j}", "key_post")]), "transfer",
                         DISCIPLINE, "廉洁纪律问题") for j in range(2)]
        make_batch(practice, clues)
        approve(reg(f"{CANTEEN}第{i}件。", [("钱某", "承包商", "other")]), "refer", DISCIPLINE, "不属于受理范围")
    with django_assert_max_num_queries(12):
        big = c.get(reverse("recipient:home"))
    page = big.content.decode()
    assert _rows(page, "batch-row") == 4 and _rows(page, "clue-row") == 7 and _rows(page, "referral-row") == 5


def test_a_clue_carries_only_the_attachments_the_leader_chose(reg, practice, clients) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xuncha.intake.models import Attachment

    report = reg(GIFT)
    files = []
    for name in ("购物卡照片.png", "署名页.png", "其他.png"):
        buf = io.BytesIO()
        Image.new("RGB", (20, 20), "red").save(buf, format="PNG")
        files.append(SimpleUploadedFile(name, buf.getvalue()))
    intake.report_add_information(report=report, content="补充照片", files=files)
    photo, signed, other = Attachment.objects.filter(report=report).order_by("id")
    Attachment.objects.filter(pk=signed.pk).update(contains_identity=True)
    clue = approve(report, "transfer", DISCIPLINE, "涉嫌违反廉洁纪律")
    url = reverse("triage:clue_attachments", args=[clue.pk])
    assert clients["member"].post(url, {"attachments": [photo.pk]}).status_code == 400  # leaders decide
    refused = clients["leader"].post(url, {"attachments": [photo.pk, signed.pk]})
    assert refused.status_code == 400 and "含反映人身份" in refused.content.decode()
    assert clients["leader"].post(url, {"attachments": [photo.pk]}).status_code == 302
    assert list(clue.attachments.all()) == [photo]
    transfer_batch_sign(actor=User.objects.get(username="recipient"), batch=make_batch(practice, [clue]))
    page = clients["recipient"].get(reverse("recipient:clue", args=[clue.pk])).content.decode()
    assert "购物卡照片.png" in page and "署名页.png" not in page and "其他.png" not in page
    got = clients["recipient"].get(reverse("recipient:clue_attachment", args=[clue.pk, photo.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="clue.attachment_open").count() == 1
    for att in (signed, other):
        assert clients["recipient"].get(reverse("recipient:clue_attachment", args=[clue.pk, att.pk])).status_code == 404
    assert clients["other_recipient"].get(reverse("recipient:clue_attachment", args=[clue.pk, photo.pk])).status_code == 404
    assert clients["recipient"].get(f"/attachments/{photo.pk}/file").status_code == 404  # the team's own pages stay closed
    # Listed: the choice is closed.
    assert clients["leader"].post(url, {"attachments": []}).status_code == 400
