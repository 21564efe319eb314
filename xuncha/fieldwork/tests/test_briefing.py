"""The briefing before entry (巡前情况通报): services, pages, the request letter (.docx reopened), sealed
attachments, leads from the summary that a finding takes in, and persona × page access (the team only)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.errors import Invalid, NotFound
from xuncha.fieldwork import evidence
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.briefing import BriefingRequest
from xuncha.fieldwork.services_briefing import (
    briefing_answer_register,
    briefing_request_create,
    briefing_summary_save,
)
from xuncha.uploads import attachment_storage

from .helpers import user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEAM = {"leader", "member"}
DAY = dt.date(2026, 11, 2)


def _ask(inspection: Any, kind: str = "discipline", **kw: Any) -> BriefingRequest:
    return briefing_request_create(actor=user("member"), inspection=inspection, body_kind=kind, requested_on=DAY, **kw)


def test_request_answer_and_summary(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    first = _ask(practice, body_name="防城港市纪委监委", due_on=DAY + dt.timedelta(days=5))
    second = _ask(practice, "petitions")
    assert (first.number, second.number) == (1, 2)
    # The city office's template for the petitions office (demo settings); the platform's default otherwise.
    assert second.body_name == "信访部门" and "重复信访和越级信访" in second.asks
    assert "经济责任审计" in _ask(practice, "audit").asks
    answered = briefing_answer_register(actor=user("member"), briefing=first, answered_on=DAY + dt.timedelta(days=3),
                                        answer="近三年收到问题线索 4 件。",
                                        files=[SimpleUploadedFile("通报材料.png", PNG)])
    att = answered.attachments.get()
    assert attachment_storage().is_sealed(att.file.name)  # sealed at rest like every attachment
    assert att.file.open("rb").read() == PNG
    summary = briefing_summary_save(actor=user("leader"), inspection=practice, text="重点关注工程建设领域。",
                                    problems=["基建项目招投标", "", "食堂承包"])
    leads = Lead.objects.filter(inspection=practice, source=Lead.Source.BRIEFING)
    assert sorted(leads.values_list("text", flat=True)) == ["基建项目招投标", "食堂承包"]
    assert set(leads.values_list("source_id", flat=True)) == {summary.pk}
    actions = set(AuditEvent.objects.filter(action__startswith="briefing.").values_list("action", flat=True))
    assert {"briefing.request", "briefing.answer", "briefing.summary"} <= actions
    # A finding may cite the answered briefing (not the unanswered one).
    ref = evidence.resolve("briefing", actor=user("member"), inspection_id=practice.pk, object_id=first.pk)
    assert ref is not None and "防城港市纪委监委" in ref.label
    assert evidence.resolve("briefing", actor=user("member"), inspection_id=practice.pk, object_id=second.pk) is None
    assert evidence.resolve("briefing", actor=user("office"), inspection_id=practice.pk, object_id=first.pk) is None


def test_invalid_input_is_refused(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    with pytest.raises(Invalid):
        _ask(practice, "nonsense")
    with pytest.raises(Invalid):
        _ask(practice, due_on=DAY - dt.timedelta(days=1))
    b = _ask(practice)
    with pytest.raises(Invalid):
        briefing_answer_register(actor=user("member"), briefing=b, answered_on=DAY, answer="  ")
    with pytest.raises(Invalid):
        briefing_answer_register(actor=user("member"), briefing=b, answered_on=DAY - dt.timedelta(days=1), answer="有")
    with pytest.raises(Invalid):
        briefing_answer_register(actor=user("member"), briefing=b, answered_on=DAY, answer="有",
                                 files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")])
    with pytest.raises(Invalid):
        briefing_summary_save(actor=user("member"), inspection=practice, text="", problems=[" "])
    with pytest.raises(NotFound):
        _ask(demo["other"])  # another team's inspection
    with pytest.raises(NotFound):
        briefing_request_create(actor=user("office"), inspection=practice, body_kind="audit", requested_on=DAY)


def test_letter_docx_reopens(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    from docx import Document

    b = _ask(demo["practice"], body_name="防城港市审计局", due_on=DAY + dt.timedelta(days=7))
    r = clients["member"].get(f"/briefings/{b.pk}/letter.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "关于商请通报" in text and "防城港市审计局：" in text and demo["practice"].target.name in text
    assert "二〇二六年十一月九日" in text or "2026" in text
    assert AuditEvent.objects.filter(action="briefing.letter").exists()


def test_pages_flow(clients: dict[str, Client], demo: dict[str, Any]) -> None:
    p = demo["practice"].pk
    c = clients["member"]
    assert "巡前情况通报" in c.get(f"/inspections/{p}/fieldwork/").content.decode()
    bad = c.post(f"/inspections/{p}/briefings/", {"action": "request", "r-body_kind": "organisation", "r-body_name": "市委组织部",
                                                  "r-requested_on": "不是日期"})
    assert bad.status_code == 400 and "市委组织部" in bad.content.decode()  # keeps what was typed
    ok = c.post(f"/inspections/{p}/briefings/", {"action": "request", "r-body_kind": "organisation", "r-body_name": "市委组织部",
                                                 "r-requested_on": "2026-11-02", "r-due_on": "2026-11-06"})
    assert ok.status_code == 302
    b = BriefingRequest.objects.get(inspection_id=p, body_name="市委组织部")
    page = c.get(f"/inspections/{p}/briefings/").content.decode()
    assert "市委组织部" in page and "待回复" in page
    r = c.post(f"/briefings/{b.pk}/", {"answered_on": "2026-11-05", "answer": "干部选任情况正常。",
                                       "attachments": SimpleUploadedFile("干部情况.png", PNG)})
    assert r.status_code == 302
    att = b.attachments.get()
    detail = c.get(f"/briefings/{b.pk}/").content.decode()
    assert "干部选任情况正常" in detail and f"/briefing-attachments/{att.pk}/" in detail
    assert c.get(f"/briefing-attachments/{att.pk}/").content == PNG
    r = c.post(f"/inspections/{p}/briefings/", {"action": "summary", "s-text": "综合", "s-problems": "选人用人\n"})
    assert r.status_code == 302
    assert "选人用人" in c.get(f"/inspections/{p}/briefings/").content.decode()
    # No server error on junk input.
    for data in ({"action": "request"}, {"action": "summary"}, {"action": "x"}, {}):
        assert c.post(f"/inspections/{p}/briefings/", data).status_code in (200, 400)
    assert c.post(f"/briefings/{b.pk}/", {"answered_on": "2026-13-45"}).status_code == 400


@pytest.mark.parametrize("persona", [*PERSONAS, "office_cjlu", "office_city", "anonymous"])
def test_access_matrix(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    """The team only: the office (any level), the liaison, other teams and everyone else get 404."""
    practice = demo["practice"]
    b = _ask(practice)
    briefing_answer_register(actor=user("member"), briefing=b, answered_on=DAY, answer="有",
                             files=[SimpleUploadedFile("a.png", PNG)])
    att = b.attachments.get()
    c = clients[persona]
    urls = [f"/inspections/{practice.pk}/briefings/", f"/briefings/{b.pk}/", f"/briefings/{b.pk}/letter.docx",
            f"/briefing-attachments/{att.pk}/"]
    for url in urls:
        code = c.get(url).status_code
        if persona == "anonymous":
            assert code == 302, url
        else:
            assert code == (200 if persona in TEAM else 404), (url, persona, code)
    write = c.post(f"/inspections/{practice.pk}/briefings/", {"action": "summary", "s-text": "综合"}).status_code
    assert write == (302 if persona in TEAM else 302 if persona == "anonymous" else 404)
    # Another team's inspection: the demo team gets 404 too.
    other = demo["other"]
    if persona in TEAM:
        assert c.get(f"/inspections/{other.pk}/briefings/").status_code == 404


@pytest.mark.parametrize("persona", [*PERSONAS, "office_cjlu", "office_city"])
def test_api(clients: dict[str, Client], demo: dict[str, Any], persona: str) -> None:
    from xuncha.rectification.models import Finding

    practice = demo["practice"]
    b = _ask(practice, body_name="市信访局")
    briefing_answer_register(actor=user("member"), briefing=b, answered_on=DAY, answer="来信 5 件",
                             files=[SimpleUploadedFile("a.png", PNG)])
    briefing_summary_save(actor=user("leader"), inspection=practice, text="综合", problems=["重复信访"])
    r = clients[persona].get(f"/api/v1/inspections/{practice.pk}/briefings")
    if persona not in TEAM:
        assert r.status_code == 404
        return
    body = r.json()
    assert [x["body_name"] for x in body["briefings"]] == ["市信访局"]
    assert body["briefings"][0]["attachments"][0]["name"] == "a.png" and body["summary"] == "综合"
    lead = body["leads"][0]
    assert lead["text"] == "重复信访" and lead["state"] == "open" and lead["findings"] == []
    # A finding takes the lead in: the briefing's problem is linked to it.
    finding = Finding.objects.filter(inspection=practice).first()
    if finding is not None:
        finding.leads.add(lead["id"])
        again = clients[persona].get(f"/api/v1/inspections/{practice.pk}/briefings").json()
        assert again["leads"][0]["findings"] == [finding.pk]
