"""Inspected party organisations (/targets/)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import TargetOrg

pytestmark = pytest.mark.django_db
URL = "/targets/"


def test_targets_are_listed(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["office"].get(URL).content.decode()
    for name in ("中国计量大学机电工程学院党委", "防城港职业技术学院党委", "示范职业技术学院党委", "测试学院党委"):
        assert name in html


def test_register_a_target(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    data = post_form(office.get(URL)).data({"name": "防城港市第一中学党委", "short_name": "市一中", "parent": "市委教育工委"})

    response = office.post(URL, data, follow=True)

    assert response.redirect_chain == [(reverse("inspections:targets"), 302)]
    obj = TargetOrg.objects.get(name="防城港市第一中学党委")
    assert (obj.short_name, obj.parent) == ("市一中", "市委教育工委")
    html = response.content.decode()
    assert "已登记。" in html and "防城港市第一中学党委" in html
    assert AuditEvent.objects.filter(action="target.create", object_id=str(obj.pk)).exists()


def test_a_target_is_registered_once(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    count = TargetOrg.objects.count()
    response = office.post(URL, post_form(office.get(URL)).data({"name": "测试学院党委"}))
    assert response.status_code == 200
    assert "“测试学院党委”已登记。" in response.content.decode()
    assert TargetOrg.objects.count() == count


def test_a_name_is_required(clients: Any, demo: dict[str, Any]) -> None:
    office = clients["office"]
    count = TargetOrg.objects.count()
    response = office.post(URL, post_form(office.get(URL)).data({"short_name": "无名"}))
    assert response.status_code == 200
    assert "这个字段是必填项。" in response.content.decode()
    assert TargetOrg.objects.count() == count
