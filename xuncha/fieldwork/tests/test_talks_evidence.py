from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.fieldwork import evidence
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.services_visits import FieldRecordInput, field_record_create

from .helpers import scheduled, user

pytestmark = pytest.mark.django_db


def test_interview_visit_and_meeting_resolve_for_the_team_only_without_names(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    it = scheduled(practice, name="张三丰")
    assert evidence.resolve("interview", actor=user("member"), inspection_id=practice.pk, object_id=it.pk) is None  # no record yet
    talks.interview_record(actor=user("member"), interview=it, summary="摘要", matters=[])
    ref = evidence.resolve("interview", actor=user("member"), inspection_id=practice.pk, object_id=it.pk)
    assert ref is not None and ref.label == f"谈话记录 第{it.number}号" and "张" not in ref.label and ref.url == f"/talks/{it.pk}/"
    for name in ("office", "liaison", "other_member", "recipient"):
        assert evidence.resolve("interview", actor=user(name), inspection_id=practice.pk, object_id=it.pk) is None
    assert evidence.resolve("interview", actor=user("member"), inspection_id=demo["seed000"].pk, object_id=it.pk) is None
    visit = field_record_create(actor=user("member"), inspection=practice, data=FieldRecordInput(
        kind="forum", held_on=dt.date(2026, 11, 20), title="教师座谈会"))
    meeting = field_record_create(actor=user("member"), inspection=practice, data=FieldRecordInput(
        kind="team_meeting", held_on=dt.date(2026, 11, 21), title="第一次组务会", decisions="核实食堂问题"))
    assert evidence.resolve("visit", actor=user("leader"), inspection_id=practice.pk, object_id=visit.pk) is not None
    assert evidence.resolve("visit", actor=user("leader"), inspection_id=practice.pk, object_id=meeting.pk) is None
    m = evidence.resolve("meeting", actor=user("leader"), inspection_id=practice.pk, object_id=meeting.pk)
    assert m is not None and m.label == "组务会记录 第2号"
    assert {"interview", "visit", "meeting"} <= set(evidence.kind_labels())
