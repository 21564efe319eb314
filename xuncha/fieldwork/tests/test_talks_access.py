"""Role × object for every fieldwork page and action (the reading matrix is in xuncha/access/tests):
writes and downloads by every persona, against a table written by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import PERSONAS
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.services_leads import lead_create

from .helpers import scheduled, user

pytestmark = pytest.mark.django_db

TEAM = {"leader", "member"}


def _objects(practice: Any) -> dict[str, Any]:
    it = scheduled(practice, name="王书记", category="must")
    done = scheduled(practice, name="李老师")
    record = talks.interview_record(actor=user("member"), interview=done, summary="摘要",
                                    matters=[talks.MatterInput("食堂问题")], on_paper=True, signed_on=done.created_at.date())
    lead = lead_create(actor=user("member"), inspection=practice, source="other", source_id=None, text="待核实", disciplines=[])
    return {"it": it, "matter": record.matters.get(), "lead": lead}


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_writes_and_downloads(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    practice = demo["practice"]
    o = _objects(practice)
    c = clients[persona]
    it, p = o["it"], practice.pk
    writes = [
        (f"/inspections/{p}/talks/", {"category": "chosen", "kind": "other", "name": "某人"}),
        (f"/inspections/{p}/talks/must/", {}),
        (f"/talks/{it.pk}/cancel/", {"reason": ""}),
        (f"/talks/{it.pk}/outline/", {"outline": "提纲"}),
        (f"/talks/{it.pk}/relation/", {"member": "", "reason": ""}),
        (f"/talks/{it.pk}/schedule/", {}),
        (f"/talks/{it.pk}/record/", {"summary": ""}),
        (f"/talk-matters/{o['matter'].pk}/lead/", {"focus": ""}),
        (f"/leads/{o['lead'].pk}/close/", {"reason": ""}),
        (f"/inspections/{p}/fieldwork/records/new/", {"kind": "visit"}),
    ]
    for url, data in writes:
        code = c.post(url, data).status_code
        if persona in TEAM:
            assert code in (200, 302, 400), (url, persona, code)
        elif persona == "anonymous":
            assert code == 302 and "login" in c.post(url, data)["Location"], (url, persona, code)
        else:
            assert code == 404, (url, persona, code)
    reveal = c.post(f"/talks/{it.pk}/reveal/", {"reason": "核实所述情况需要"}).status_code
    assert reveal == {"leader": 200, "member": 404}.get(persona, 302 if persona == "anonymous" else 404)
    for fmt in ("docx", "pdf"):
        code = c.get(f"/inspections/{p}/fieldwork/schedule.{fmt}").status_code
        want = {"leader": 200, "liaison": 200, "member": 403}.get(persona, 302 if persona == "anonymous" else 404)
        assert code == want, (fmt, persona, code)
