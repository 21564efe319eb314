"""Rounds and their teams (/rounds/, /rounds/<pk>/)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Round, Team

pytestmark = pytest.mark.django_db


def test_rounds_page_lists_rounds_with_their_teams_and_targets(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["office"].get(reverse("inspections:rounds")).content.decode()
    for name in ("省委教育工委2024年提级巡察", "七届市委第六轮常规巡察", "测试市委第一轮常规巡察",
                 "省委教育工委提级巡察二组", "市委第五巡察组", "防城港职业技术学院党委"):
        assert name in html


def test_create_a_round(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    data = post_form(office.get(reverse("inspections:rounds"))).data(
        {"name": "七届市委第七轮常规巡察", "kind": "special", "organizer": "市委", "year": "2025"})

    response = office.post(reverse("inspections:rounds"), data, follow=True)

    obj = Round.objects.get(name="七届市委第七轮常规巡察")
    assert (obj.kind, obj.organizer, obj.year) == ("special", "市委", 2025)
    assert response.redirect_chain == [(reverse("inspections:round", args=[obj.pk]), 302)]
    html = response.content.decode()
    assert "已创建巡察轮次：七届市委第七轮常规巡察" in html
    assert "专项巡察" in html
    assert AuditEvent.objects.filter(action="round.create", object_id=str(obj.pk)).exists()


def test_a_round_name_is_unique(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    count = Round.objects.count()
    data = post_form(office.get(reverse("inspections:rounds"))).data({"name": "七届市委第六轮常规巡察", "year": "2024"})

    response = office.post(reverse("inspections:rounds"), data)

    assert response.status_code == 200
    assert "已有名为“七届市委第六轮常规巡察”的巡察轮次。" in response.content.decode()
    assert Round.objects.count() == count


def test_round_form_errors_are_in_chinese(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    data = post_form(office.get(reverse("inspections:rounds"))).data({"name": "某轮巡察", "year": "1999"})
    response = office.post(reverse("inspections:rounds"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "确保该值大于或等于2000。" in html
    assert 'value="某轮巡察"' in html
    assert not Round.objects.filter(name="某轮巡察").exists()


def test_create_a_team_in_a_round(clients: Any, seed001: Any) -> None:
    office = clients["office"]
    url = reverse("inspections:round", args=[seed001.round_id])
    response = office.post(url, post_form(office.get(url)).data({"name": "市委第六巡察组"}), follow=True)

    team = Team.objects.get(round=seed001.round, name="市委第六巡察组")
    assert response.redirect_chain == [(reverse("inspections:team", args=[team.pk]), 302)]
    assert "已组建市委第六巡察组，请添加成员。" in response.content.decode()
    assert AuditEvent.objects.filter(action="team.create", object_id=str(team.pk)).exists()


def test_a_team_name_is_unique_within_its_round(clients: Any, seed001: Any) -> None:
    office = clients["office"]
    url = reverse("inspections:round", args=[seed001.round_id])
    count = Team.objects.count()
    response = office.post(url, post_form(office.get(url)).data({"name": "市委第五巡察组"}))
    assert response.status_code == 200
    assert "本轮次已有“市委第五巡察组”。" in response.content.decode()
    assert Team.objects.count() == count
