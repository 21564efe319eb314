from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from xuncha.fieldwork.models import Interview, Lead

from .helpers import at, leadership, scheduled, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(demo: dict[str, Any]) -> Any:
    return demo["practice"]


def test_member_adds_schedules_and_records_a_talk(clients: dict[str, Client], practice: Any) -> None:
    c = clients["member"]
    r = c.post(f"/inspections/{practice.pk}/talks/", {"category": "chosen", "kind": "teacher", "name": "张三丰", "post": "教师"})
    assert r.status_code == 302
    it = Interview.objects.get(inspection=practice)
    page = c.get(f"/talks/{it.pk}/").content.decode()
    assert "张**" in page and "张三丰" not in page and "师德师风" in page  # masked; the teacher's outline
    s = seats(practice)
    bad = c.post(f"/talks/{it.pk}/schedule/", {"scheduled_at": "2026-11-25T09:00", "duration_minutes": 60, "room": "302",
                                              "interviewers": [s[0].pk], "recorder": s[2].pk})
    assert bad.status_code == 400 and "至少安排 2 名谈话人" in bad.content.decode()
    assert 'value="302"' in bad.content.decode()  # keeps what was typed
    ok = c.post(f"/talks/{it.pk}/schedule/", {"scheduled_at": "2026-11-25T09:00", "duration_minutes": 60, "room": "302",
                                             "interviewers": [s[0].pk, s[1].pk], "recorder": s[2].pk})
    assert ok.status_code == 302
    data = {"summary": "谈及食堂承包。", "signed": "paper", "signed_on": "2026-11-20",
            "m-TOTAL_FORMS": "3", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "0", "m-MAX_NUM_FORMS": "50",
            "m-0-text": "院长指定亲属承包食堂，收受好处费", "m-0-as_lead": "on", "m-1-text": "宿舍维修慢"}
    r = c.post(f"/talks/{it.pk}/record/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    lead = Lead.objects.get(inspection=practice)
    assert lead.source_id == it.pk and lead.disciplines  # the classifier's suggestion filled in
    assert "院长指定亲属" in c.get(f"/inspections/{practice.pk}/fieldwork/leads/").content.decode()
    overview = c.get(f"/inspections/{practice.pk}/fieldwork/").content.decode()
    assert it.label in overview and "张三丰" not in overview


def test_overview_warns_of_must_talks_not_held(clients: dict[str, Client], practice: Any) -> None:
    leadership(practice)
    clients["member"].post(f"/inspections/{practice.pk}/talks/must/")
    page = clients["member"].get(f"/inspections/{practice.pk}/fieldwork/").content.decode()
    assert "必谈人员尚有 5 人未谈话" in page and "王**" in page and "王书记" not in page


def test_leader_reveals_with_a_reason(clients: dict[str, Client], practice: Any) -> None:
    it = scheduled(practice, name="张三丰")
    assert "查看谈话对象身份" not in clients["member"].get(f"/talks/{it.pk}/").content.decode()
    assert clients["member"].post(f"/talks/{it.pk}/reveal/", {"reason": "核实所述情况"}).status_code == 404
    r = clients["leader"].post(f"/talks/{it.pk}/reveal/", {"reason": "核实所述情况需要"})
    assert "张三丰" in r.content.decode()


def test_liaison_sees_the_schedule_without_reasons_and_prints_it(clients: dict[str, Client], practice: Any) -> None:
    from docx import Document
    from pypdf import PdfReader

    must = scheduled(practice, name="王书记", category="must")
    scheduled(practice, name="约谈人", category="requested", when=at(2))
    page = clients["liaison"].get(f"/inspections/{practice.pk}/fieldwork/schedule/").content.decode()
    assert "王书记" in page and "约谈人" not in page and "必谈" not in page and "302会议室" in page
    assert clients["liaison"].get(f"/talks/{must.pk}/").status_code == 404
    doc = Document(io.BytesIO(clients["liaison"].get(f"/inspections/{practice.pk}/fieldwork/schedule.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "王书记" in text and "302会议室" in text and "约谈人" not in text and "必谈" not in text
    pdf = PdfReader(io.BytesIO(clients["leader"].get(f"/inspections/{practice.pk}/fieldwork/schedule.pdf").content))
    assert "302" in pdf.pages[0].extract_text()
    assert clients["member"].get(f"/inspections/{practice.pk}/fieldwork/schedule.pdf").status_code == 403
    office = clients["office"].get(f"/inspections/{practice.pk}/fieldwork/schedule/").content.decode()
    assert "王**" in office and "共 2 人" in office


def test_field_records_and_closing_a_lead(clients: dict[str, Client], practice: Any) -> None:
    c = clients["member"]
    r = c.post(f"/inspections/{practice.pk}/fieldwork/records/new/", {
        "kind": "forum", "held_on": "2026-11-20", "title": "教师座谈会", "participants": "教师 8\n学生 4",
        "notes": "反映职称评审不透明", "leads": "职称评审不透明"})
    assert r.status_code == 302
    lead = Lead.objects.get(inspection=practice)
    assert lead.source == "visit"
    bad = c.post(f"/inspections/{practice.pk}/fieldwork/records/new/", {"kind": "team_meeting", "held_on": "2026-11-20", "title": "组务会"})
    assert bad.status_code == 400 and "组务会请记录议定事项" in bad.content.decode()
    c.post(f"/leads/{lead.pk}/close/", {"reason": "经核实不属实"})
    assert Lead.objects.get(pk=lead.pk).state == "closed"


def test_a_record_attachment_opens_for_the_team_only_and_is_audited(clients: dict[str, Client], practice: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.audit.models import AuditEvent
    from xuncha.fieldwork.models.visits import FieldRecord

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = clients["member"].post(f"/inspections/{practice.pk}/fieldwork/records/new/", {
        "kind": "visit", "held_on": "2026-11-20", "title": "走访食堂", "attachments": SimpleUploadedFile("食堂照片.png", png)})
    assert r.status_code == 302
    record = FieldRecord.objects.get(inspection=practice, title="走访食堂")
    att = record.attachments.get()
    page = clients["member"].get(f"/field-records/{record.pk}/").content.decode()
    assert f"/field-attachments/{att.pk}/" in page
    got = clients["member"].get(f"/field-attachments/{att.pk}/")
    assert got.status_code == 200 and got.content == png
    assert AuditEvent.objects.filter(action="field_attachment.download").count() == 1
    for other in ("liaison", "recipient", "auditor", "office"):
        assert clients[other].get(f"/field-attachments/{att.pk}/").status_code == 404, other
