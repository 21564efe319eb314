from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.fieldwork import selectors_talks as sel
from xuncha.fieldwork import services_leads as leads
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.models import Interview, Lead
from xuncha.inspections.models import ConflictDeclaration
from xuncha.inspections.services_leadership import must_rule_save

from .helpers import at, leadership, scheduled, seats, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(demo: dict[str, Any]) -> Any:
    return demo["practice"]


def test_must_list_follows_the_rule_and_regenerating_adds_only_newcomers(practice: Any) -> None:
    leadership(practice)
    member = user("member")
    assert talks.must_list_generate(actor=member, inspection=practice) == 5  # 4 in office + left 400 days ago
    assert talks.must_list_generate(actor=member, inspection=practice) == 0
    must_rule_save(actor=user("office"), categories=["leadership", "discipline", "organisation"], left_within_years=6)
    assert talks.must_list_generate(actor=member, inspection=practice) == 1
    musts = Interview.objects.filter(inspection=practice, category="must")
    assert musts.count() == 6
    assert all("王书记" not in str(i.identity_sealed) for i in musts)  # sealed
    assert [i.number for i in musts.order_by("number")] == list(range(1, 7))
    assert sel.must_outstanding(practice).count() == 6


def test_outsiders_are_told_nothing_exists(practice: Any) -> None:
    leadership(practice)
    for name in ("office", "liaison", "other_member", "recipient", "auditor"):
        with pytest.raises(NotFound):
            talks.must_list_generate(actor=user(name), inspection=practice)


def test_schedule_needs_two_interviewers_and_a_recorder_and_refuses_conflicts(practice: Any) -> None:
    member = user("member")
    it = talks.interview_create(actor=member, inspection=practice, category="chosen", who=talks.IntervieweeInput(name="张三"))
    s = seats(practice)
    with pytest.raises(Invalid) as exc:
        talks.interview_schedule(actor=member, interview=it, slot=talks.Slot(at(), "", s[:1], None))
    assert "至少安排 2 名谈话人。" in exc.value.messages and "请安排一名记录人。" in exc.value.messages
    ConflictDeclaration.objects.create(member=s[0], org=practice.target, reason="配偶在该单位任职")
    with pytest.raises(Invalid, match="利益冲突"):
        talks.interview_schedule(actor=member, interview=it, slot=talks.Slot(at(), "302", s[:2], s[2]))
    talks.interview_declare_relation(actor=member, interview=it, member=s[1], reason="表兄弟")
    with pytest.raises(Invalid, match="亲属关系"):
        talks.interview_schedule(actor=member, interview=it, slot=talks.Slot(at(), "302", s[1:3], s[3]))


def test_clashes_of_room_and_person_are_shown_and_moving_needs_a_reason(practice: Any) -> None:
    a = scheduled(practice, name="甲某")
    b = scheduled(practice, name="乙某", when=at() + dt.timedelta(minutes=30))
    clashes = sel.clashes_of(user=user("member"), interview=b)
    assert any("地点“302会议室”" in c for c in clashes) and any("同时参加第" in c for c in clashes)
    s = seats(practice)
    with pytest.raises(Invalid, match="改期请写明理由"):
        talks.interview_schedule(actor=user("member"), interview=b, slot=talks.Slot(at(2), "305", s[:2], s[2]))
    talks.interview_schedule(actor=user("member"), interview=b, slot=talks.Slot(at(2), "305", s[:2], s[2], reason="对象出差"))
    assert sel.clashes_of(user=user("member"), interview=a) == []
    assert b.changes.get().reason == "对象出差"
    talks.interview_cancel(actor=user("member"), interview=a, reason="对象病假")
    assert Interview.objects.get(pk=a.pk).state == "cancelled"


def test_liaison_schedule_names_times_and_rooms_but_never_a_requested_talk(practice: Any) -> None:
    scheduled(practice, name="王书记", category="must")
    requested, code = talks.talk_request_submit(inspection=practice, name="匿名者", contact="13800001111", topic="食堂问题")
    s = seats(practice)
    talks.interview_schedule(actor=user("member"), interview=requested, slot=talks.Slot(at(3), "305", s[:2], s[2]))
    rows = sel.schedule(user=user("liaison"), inspection=practice)
    assert [r.who for r in rows] == ["王书记（教师）"]
    team_rows = sel.schedule(user=user("member"), inspection=practice)
    assert {r.who for r in team_rows} == {"王**", "匿**"}
    assert talks.talk_request_lookup(code=code) == requested
    with pytest.raises(NotFound):
        sel.schedule(user=user("recipient"), inspection=practice)


def test_record_with_a_matter_that_becomes_a_lead(practice: Any, tmp_path: Any) -> None:
    it = scheduled(practice)
    member = user("member")
    with pytest.raises(Invalid, match="纸质签字请填写签字日期"):
        talks.interview_record(actor=member, interview=it, summary="谈了", matters=[], on_paper=True)
    record = talks.interview_record(
        actor=member, interview=it, summary="谈及食堂承包问题。",
        matters=[talks.MatterInput("食堂承包未经集体研究", ["integrity"], as_lead=True, focus="corruption"),
                 talks.MatterInput("宿舍维修慢")],
        on_paper=True, signed_on=dt.date.today())
    lead = Lead.objects.get(inspection=practice)
    assert lead.source == "interview" and lead.source_id == it.pk and lead.disciplines == ["integrity"]
    assert record.matters.count() == 2 and Interview.objects.get(pk=it.pk).state == "done"
    with pytest.raises(Conflict):
        talks.interview_record(actor=member, interview=it, summary="again", matters=[])
    second = record.matters.get(lead__isnull=True)
    talks.matter_to_lead(actor=member, matter=second)
    assert Lead.objects.filter(inspection=practice).count() == 2
    leads.lead_close(actor=member, lead=lead, reason="经核实不属实")
    assert Lead.objects.get(pk=lead.pk).state == "closed"
    assert "食堂" not in " ".join(AuditEvent.objects.filter(action__startswith="interview").values_list("summary", flat=True))


def test_signature_page_is_checked_like_every_upload(practice: Any) -> None:
    it = scheduled(practice)
    bad = SimpleUploadedFile("sign.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    with pytest.raises(Invalid):
        talks.interview_record(actor=user("member"), interview=it, summary="摘要", matters=[], signature=bad)
    png = SimpleUploadedFile("sign.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")
    record = talks.interview_record(actor=user("member"), interview=it, summary="摘要", matters=[], signature=png)
    assert record.signed and record.signature_page.name


def test_reveal_is_the_leaders_with_a_reason_and_audited(practice: Any) -> None:
    it = scheduled(practice, name="张三丰")
    assert sel.masked(it)["name"] == "张**"
    with pytest.raises(NotAllowed):
        talks.interviewee_reveal(actor=user("member"), interview=it, reason="核实反映情况需要")
    with pytest.raises(Invalid):
        talks.interviewee_reveal(actor=user("leader"), interview=it, reason="看")
    assert talks.interviewee_reveal(actor=user("leader"), interview=it, reason="核实反映情况需要")["name"] == "张三丰"
    assert AuditEvent.objects.filter(action="interview.identity_reveal").count() == 1
