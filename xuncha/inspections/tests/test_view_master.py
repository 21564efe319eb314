"""Pages of the master data, as the office uses them: searchable paginated lists with empty states and
breadcrumbs, the target search of the inspection form (with and without JavaScript), edit / close /
archive with POST-redirect-GET, liaisons and recipients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.accounts.models import RoleAssignment
from xuncha.accounts.roles import Role
from xuncha.inspections import services, services_master
from xuncha.inspections.models import Inspection, ReceivingBody, TargetOrg

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_targets(demo: dict[str, Any]) -> list[TargetOrg]:
    """Seventy targets: more than two pages of the list, too many for a select."""
    office = demo["users"]["office"]
    return [services.target_create(actor=office, name=f"示例县第{i:02d}中学党支部", short_name=f"县{i:02d}中")
            for i in range(70)]


def test_targets_list_is_paginated_and_searchable(clients: Any, many_targets: list[TargetOrg]) -> None:
    office = clients["office"]
    first = office.get(reverse("inspections:targets")).content.decode()
    assert 'rel="next"' in first and "第 1 页" in first
    second = office.get(reverse("inspections:targets"), {"page": 2}).content.decode()
    assert "第 2 页" in second and "上一页" in second

    found = office.get(reverse("inspections:targets"), {"q": "第07中"}).content.decode()
    assert "示例县第07中学党支部" in found
    assert "示例县第08中学党支部" not in found
    assert 'rel="next"' not in found


def test_empty_states_say_what_to_do(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    for name, words in [("targets", "请换个关键词"), ("rounds", "请换个关键词"), ("teams", "请换个关键词"),
                        ("people", "请换个关键词"), ("bodies", "请换个关键词")]:
        html = office.get(reverse(f"inspections:{name}"), {"q": "不存在的名字"}).content.decode()
        assert 'id="empty-state"' in html and words in html and "不存在的名字" in html, name
    html = office.get(reverse("inspections:targets"), {"archived": "1"}).content.decode()
    assert "没有已归档的党组织" in html


def test_breadcrumbs_lead_back(clients: Any, demo: dict[str, Any]) -> None:
    seed = demo["seed000"]
    html = clients["office"].get(reverse("inspections:team", args=[seed.team_id])).content.decode()
    assert 'class="breadcrumbs"' in html
    assert f'href="{reverse("inspections:rounds")}"' in html
    assert f'href="{reverse("inspections:round", args=[seed.round_id])}"' in html
    html = clients["office"].get(reverse("inspections:target", args=[seed.target_id])).content.decode()
    assert f'<li><a href="{reverse("inspections:targets")}">被巡察党组织</a></li>' in html


def test_archived_objects_are_hidden_until_the_filter_asks(clients: Any, demo: dict[str, Any]) -> None:
    office_user = demo["users"]["office"]
    other = demo["other"]
    services_master.target_archive(actor=office_user, target=other.target)
    services_master.inspection_archive(actor=office_user, inspection=other)
    office = clients["office"]
    assert other.target.name not in office.get(reverse("inspections:targets")).content.decode()
    assert other.target.name in office.get(reverse("inspections:targets"), {"archived": "1"}).content.decode()
    detail = reverse("inspections:detail", args=[other.pk])
    assert f'href="{detail}"' not in office.get(reverse("inspections:list")).content.decode()
    assert f'href="{detail}"' in office.get(reverse("inspections:list"), {"archived": "1"}).content.decode()
    assert office.get(detail).status_code == 200  # kept


def test_target_search_endpoint(clients: Any, many_targets: list[TargetOrg]) -> None:
    response = clients["office"].get(reverse("inspections:target_search"), {"q": "中学"})
    results = response.json()["results"]
    assert len(results) == 20  # capped
    assert all("中学" in r["name"] for r in results)
    exact = clients["office"].get(reverse("inspections:target_search"), {"q": "示例县第33中学党支部"}).json()["results"]
    assert exact[0]["name"] == "示例县第33中学党支部"
    assert clients["office"].get(reverse("inspections:target_search"), {"q": ""}).json() == {"results": []}


def _create_form(client: Any, **values: Any) -> dict[str, Any]:
    page = client.get(reverse("inspections:create"))
    assert page.status_code == 200
    return post_form(page, having="start_date").data({k: str(v) for k, v in values.items()})


def test_create_form_has_a_search_field_not_a_select_of_targets(clients: Any, many_targets: list[TargetOrg]) -> None:
    html = clients["office"].get(reverse("inspections:create")).content.decode()
    assert 'list="target-options"' in html
    assert '<select name="target"' not in html
    assert "示例县第33中学党支部" not in html  # nothing listed up front
    assert "js/target_search.js" in html


def test_create_without_javascript_by_typing_a_name(clients: Any, demo: dict[str, Any], many_targets: list[TargetOrg]) -> None:
    seed = demo["seed000"]
    office = clients["office"]
    # A part shared by many: refused, what was typed kept, the matches offered in the datalist.
    data = _create_form(office, round=seed.round_id, team=seed.team_id, target="第3", start_date="2025-03-03", working_days=10)
    response = office.post(reverse("inspections:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "不止一个" in html and 'value="第3"' in html
    assert '<option value="示例县第30中学党支部">' in html
    # The short name of exactly one: accepted.
    data["target"] = "县33中"
    response = office.post(reverse("inspections:create"), data)
    inspection = Inspection.objects.get(target__name="示例县第33中学党支部")
    assert response.status_code == 302 and response["Location"] == reverse("inspections:detail", args=[inspection.pk])
    # The same again: an exact duplicate, refused in Chinese.
    response = office.post(reverse("inspections:create"), data)
    assert "不能重复创建" in response.content.decode()
    assert Inspection.objects.filter(target__name="示例县第33中学党支部").count() == 1


def test_unknown_or_archived_target_is_refused(clients: Any, demo: dict[str, Any]) -> None:
    seed, other = demo["seed000"], demo["other"]
    services_master.target_archive(actor=demo["users"]["office"], target=other.target)
    for typed in ("完全没有的单位", other.target.name):
        data = _create_form(clients["office"], round=seed.round_id, team=seed.team_id, target=typed,
                            start_date="2025-03-03", working_days=10)
        html = clients["office"].post(reverse("inspections:create"), data).content.decode()
        assert "找不到名称含" in html, typed


def test_the_target_page_prefills_the_create_form(clients: Any, demo: dict[str, Any]) -> None:
    target = demo["other"].target
    html = clients["office"].get(reverse("inspections:create"), {"target": target.pk}).content.decode()
    assert f'value="{target.name}"' in html


def test_edit_pages_post_redirect_get(clients: Any, demo: dict[str, Any]) -> None:
    other = demo["other"]
    office = clients["office"]
    cases = [
        (reverse("inspections:round_edit", args=[other.round_id]), {"name": "测试轮次（改）", "kind": "special", "year": "2026"},
         reverse("inspections:round", args=[other.round_id])),
        (reverse("inspections:team_edit", args=[other.team_id]), {"name": "测试组（改）"}, reverse("inspections:team", args=[other.team_id])),
        (reverse("inspections:target_edit", args=[other.target_id]), {"name": "测试学院党委（改）"},
         reverse("inspections:target", args=[other.target_id])),
    ]
    member = other.team.members.first()
    cases.append((reverse("inspections:member_edit", args=[other.team_id, member.pk]),
                  {"name": "其他组长（改）", "position": "deputy"}, reverse("inspections:team", args=[other.team_id])))
    for url, values, back in cases:
        page = office.get(url)
        assert page.status_code == 200 and 'class="breadcrumbs"' in page.content.decode()
        data = post_form(page, having="name").data(values)
        response = office.post(url, data)
        assert (response.status_code, response["Location"]) == (302, back), url
    other.refresh_from_db()
    assert (other.round.name, other.round.kind, other.team.name, other.target.name) == (
        "测试轮次（改）", "special", "测试组（改）", "测试学院党委（改）")


def test_edit_keeps_what_was_typed_on_refusal(clients: Any, demo: dict[str, Any]) -> None:
    other, seed = demo["other"], demo["seed000"]
    url = reverse("inspections:target_edit", args=[other.target_id])
    response = clients["office"].post(url, {"name": seed.target.name, "address": "某路1号"})
    html = response.content.decode()
    assert response.status_code == 200 and "已登记" in html and 'value="某路1号"' in html


def test_close_and_archive_buttons_ask_first_and_redirect(clients: Any, demo: dict[str, Any]) -> None:
    other = demo["other"]
    office = clients["office"]
    html = office.get(reverse("inspections:detail", args=[other.pk])).content.decode()
    assert f'action="{reverse("inspections:close", args=[other.pk])}" class="inline" data-confirm=' in html
    assert f'action="{reverse("inspections:archive", args=[other.pk])}" class="inline" data-confirm=' in html
    response = office.post(reverse("inspections:close", args=[other.pk]), follow=True)
    assert response.redirect_chain == [(reverse("inspections:detail", args=[other.pk]), 302)]
    assert "公开页面不再接受网上反映" in response.content.decode()
    # Twice: a clear message, no error page.
    response = office.post(reverse("inspections:close", args=[other.pk]), follow=True)
    assert "该巡察任务已经关闭" in response.content.decode()


def test_public_page_of_a_closed_inspection(client: Any, demo: dict[str, Any]) -> None:
    other = demo["other"]
    services_master.inspection_close(actor=demo["users"]["office"], inspection=other)
    html = client.get(reverse("portal:inspection", args=[other.public_id])).content.decode()
    assert "本次巡察任务已结束受理，网上反映已关闭" in html
    assert 'name="content"' not in html
    response = client.post(reverse("portal:inspection", args=[other.public_id]), {"content": "反映问题"})
    assert response.status_code == 410
    assert "已由巡察办关闭" in response.content.decode()


def test_round_close_and_member_leave_from_the_pages(clients: Any, demo: dict[str, Any]) -> None:
    other = demo["other"]
    office = clients["office"]
    response = office.post(reverse("inspections:round_close", args=[other.round_id]), follow=True)
    html = response.content.decode()
    assert 'id="round-state"' in html and "组建巡察组</h2>" not in html
    member = other.team.members.first()
    office.post(reverse("inspections:member_leave", args=[other.team_id, member.pk]))
    html = office.get(reverse("inspections:team", args=[other.team_id])).content.decode()
    assert "已离组" in html
    assert "没有姓名含“其他组长”的成员" in office.get(reverse("inspections:people"), {"q": "其他组长"}).content.decode()
    html = office.get(reverse("inspections:people"), {"q": "其他组长", "left": "1"}).content.decode()
    assert "其他组长</td>" not in html and "其他组长 <span class=\"badge\">已离组</span>" in html


def test_liaison_assigned_and_removed_from_the_target_page(clients: Any, demo: dict[str, Any]) -> None:
    target = demo["other"].target
    url = reverse("inspections:target", args=[target.pk])
    office = clients["office"]
    response = office.post(url, {"username": "没有这个人"})
    assert "没有用户名为“没有这个人”的账号" in response.content.decode()
    response = office.post(url, {"username": "norole"})
    assert (response.status_code, response["Location"]) == (302, url)
    norole = demo["users"]["norole"]
    assert RoleAssignment.objects.filter(user=norole, role=Role.LIAISON, org=target).exists()
    html = office.get(url).content.decode()
    remove = reverse("inspections:target_liaison_remove", args=[target.pk, norole.pk])
    assert f'action="{remove}" class="inline" data-confirm=' in html
    office.post(remove)
    assert not RoleAssignment.objects.filter(user=norole, role=Role.LIAISON, org=target).exists()


def test_recipient_assigned_and_removed_from_the_body_page(clients: Any, demo: dict[str, Any]) -> None:
    body = ReceivingBody.objects.get(name="示范市纪委监委")
    url = reverse("inspections:body", args=[body.pk])
    office = clients["office"]
    assert office.post(url, {"username": "norole"}).status_code == 302
    norole = demo["users"]["norole"]
    assert "norole" in office.get(url).content.decode()
    office.post(reverse("inspections:body_recipient_remove", args=[body.pk, norole.pk]))
    assert not RoleAssignment.objects.filter(user=norole, role=Role.RECIPIENT, body=body).exists()
    # The sysadmin may not be a recipient (三员分立), said on the form.
    assert "三员分立" in office.post(url, {"username": "sysadmin"}).content.decode()


def test_edit_of_an_inspection_refuses_an_overlap(clients: Any, demo: dict[str, Any]) -> None:
    seed = demo["seed000"]
    later = services.inspection_create(actor=demo["users"]["office"], round=seed.round, team=seed.team, target=seed.target,
                                       start_date=seed.end_date + dt.timedelta(days=1), end_date=seed.end_date + dt.timedelta(days=30))
    url = reverse("inspections:edit", args=[later.pk])
    data = post_form(clients["office"].get(url), having="start_date").data({"start_date": str(seed.start_date)})
    html = clients["office"].post(url, data).content.decode()
    assert "不能重复创建" in html
