"""Acceptance channels: add, edit, delete (/inspections/<pk>/channels/...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.formdata import post_form
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import AcceptanceHours, Channel, Inspection

pytestmark = pytest.mark.django_db


def _new_url(inspection: Inspection) -> str:
    return reverse("inspections:channel_create", args=[inspection.pk])


def _browser_data(client: Any, url: str, **values: str) -> dict[str, Any]:
    page = client.get(url)
    assert page.status_code == 200
    return post_form(page, having="kind").data(values)


def test_add_a_phone_with_two_hour_ranges(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    url = _new_url(seed000)
    data = _browser_data(office, url, **{
        "kind": "phone", "label": "值班电话", "value": "0571-86830000", "order": "7",
        "hours-0-days": "workdays", "hours-0-start": "08:30", "hours-0-end": "12:00",
        "hours-1-days": "everyday", "hours-1-start": "14:30", "hours-1-end": "17:30",
    })

    response = office.post(url, data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("inspections:detail", args=[seed000.pk])
    channel = Channel.objects.get(inspection=seed000, value="0571-86830000")
    assert (channel.kind, channel.label, channel.order) == ("phone", "值班电话", 7)
    hours = [(h.days, h.start, h.end) for h in channel.hours.order_by("start")]
    assert hours == [("workdays", dt.time(8, 30), dt.time(12)), ("everyday", dt.time(14, 30), dt.time(17, 30))]
    html = response.content.decode()
    assert "受理渠道已保存。" in html
    assert "受理渠道（6）" in html
    assert "工作日08:30-12:00" in html and "每天14:30-17:30" in html
    event = AuditEvent.objects.get(action="channel.create", object_id=str(channel.pk))
    assert event.data == {"inspection": seed000.pk, "hours": ["workdays 08:30-12:00", "everyday 14:30-17:30"]}


def test_add_an_email_leaving_the_hour_rows_empty(clients: Any, seed000: Inspection) -> None:
    """The page renders two empty hour rows whose day <select> still submits its first option."""
    office = clients["office"]
    url = _new_url(seed000)
    data = _browser_data(office, url, kind="email", value="xcz@example.org")
    assert data["hours-0-days"] == "workdays" and data["hours-0-start"] == ""

    response = office.post(url, data)

    assert response.status_code == 302, response.content.decode()
    channel = Channel.objects.get(inspection=seed000, value="xcz@example.org")
    assert channel.hours.count() == 0


def test_an_hour_range_that_ends_before_it_starts_is_refused_and_nothing_is_saved(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    url = _new_url(seed000)
    data = _browser_data(office, url, **{
        "kind": "phone", "value": "0571-86839999",
        "hours-0-start": "08:30", "hours-0-end": "11:30",
        "hours-1-start": "16:30", "hours-1-end": "13:30",
    })
    channels, hours, events = Channel.objects.count(), AcceptanceHours.objects.count(), AuditEvent.objects.count()

    response = office.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "开始时间须早于结束时间。" in html
    assert 'value="0571-86839999"' in html
    assert 'value="16:30"' in html
    assert (Channel.objects.count(), AcceptanceHours.objects.count(), AuditEvent.objects.count()) == (channels, hours, events)


def test_equal_start_and_end_is_refused(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    url = _new_url(seed000)
    data = _browser_data(office, url, **{"kind": "visit", "location": "行政楼305室",
                                         "hours-0-start": "09:00", "hours-0-end": "09:00"})
    response = office.post(url, data)
    assert response.status_code == 200
    assert "开始时间须早于结束时间。" in response.content.decode()
    assert not Channel.objects.filter(location="行政楼305室").exists()


@pytest.mark.parametrize(("values", "message"), [
    ({"kind": "letterbox", "location": ""}, "联系信箱须填写放置地点。"),
    ({"kind": "post", "value": "某市邮政1号信箱", "postcode": "31001"}, "邮编应为6位数字。"),
    ({"kind": "phone", "value": "  "}, "请填写号码、地址或网址。"),
])
def test_incomplete_channels_are_refused_in_chinese(clients: Any, seed000: Inspection, values: dict[str, str], message: str) -> None:
    office = clients["office"]
    url = _new_url(seed000)
    count = Channel.objects.count()
    response = office.post(url, _browser_data(office, url, **values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Channel.objects.count() == count


def test_edit_shows_the_hours_and_replaces_them(clients: Any, seed000: Inspection) -> None:
    office = clients["office"]
    phone = seed000.channels.get(kind="phone")
    url = reverse("inspections:channel_edit", args=[seed000.pk, phone.pk])
    page = office.get(url)
    data = post_form(page, having="kind").data()
    assert (data["kind"], data["value"]) == ("phone", "0571-86837284")
    assert (data["hours-0-start"], data["hours-0-end"], data["hours-1-start"], data["hours-1-end"]) == (
        "08:30", "11:30", "13:30", "16:30")
    assert data["hours-INITIAL_FORMS"] == "2"

    data.update({"hours-1-DELETE": "on", "hours-0-end": "12:00", "label": "举报电话"})
    response = office.post(url, data)

    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.label == "举报电话"
    assert [(h.start, h.end) for h in phone.hours.all()] == [(dt.time(8, 30), dt.time(12))]
    assert AuditEvent.objects.filter(action="channel.update", object_id=str(phone.pk)).exists()


def test_a_channel_of_another_inspection_is_not_reachable_through_this_one(clients: Any, demo: dict[str, Any]) -> None:
    seed000, other = demo["seed000"], demo["other"]
    foreign = other.channels.get()
    for name in ("channel_edit", "channel_delete"):
        url = reverse(f"inspections:{name}", args=[seed000.pk, foreign.pk])
        response = clients["office"].post(url, {"kind": "phone", "value": "1", "hours-TOTAL_FORMS": "0", "hours-INITIAL_FORMS": "0"})
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.value == "0770-1234567"


def test_delete(clients: Any, seed000: Inspection) -> None:
    phone = seed000.channels.get(kind="phone")
    hour_ids = list(phone.hours.values_list("pk", flat=True))
    assert len(hour_ids) == 2

    response = clients["office"].post(reverse("inspections:channel_delete", args=[seed000.pk, phone.pk]), follow=True)

    assert "受理渠道已删除。" in response.content.decode()
    assert "受理渠道（4）" in response.content.decode()
    assert not Channel.objects.filter(pk=phone.pk).exists()
    assert not AcceptanceHours.objects.filter(pk__in=hour_ids).exists()
    event = AuditEvent.objects.get(action="channel.delete", object_id=str(phone.pk))
    assert "0571-86837284" in event.summary
