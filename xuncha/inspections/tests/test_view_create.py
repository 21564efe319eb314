"""The office creates an inspection through the form (/inspections/new/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections import services
from xuncha.inspections.models import DEFAULT_SCOPE, Inspection, TeamMember

pytestmark = pytest.mark.django_db

URL = "/inspections/new/"



@pytest.fixture
def target(demo: dict[str, Any]) -> Any:
    return services.target_create(actor=demo["users"]["office"], name="中国计量大学质量与安全工程学院党委")


def _form(client: Any, **values: Any) -> dict[str, Any]:
    page = client.get(URL)
    assert page.status_code == 200
    return post_form(page, having="start_date").data({k: str(v) for k, v in values.items()})


def test_create_with_working_days_computes_the_end_and_is_audited(clients: Any, demo: dict[str, Any], target: Any) -> None:
    seed000 = demo["seed000"]
    office = clients["office"]
    data = _form(office, round=seed000.round_id, team=seed000.team_id, target=target.name, start_date="2024-09-25",
                 working_days=15, duration_text="15个工作日左右")

    response = office.post(URL, data, follow=True)

    inspection = Inspection.objects.get(target=target)
    assert response.redirect_chain == [(reverse("inspections:detail", args=[inspection.pk]), 302)]
    assert inspection.start_date == dt.date(2024, 9, 25)
    assert inspection.end_date == dt.date(2024, 10, 18)
    assert inspection.working_days == 15
    # The acceptance window defaults to the period, the scope to the standard text.
    assert (inspection.intake_start, inspection.intake_end) == (dt.date(2024, 9, 25), dt.date(2024, 10, 18))
    assert inspection.scope_text == DEFAULT_SCOPE
    assert inspection.duration_text == "15个工作日左右"
    html = response.content.decode()
    assert "已创建巡察任务，结束日期为 2024年10月18日" in html
    assert '<dd id="end-date">2024-10-18' in html
    event = AuditEvent.objects.get(action="inspection.create", object_id=str(inspection.pk))
    assert event.actor_name == "office"
    assert event.object_type == "inspections.inspection"
    assert "2024-09-25至2024-10-18" in event.summary


def test_create_with_explicit_end_and_early_intake_end(clients: Any, demo: dict[str, Any], target: Any) -> None:
    seed001 = demo["seed001"]
    data = _form(clients["office"], round=seed001.round_id, team=seed001.team_id, target=target.name, start_date="2024-03-06",
                 end_date="2024-06-21", intake_end="2024-06-14", duration_text="3个半月", postmark_counts="on")

    response = clients["office"].post(URL, data)

    assert response.status_code == 302
    inspection = Inspection.objects.get(target=target)
    assert (inspection.end_date, inspection.working_days) == (dt.date(2024, 6, 21), None)
    assert (inspection.intake_start, inspection.intake_end) == (dt.date(2024, 3, 6), dt.date(2024, 6, 14))
    assert inspection.postmark_counts is True


def test_missing_end_and_working_days_is_explained_in_chinese_and_keeps_the_typed_data(
        clients: Any, demo: dict[str, Any], target: Any) -> None:
    seed000 = demo["seed000"]
    data = _form(clients["office"], round=seed000.round_id, team=seed000.team_id, target=target.name, start_date="2024-09-25",
                 duration_text="大约三周", scope_text="自定义的受理范围")
    count = Inspection.objects.count()

    response = clients["office"].post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写结束日期，或填写工作日数由系统计算。" in html
    assert 'value="大约三周"' in html
    assert 'value="2024-09-25"' in html
    assert "自定义的受理范围</textarea>" in html
    assert f'value="{target.name}"' in html
    assert Inspection.objects.count() == count
    assert not AuditEvent.objects.filter(action="inspection.create", object_id__gt=str(count)).exclude(
        object_id__in=[str(pk) for pk in Inspection.objects.values_list("pk", flat=True)]).exists()


def test_required_fields_are_reported_in_chinese(clients: Any, demo: dict[str, Any]) -> None:
    count = Inspection.objects.count()
    response = clients["office"].post(URL, _form(clients["office"], duration_text="待定"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("这个字段是必填项。") == 4  # round, team, target, start date
    assert 'value="待定"' in html
    assert Inspection.objects.count() == count


@pytest.mark.parametrize(("values", "message"), [
    ({"end_date": "2024-09-20"}, "结束日期不能早于进驻日期。"),
    ({"end_date": "2024-10-30", "intake_start": "2024-10-10", "intake_end": "2024-10-01"}, "信访受理截止日期不能早于开始日期。"),
    ({"working_days": "0"}, "确保该值大于或等于1。"),
    ({"end_date": "2024-13-01"}, "输入一个有效的日期。"),
])
def test_invalid_period_is_refused_in_chinese(clients: Any, demo: dict[str, Any], target: Any, values: dict[str, str],
                                             message: str) -> None:
    seed000 = demo["seed000"]
    data = _form(clients["office"], round=seed000.round_id, team=seed000.team_id, target=target.name, start_date="2024-09-25",
                 duration_text="保留的表述", **values)
    count = Inspection.objects.count()

    response = clients["office"].post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="保留的表述"' in html
    assert Inspection.objects.count() == count


def test_team_of_another_round_is_refused(clients: Any, demo: dict[str, Any], target: Any) -> None:
    data = _form(clients["office"], round=demo["seed000"].round_id, team=demo["seed001"].team_id, target=target.name,
                 start_date="2024-09-25", working_days=15)
    response = clients["office"].post(URL, data)
    assert response.status_code == 200
    assert "所选巡察组不属于该巡察轮次。" in response.content.decode()
    assert not Inspection.objects.filter(target=target).exists()


def test_team_with_a_conflicted_member_cannot_be_sent_to_that_target(clients: Any, demo: dict[str, Any], target: Any) -> None:
    office = demo["users"]["office"]
    seed000 = demo["seed000"]
    member = services.team_member_add(actor=office, team=seed000.team, name="回避人", position=TeamMember.Position.MEMBER)
    services.conflict_declare(actor=office, member=member, org=target, reason="配偶在该学院任职")
    data = _form(clients["office"], round=seed000.round_id, team=seed000.team_id, target=target.name,
                 start_date="2024-09-25", working_days=15)

    response = clients["office"].post(URL, data)

    assert response.status_code == 200
    assert f"回避人已申报与{target.name}存在利益冲突，需回避" in response.content.decode()
    assert not Inspection.objects.filter(target=target).exists()


def test_the_form_is_in_chinese(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["office"].get(URL).content.decode()
    for label in ("巡察轮次", "巡察组", "被巡察党组织", "进驻日期", "工作日数", "结束日期", "信访受理截止", "新建巡察任务"):
        assert label in html
