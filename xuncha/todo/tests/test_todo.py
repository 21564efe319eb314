"""我的待办: per persona, the lines of work on the demo data with objects made through the real services;
nothing another team's or another body's; the page, the API, home's landing and a query count that does not
grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.rectification import services as svc
from xuncha.rectification.models import Finding, ImmediateNotice, RectificationItem
from xuncha.triage.models import Disposition, ReceivingBody
from xuncha.triage.services import disposition_decide, disposition_propose, labels_confirm

pytestmark = pytest.mark.django_db

PERSONAS = ["office", "leader", "member", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member",
            "other_liaison", "other_recipient", "norole"]
GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"


def user(name: str) -> User:
    return User.objects.get(username=name)


def api(clients: dict[str, Any], name: str) -> dict[str, int]:
    response = clients[name].get("/api/v1/me/todo")
    assert response.status_code == 200
    out: dict[str, int] = {}
    for line in response.json():  # one line per inspection: summed per kind
        out[line["kind"]] = out.get(line["kind"], 0) + line["count"]
    return out


def _finding(inspection: Any, title: str, *, submit: bool = True) -> Finding:
    f = svc.finding_create(actor=user("member"), inspection=inspection, data=svc.FindingData(
        title=title, facts="事实", rule_broken="规定", focus="corruption"))
    return svc.finding_submit(actor=user("member"), finding=f) if submit else f


@pytest.fixture
def work(demo: dict[str, Any], register: Any) -> dict[str, Any]:
    """Work of every kind on seed000 (the demo team's), one report of the other team's, and a referral of the
    practice inspection to 纪委监委 (the body of `recipient`)."""
    seed = demo["seed000"]
    leader, member = user("leader"), user("member")
    untriaged = register(GIFT)
    proposed = register(CANTEEN)
    labels_confirm(actor=member, report=proposed, disciplines=["integrity"], focuses=[])
    disposition_propose(actor=member, report=proposed, kind="file", reason="情况已知，存查。")
    returned = register("图书馆空调坏了很久没人修。")
    labels_confirm(actor=member, report=returned, disciplines=["integrity"], focuses=[])
    d = disposition_propose(actor=member, report=returned, kind="close", reason="了结。")
    disposition_decide(actor=leader, disposition=d, approve=False, note="请补充核实情况。")
    _finding(seed, "待审定的底稿")
    back = _finding(seed, "被退回的底稿")
    svc.finding_decide(actor=leader, finding=back, approve=False, note="事实不清。")
    approved = _finding(seed, "已审定的底稿")
    svc.finding_decide(actor=leader, finding=approved, approve=True)
    today = timezone.localdate()
    late = svc.item_create(actor=member, finding=approved, data=svc.ItemData(
        measures="清退礼金", responsible_leader="王某", responsible_dept="纪检办", deadline=today - dt.timedelta(days=10)))
    done = svc.item_create(actor=member, finding=approved, data=svc.ItemData(
        measures="建立制度", responsible_leader="王某", responsible_dept="人事处", deadline=today + dt.timedelta(days=60)))
    svc.progress_report(actor=user("liaison"), item=done, text="制度已印发。", status="done")
    notice = svc.notice_create(actor=member, inspection=seed, data=svc.NoticeData(
        title="职称评审收受礼金", problem="问题。", suggestion="建议。", clear_violation=True, fixable=True), reports=[untriaged])
    svc.notice_issue(actor=leader, notice=notice)
    register("其他组的信访件内容，反映食堂问题。", inspection=demo["other"])
    practice_report = register(GIFT, [("赵某", "副院长", "leadership")], inspection=demo["practice"],
                               received_at=dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC))
    disposition_propose(actor=leader, report=practice_report, kind="refer", reason="转纪委监委办理。",
                        body=ReceivingBody.objects.get(name="示范市纪委监委"), approve=True)
    return {"late": late, "done": done, "notice": notice}


def test_each_persona_sees_their_lines_and_nothing_else(clients: dict[str, Any], work: dict[str, Any]) -> None:
    seen = {name: api(clients, name) for name in PERSONAS}
    assert seen["member"] == {"report_triage": 1, "disposition_returned": 1, "finding_returned": 1}
    assert seen["leader"]["disposition_approve"] == 1 and seen["leader"]["finding_approve"] == 1
    assert "disposition_returned" not in seen["leader"] and "finding_returned" not in seen["leader"]  # proposed by the member
    assert seen["liaison"] == {"notice_answer": 1, "item_overdue": 1}
    assert seen["office"] == {"item_sign_off": 1, "item_overdue_all": 1}
    assert seen["recipient"] == {"referral_acknowledge": 1}
    assert seen["other_member"] == {"report_triage": 1} and seen["other_leader"] == {"report_triage": 1}
    for name in ("other_liaison", "other_recipient", "auditor", "sysadmin", "norole"):
        assert seen[name] == {}, name


def test_one_line_per_inspection(clients: dict[str, Any], work: dict[str, Any], demo: dict[str, Any], register: Any) -> None:
    """Reports with labels not confirmed and still in the team's hands: seed000's GIFT and a second practice report
    (the first was referred), one line each, linked to the inspection's queue."""
    register(CANTEEN, inspection=demo["practice"], received_at=dt.datetime(2026, 11, 21, 2, tzinfo=dt.UTC))
    lines = [x for x in clients["member"].get("/api/v1/me/todo").json() if x["kind"] == "report_triage"]
    assert sorted(x["url"] for x in lines) == sorted(reverse("triage:queue", args=[demo[n].pk]) + "?todo=triage"
                                                     for n in ("seed000", "practice"))
    assert [x["count"] for x in lines] == [1, 1]


def test_lines_link_to_the_work_filtered(clients: dict[str, Any], work: dict[str, Any], demo: dict[str, Any]) -> None:
    lines = {x["kind"]: x for x in clients["office"].get("/api/v1/me/todo").json()}
    seed = demo["seed000"].pk
    assert lines["item_sign_off"]["url"] == reverse("rectification:ledger", args=[seed]) + "?status=done"
    assert lines["item_overdue_all"]["url"] == reverse("rectification:overdue")
    assert lines["item_overdue_all"]["oldest_at"] is not None
    leader = {x["kind"]: x for x in clients["leader"].get("/api/v1/me/todo").json()}
    assert leader["disposition_approve"]["url"] == reverse("triage:approvals", args=[seed])
    assert demo["seed000"].target.name in leader["disposition_approve"]["title"]
    liaison = {x["kind"]: x for x in clients["liaison"].get("/api/v1/me/todo").json()}
    assert liaison["item_overdue"]["url"] == reverse("liaison:items") + "?overdue=1"
    for client, kinds in ((clients["office"], lines), (clients["leader"], leader), (clients["liaison"], liaison)):
        for line in kinds.values():
            assert client.get(line["url"]).status_code == 200, line


def test_the_page_shows_the_lines_and_an_empty_list_kindly(clients: dict[str, Any], work: dict[str, Any]) -> None:
    page = clients["member"].get(reverse("todo:index")).content.decode()
    assert "被退回的处置意见" in page and "被退回的问题底稿" in page and "最久" in page and "暂无待办" not in page
    assert 'href="/todo/"' in page  # 我的待办 in the top bar
    empty = clients["other_liaison"].get(reverse("todo:index")).content.decode()
    assert "暂无待办" in empty


def test_anonymous_is_sent_to_login_and_the_api_answers_401(clients: dict[str, Any]) -> None:
    page = clients["anonymous"].get(reverse("todo:index"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert clients["anonymous"].get("/api/v1/me/todo").status_code == 401


@pytest.mark.parametrize("name,target", [
    ("office", "/todo/"), ("leader", "/todo/"), ("member", "/todo/"), ("liaison", "/todo/"), ("recipient", "/todo/"),
    ("auditor", "/audit/"), ("sysadmin", "/accounts/users/")])
def test_home_lands_on_the_todo_list(clients: dict[str, Any], name: str, target: str) -> None:
    response = clients[name].get("/")
    assert response.status_code == 302 and response["Location"] == target


def test_answered_and_returned_work_moves_between_lists(clients: dict[str, Any], work: dict[str, Any]) -> None:
    svc.notice_answer(actor=user("liaison"), notice=ImmediateNotice.objects.get(pk=work["notice"].pk), measures="已清退。")
    svc.item_return(actor=user("office"), item=RectificationItem.objects.get(pk=work["done"].pk), reason="佐证不足。")
    assert api(clients, "liaison") == {"item_overdue": 1, "item_returned": 1}
    assert "item_sign_off" not in api(clients, "office")
    assert api(clients, "leader")["notice_check"] == 1


def test_the_query_count_does_not_grow_with_the_data(clients: dict[str, Any], work: dict[str, Any], register: Any,
                                                    demo: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    clients["leader"].get("/api/v1/me/todo")
    with django_assert_max_num_queries(40) as few:
        clients["leader"].get("/api/v1/me/todo")
    before = len(few.captured_queries)
    for inspection in ("seed001", "practice"):
        register(GIFT + inspection, inspection=demo[inspection])
    _finding(demo["seed001"], "另一个巡察任务的底稿")
    assert Disposition.objects.exists()
    with django_assert_max_num_queries(before):
        clients["leader"].get("/api/v1/me/todo")


def test_the_office_sees_inspections_without_a_channel(clients: dict[str, Any], demo: dict[str, Any]) -> None:
    from xuncha.inspections import services as planning

    office, other = user("office"), demo["other"]
    target = planning.target_create(actor=office, name="待办测试单位党委")
    planning.inspection_create(actor=office, round=other.round, team=other.team, target=target,
                               start_date=dt.date(2026, 3, 2), working_days=20)
    assert api(clients, "office") == {"inspection_no_channel": 1}
    assert "inspection_no_channel" not in api(clients, "other_leader")  # planning is the office's


def test_the_liaison_is_reminded_of_items_due_soon(clients: dict[str, Any], work: dict[str, Any]) -> None:
    svc.item_update(actor=user("member"), item=RectificationItem.objects.get(pk=work["late"].pk), data=svc.ItemData(
        measures="清退礼金", responsible_leader="王某", responsible_dept="纪检办", deadline=timezone.localdate()))
    assert api(clients, "liaison") == {"notice_answer": 1, "item_due": 1}
    assert api(clients, "office") == {"item_sign_off": 1}


def test_the_team_sees_replies_due(clients: dict[str, Any], demo: dict[str, Any], register: Any) -> None:
    from xuncha.intake import services as intake

    register(GIFT, received_at=timezone.now(), reporter=intake.ReporterData(name="李明", phone="13912345678"))
    lines = [x for x in clients["member"].get("/api/v1/me/todo").json() if x["kind"] == "reply_receipt"]
    assert len(lines) == 1 and lines[0]["count"] == 1
    assert lines[0]["url"] == reverse("replies:replies", args=[demo["seed000"].pk]) + "?tab=receipt_due"
    assert clients["member"].get(lines[0]["url"]).status_code == 200
    assert "reply_receipt" not in api(clients, "other_member") and "reply_receipt" not in api(clients, "liaison")
