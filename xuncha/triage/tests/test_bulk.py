"""Bulk actions of the triage workbench (xuncha.triage.bulk): the service (each report checked and audited on
its own, refusals reported in Chinese while the others are applied), the queue page's selection, confirmation
page and outcome, the API, and who may use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS
from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.errors import Invalid, NotFound
from xuncha.intake.models import Report
from xuncha.triage.bulk import ACTIONS, UNREACHABLE, reports_bulk
from xuncha.triage.models import Disposition, Scope, Triage
from xuncha.triage.services import disposition_propose

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，后勤处长钱某与承包商关系密切。"
LIBRARY = "图书馆空调坏了很久没人修。"
TEAM = {"leader", "member"}


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def three(register: Any) -> list[Report]:
    return [register(GIFT, [("赵某", "副院长", "leadership")]), register(CANTEEN, kind="phone"), register(LIBRARY, kind="post")]


def events(action: str, reports: list[Report]) -> dict[int, int]:
    """Audit events of `action` per report id."""
    out = {r.pk: 0 for r in reports}
    for e in AuditEvent.objects.filter(action=action):
        for r in reports:
            if e.object_id == str(r.pk) and e.object_type.endswith("report"):
                out[r.pk] += 1
    return out


# --- the service ------------------------------------------------------------------------------------------


def test_scope_for_three_reports_is_audited_per_report(three, seed000) -> None:
    result = reports_bulk(actor=user("member"), inspection=seed000, report_ids=[r.pk for r in three], action="scope",
                          params={"scope": Scope.OUT, "reason": "不属于六项纪律问题，转有关部门。"})
    assert result.done == [r.pk for r in three] and result.refused == []
    assert set(Triage.objects.filter(pk__in=result.done).values_list("scope", "scope_confirmed")) == {(Scope.OUT, True)}
    assert events("report.scope_confirm", three) == {r.pk: 1 for r in three}
    assert result.message == "确认受理范围：3 件已处理。"


def test_a_report_the_actor_may_not_reach_is_refused_and_the_others_done(three, seed000, register, demo) -> None:
    foreign = register("其他组的信访件内容，反映食堂问题。", inspection=demo["other"])
    ids = [three[0].pk, foreign.pk, three[1].pk, 999_999]
    result = reports_bulk(actor=user("member"), inspection=seed000, report_ids=ids, action="labels")
    assert result.done == [three[0].pk, three[1].pk]
    assert [(r.report_id, r.reason) for r in result.refused] == [(foreign.pk, UNREACHABLE), (999_999, UNREACHABLE)]
    assert "2 件已处理，2 件因以下原因未处理" in result.message
    assert not Triage.objects.get(pk=foreign.pk).labels_confirmed
    assert not AuditEvent.objects.filter(action="report.labels_confirm", object_id=str(foreign.pk)).exists()
    assert events("report.labels_confirm", three) == {three[0].pk: 1, three[1].pk: 1, three[2].pk: 0}


def test_a_report_the_service_refuses_keeps_its_state_and_says_why(three, seed000) -> None:
    disposition_propose(actor=user("member"), report=three[1], kind="file", reason="存查。")
    result = reports_bulk(actor=user("member"), inspection=seed000, report_ids=[r.pk for r in three], action="disposition",
                          params={"kind": "close", "reason": "了结。"})
    assert result.done == [three[0].pk, three[2].pk]
    assert [r.reference for r in result.refused] == [three[1].reference]
    assert "已有待审批的处置意见" in result.refused[0].reason
    assert Disposition.objects.filter(report=three[1]).count() == 1
    assert result.message.startswith("提出处置意见：2 件已处理，1 件因以下原因未处理：")


def test_no_reply_is_offered_by_the_replies_app_and_audited_per_report(three, seed000) -> None:
    assert "no_reply" in ACTIONS
    result = reports_bulk(actor=user("member"), inspection=seed000, report_ids=[three[0].pk, three[2].pk], action="no_reply",
                          params={"reason": "no_contact", "note": ""})
    assert result.done == [three[0].pk, three[2].pk]
    assert set(Report.objects.filter(pk__in=result.done).values_list("reply_exempt", flat=True)) == {"no_contact"}
    assert events("report.reply_exempt", three) == {three[0].pk: 1, three[1].pk: 0, three[2].pk: 1}


@pytest.mark.parametrize("params, message", [
    ({"scope": "", "reason": "理由"}, "请选择是否属于受理范围。"),
    ({"scope": Scope.IN, "reason": " "}, "请写明判断理由。"),
])
def test_bad_parameters_change_nothing(three, seed000, params, message) -> None:
    with pytest.raises(Invalid) as e:
        reports_bulk(actor=user("member"), inspection=seed000, report_ids=[r.pk for r in three], action="scope", params=params)
    assert message in e.value.messages
    assert not AuditEvent.objects.filter(action="report.scope_confirm").exists()


def test_an_outsider_is_told_the_inspection_does_not_exist(three, seed000) -> None:
    with pytest.raises(NotFound):
        reports_bulk(actor=user("other_member"), inspection=seed000, report_ids=[three[0].pk], action="labels")
    assert not Triage.objects.get(pk=three[0].pk).labels_confirmed


def test_nothing_selected_or_no_action_is_invalid(three, seed000) -> None:
    with pytest.raises(Invalid):
        reports_bulk(actor=user("member"), inspection=seed000, report_ids=[], action="labels")
    with pytest.raises(Invalid):
        reports_bulk(actor=user("member"), inspection=seed000, report_ids=[three[0].pk], action="delete")


# --- the pages --------------------------------------------------------------------------------------------


def bulk_url(inspection: Any) -> str:
    return reverse("triage:bulk", args=[inspection.pk])


def test_the_queue_shows_the_first_line_of_the_content_escaped(clients, register, seed000) -> None:
    register("<script>alert(1)</script>食堂问题\n第二行不显示", reporter=None)
    html = clients["member"].get(reverse("triage:queue", args=[seed000.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;食堂问题" in html
    assert "<script>alert(1)" not in html and "第二行不显示" not in html


def test_a_long_first_line_is_cut(clients, register, seed000) -> None:
    register("甲" * 100)
    html = clients["member"].get(reverse("triage:queue", args=[seed000.pk])).content.decode()
    assert "甲" * 60 + "…" in html and "甲" * 61 not in html


def test_bulk_asks_for_confirmation_then_applies_and_keeps_the_selection(clients, three, seed000) -> None:
    ids = [str(r.pk) for r in three]
    form = {"action": "scope", "scope": Scope.IN, "reason": "反映领导干部违纪问题。", "ids": ids, "query": "channel=email&sort=old"}
    r = clients["member"].post(bulk_url(seed000), form)
    assert r.status_code == 200 and "确认批量操作" in r.content.decode()
    assert all(x.reference in r.content.decode() for x in three)
    assert not Triage.objects.filter(pk__in=ids, scope_confirmed=True).exists()  # nothing yet
    r = clients["member"].post(bulk_url(seed000), {**form, "confirmed": "on"})
    assert r.status_code == 302
    assert "channel=email" in r["Location"] and all(f"selected={i}" in r["Location"] for i in ids)
    assert Triage.objects.filter(pk__in=ids, scope=Scope.IN, scope_confirmed=True).count() == 3
    page = clients["member"].get(r["Location"])
    html = page.content.decode()
    assert "确认受理范围：3 件已处理。" in html
    assert html.count(" checked>") == 1  # the filter (channel=email) shows one of the three, still ticked


def test_bulk_partial_failure_is_said_in_chinese(clients, three, seed000) -> None:
    disposition_propose(actor=user("member"), report=three[0], kind="file", reason="存查。")
    form = {"action": "disposition", "kind": "close", "reason": "了结。", "ids": [str(r.pk) for r in three], "confirmed": "on"}
    r = clients["member"].post(bulk_url(seed000), form, follow=True)
    html = r.content.decode()
    assert "提出处置意见：2 件已处理，1 件因以下原因未处理" in html and three[0].reference in html


def test_bulk_with_a_missing_reason_shows_the_queue_again_with_what_was_typed(clients, three, seed000) -> None:
    form = {"action": "scope", "scope": Scope.OUT, "reason": "", "ids": [str(three[1].pk)], "query": ""}
    r = clients["member"].post(bulk_url(seed000), form)
    assert r.status_code == 400
    html = r.content.decode()
    assert "请写明判断理由。" in html
    assert f'value="{three[1].pk}" form="bulk-form" aria-label="选择 {three[1].reference}" checked' in html


def test_bulk_without_a_selection_says_so(clients, three, seed000) -> None:
    r = clients["member"].post(bulk_url(seed000), {"action": "labels"})
    assert r.status_code == 400 and "请先勾选要处理的信访件。" in r.content.decode()


def test_previous_and_next_follow_the_filtered_queue(clients, register, seed000) -> None:
    a = register(GIFT, kind="email")
    register(CANTEEN, kind="phone")
    c = register(LIBRARY, kind="email")
    query = "channel=email&sort=old"
    r = clients["member"].get(f"{reverse('triage:report', args=[a.pk])}?{query}")
    assert r.context["previous"] is None and r.context["following"].pk == c.pk
    html = r.content.decode()
    assert f'href="{reverse("triage:report", args=[c.pk])}?channel=email&amp;sort=old"' in html
    r = clients["member"].get(f"{reverse('triage:report', args=[c.pk])}?{query}")
    assert r.context["previous"].pk == a.pk and r.context["following"] is None
    # Without filters: newest first, all channels.
    r = clients["member"].get(reverse("triage:report", args=[c.pk]))
    assert r.context["previous"] is None and r.context["following"].reference != a.reference


def test_the_queue_links_carry_its_filters(clients, three, seed000) -> None:
    html = clients["member"].get(reverse("triage:queue", args=[seed000.pk]) + "?channel=phone").content.decode()
    assert f'{reverse("triage:report", args=[three[1].pk])}?channel=phone' in html


@pytest.mark.parametrize("filtered, text", [(True, "清除筛选"), (False, "登记")])
def test_an_empty_queue_says_what_to_do_next(clients, seed000, filtered, text) -> None:
    url = reverse("triage:queue", args=[seed000.pk]) + ("?q=不存在的词语组合" if filtered else "")
    html = clients["member"].get(url).content.decode()  # seed000 has no reports in the demo data
    assert 'id="queue-empty"' in html and text in html


def test_breadcrumbs_on_the_workbench_and_report(clients, three, seed000) -> None:
    for url in (reverse("triage:queue", args=[seed000.pk]), reverse("triage:report", args=[three[0].pk])):
        html = clients["member"].get(url).content.decode()
        assert '<nav class="breadcrumbs"' in html and "研判工作台" in html


# --- the API ----------------------------------------------------------------------------------------------


def api_url(inspection: Any) -> str:
    return f"/api/v1/inspections/{inspection.pk}/reports/bulk"


def test_api_bulk_reports_done_and_refused(clients, three, seed000, register, demo) -> None:
    foreign = register("其他组的信访件内容。", inspection=demo["other"])
    r = clients["member"].post(api_url(seed000), {"action": "scope", "scope": "in", "reason": "六项纪律问题。",
                                                   "report_ids": [three[0].pk, foreign.pk]}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["done"] == [three[0].pk]
    assert body["refused"] == [{"id": foreign.pk, "reference": "", "reason": UNREACHABLE}]
    assert "1 件已处理，1 件因" in body["message"]
    assert events("report.scope_confirm", [three[0]]) == {three[0].pk: 1}


def test_api_bulk_bad_input_is_400(clients, three, seed000) -> None:
    r = clients["member"].post(api_url(seed000), {"action": "scope", "report_ids": [three[0].pk]}, content_type="application/json")
    assert r.status_code == 400
    assert "请选择是否属于受理范围。" in r.json()["errors"]


def test_the_api_queue_has_the_excerpt(clients, three, seed000) -> None:
    items = clients["member"].get(f"/api/v1/inspections/{seed000.pk}/reports").json()["items"]
    assert {i["excerpt"] for i in items} >= {GIFT[:60] + "…" if len(GIFT) > 60 else GIFT, LIBRARY}


# --- who may use them: every persona, page and API --------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_team_may_act_in_bulk(clients, three, seed000, persona) -> None:
    ids = [str(three[0].pk)]
    preview = clients[persona].post(bulk_url(seed000), {"action": "labels", "ids": ids})  # the confirmation page
    assert (three[0].reference in preview.content.decode()) == (persona in TEAM)
    assert preview.status_code == (200 if persona in TEAM else 404) or "login" in preview.get("Location", "")
    page = clients[persona].post(bulk_url(seed000), {"action": "labels", "ids": ids, "confirmed": "on"})
    api = clients[persona].post(api_url(seed000), {"action": "labels", "report_ids": [three[0].pk]}, content_type="application/json")
    confirmed = Triage.objects.get(pk=three[0].pk).labels_confirmed
    if persona in TEAM:
        assert (page.status_code, api.status_code, confirmed) == (302, 200, True)
    else:
        assert page.status_code in (302, 404) and api.status_code in (401, 403, 404)
        if page.status_code == 302:  # not logged in: to the login page
            assert "login" in page["Location"]
        assert not confirmed


def test_previous_and_next_break_ties_on_the_same_time_by_id(clients, register, seed000) -> None:
    import datetime as dt

    at = dt.datetime(2024, 9, 27, 2, tzinfo=dt.UTC)
    a, b, c = (register(text, received_at=at) for text in (GIFT, CANTEEN, LIBRARY))
    r = clients["member"].get(reverse("triage:report", args=[b.pk]))  # newest first: higher id first on a tie
    assert (r.context["previous"].pk, r.context["following"].pk) == (c.pk, a.pk)
    r = clients["member"].get(reverse("triage:report", args=[b.pk]) + "?sort=old")
    assert (r.context["previous"].pk, r.context["following"].pk) == (a.pk, c.pk)
