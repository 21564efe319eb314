from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xuncha.inspections.models import LeadershipMember, MustTalkRule

pytestmark = pytest.mark.django_db


def test_office_keeps_the_leadership_of_a_target(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    target = demo["practice"].target
    url = f"/targets/{target.pk}/leadership/"
    assert "领导班子（必谈名单来源）" in clients["office"].get(f"/targets/{target.pk}/").content.decode()
    bad = clients["office"].post(url, {"name": "王书记", "post": "", "category": "leadership"})
    assert bad.status_code == 400 and 'value="王书记"' in bad.content.decode()
    r = clients["office"].post(url, {"name": "王书记", "post": "党委书记", "category": "leadership", "in_office_since": "2020-01-01"})
    assert r.status_code == 302
    m = LeadershipMember.objects.get(org=target)
    r = clients["office"].post(f"/targets/{target.pk}/leadership/{m.pk}/edit/", {
        "name": "王书记", "post": "党委书记", "category": "leadership", "in_office_since": "2020-01-01", "left_on": "2019-01-01"})
    assert r.status_code == 400 and "离任时间不能早于任职时间" in r.content.decode()
    clients["office"].post(f"/targets/{target.pk}/leadership/{m.pk}/edit/", {
        "name": "王书记", "post": "原党委书记", "category": "leadership", "in_office_since": "2020-01-01", "left_on": "2025-01-01"})
    assert LeadershipMember.objects.get(pk=m.pk).post == "原党委书记"
    assert "原党委书记" in clients["office"].get(url).content.decode()


def test_office_edits_the_must_talk_rule(clients: dict[str, Client]) -> None:
    assert clients["office"].get("/must-talk-rule/").status_code == 200
    r = clients["office"].post("/must-talk-rule/", {"categories": ["leadership"], "left_within_years": 2})
    assert r.status_code == 302
    rule = MustTalkRule.objects.get(pk=1)
    assert rule.categories == ["leadership"] and rule.left_within_years == 2


@pytest.mark.parametrize("persona", ["leader", "member", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "norole"])
def test_nobody_else_finds_them(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    target = demo["practice"].target
    for url in (f"/targets/{target.pk}/leadership/", "/must-talk-rule/"):
        assert clients[persona].get(url).status_code == 404
    assert clients[persona].post("/must-talk-rule/", {"categories": ["leadership"], "left_within_years": 2}).status_code == 404
