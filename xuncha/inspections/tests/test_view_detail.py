"""The detail page of an inspection, as each role sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def _get(client: Any, inspection: Inspection) -> str:
    response = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_office_sees_the_facts_of_seed000(clients: Any, seed000: Inspection) -> None:
    html = _get(clients["office"], seed000)
    assert '<dd id="start-date">2024-09-25' in html
    assert '<dd id="end-date">2024-10-18' in html
    assert "按 15 个工作日计算" in html
    assert "期间共 15 个工作日" in html
    assert "受理渠道（5）" in html
    assert html.count('class="channel-row"') == 5
    for fact in ("0571-86837284", "工作日08:30-11:30", "工作日13:30-16:30", "tjxcz2@zjedu.gov.cn", "邮编310014",
                 "西区仰仪南楼一楼西侧楼梯口", "西区仰仪中楼一楼西侧楼梯口", "许翰信（省委教育工委专职副书记、省教育厅党组副书记）：动员讲话"):
        assert fact in html
    for link in ("edit", "channel_create", "meeting", "announcement_docx", "letterbox_notice"):
        assert reverse(f"inspections:{link}", args=[seed000.pk]) in html


def test_seed001_window_ends_before_the_inspection(clients: Any, seed001: Inspection) -> None:
    html = _get(clients["office"], seed001)
    assert '<dd id="intake">2024-03-06 至 2024-06-14 <span class="badge warn">早于巡察结束</span>' in html
    assert "受理渠道（7）" in html
    assert "工作日08:30-12:00" in html and "工作日15:00-18:00" in html


def test_viewing_is_audited(clients: Any, seed000: Inspection) -> None:
    _get(clients["member"], seed000)
    event = AuditEvent.objects.filter(action="inspection.view").latest("id")
    assert (event.actor_name, event.object_id) == ("member", str(seed000.pk))


def test_not_found_is_not_audited(clients: Any, seed000: Inspection) -> None:
    before = AuditEvent.objects.filter(action="inspection.view").count()
    assert clients["other_leader"].get(reverse("inspections:detail", args=[seed000.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="inspection.view").count() == before


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_team_sees_documents_but_no_planning_actions(clients: Any, seed000: Inspection, persona: str) -> None:
    html = _get(clients[persona], seed000)
    assert reverse("inspections:announcement_docx", args=[seed000.pk]) in html
    assert reverse("inspections:team", args=[seed000.team_id]) in html
    for link in ("edit", "channel_create", "meeting"):
        assert reverse(f"inspections:{link}", args=[seed000.pk]) not in html
    assert "/delete/" not in html


def test_liaison_sees_basic_facts_only(clients: Any, seed000: Inspection) -> None:
    html = _get(clients["liaison"], seed000)
    assert '<dd id="end-date">2024-10-18' in html
    assert "0571-86837284" in html
    for link in ("announcement_docx", "letterbox_notice", "edit", "meeting"):
        assert reverse(f"inspections:{link}", args=[seed000.pk]) not in html
    assert reverse("inspections:team", args=[seed000.team_id]) not in html
