"""Individual talks API: the team of an inspection (ids usable as interviewers), the interview list
(add a talk, scheduled at once when a time is given), one talk, and its record with the matters raised.

The inspection's team only (xuncha.access, Kind.FIELDWORK): anyone else gets a 404. Interviewees are
returned masked, like reporters. Refusals are the one mapping of xuncha.errors in xuncha.api.api."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.errors import Invalid
from xuncha.fieldwork import selectors_talks as sel
from xuncha.fieldwork import services_talks as talks
from xuncha.fieldwork.models.talks import Interview, InterviewCategory, IntervieweeKind
from xuncha.inspections.models import TeamMember

from .intake import ErrorsOut
from .schemas import enum_of, range_of

router = Router(tags=["个别谈话"])


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class TeamMemberOut(Schema):
    id: int
    name: str
    role: str = Field(json_schema_extra=enum_of(["leader", "deputy", "member"]))


class InterviewIn(Schema):
    category: str = Field(json_schema_extra=enum_of(InterviewCategory.values), description="must 必谈、chosen 选谈、requested 主动约谈")
    interviewee_name: str = Field(max_length=64)
    interviewee_post: str = Field("", max_length=120)
    interviewee_kind: str = Field("other", json_schema_extra=enum_of(IntervieweeKind.values), description=(
        "谈话对象类别（决定提纲模板）：leadership 领导班子成员、cadre 中层干部、teacher 教师、student 学生、retired 离退休干部、other 其他"))
    contact: str = Field("", max_length=120, description="联系方式（主动约谈），加密保存")
    scheduled_at: dt.datetime | None = Field(None, description="谈话时间；给出时同时安排（须同时给出地点、谈话人和记录人）")
    duration_minutes: int = Field(60, json_schema_extra=range_of(10, 480))
    room: str = Field("", max_length=80)
    interviewer_ids: list[int] = Field([], description="谈话人：GET /inspections/{id}/team 的 id，至少 2 人")
    recorder_id: int | None = Field(None, description="记录人：GET /inspections/{id}/team 的 id")


class MatterIn(Schema):
    text: str = Field(max_length=5000)
    disciplines: list[str] = Field([], description="六项纪律代码：" + "、".join(f"{k} {v}" for k, v in DISCIPLINE_LABELS.items()))
    lead: bool = Field(False, description="true：转为待核实问题")
    focus: str = Field("", json_schema_extra=enum_of(["", *FOCUS_LABELS]))


class RecordIn(Schema):
    summary: str = Field(max_length=20000)
    matters: list[MatterIn] = Field([], max_length=50)
    signed_on: dt.date | None = Field(None, description="谈话对象在纸质记录上签字的日期（签字页扫描件请在页面上传）")


class MatterOut(Schema):
    id: int
    text: str
    disciplines: list[str]
    lead_id: int | None


class RecordOut(Schema):
    summary: str
    signed: bool
    signed_on: dt.date | None
    matters: list[MatterOut]


class InterviewOut(Schema):
    id: int
    number: int
    label: str
    inspection: int
    category: str
    interviewee_kind: str
    interviewee: dict[str, str] = Field(description="谈话对象（遮蔽）")
    state: str
    scheduled_at: dt.datetime | None
    duration_minutes: int
    room: str
    interviewer_ids: list[int]
    recorder_id: int | None
    clashes: list[str]
    outline: str
    record: RecordOut | None


def interview_out(user: User, it: Interview) -> dict[str, object]:
    record = sel.record_of(it)
    return {
        "id": it.pk, "number": it.number, "label": it.label, "inspection": it.inspection_id, "category": it.category,
        "interviewee_kind": it.interviewee_kind, "interviewee": sel.masked(it), "state": it.state, "scheduled_at": it.scheduled_at,
        "duration_minutes": it.duration_minutes, "room": it.room, "interviewer_ids": sorted(m.pk for m in it.interviewers.all()),
        "recorder_id": it.recorder_id, "clashes": sel.clashes_of(user=user, interview=it) if it.scheduled_at else [],
        "outline": it.outline,
        "record": None if record is None else {
            "summary": record.summary, "signed": record.signed, "signed_on": record.signed_on,
            "matters": [{"id": m.pk, "text": m.text, "disciplines": m.disciplines, "lead_id": m.lead_id} for m in record.matters.all()]},
    }


@router.get("/inspections/{inspection_id}/team", response={200: list[TeamMemberOut], 400: ErrorsOut, 404: ErrorsOut})
def team(request: HttpRequest, inspection_id: int) -> list[dict[str, object]]:
    """The members of the inspection's team still on it (their ids are the interviewer and recorder ids)."""
    inspection = sel.fieldwork_inspection_get(user=_user(request), pk=inspection_id)
    return [{"id": m.pk, "name": m.name, "role": m.position} for m in sel.team_members(inspection)]


@router.get("/inspections/{inspection_id}/interviews", response={200: list[InterviewOut], 400: ErrorsOut, 404: ErrorsOut})
def interview_list(request: HttpRequest, inspection_id: int) -> list[dict[str, object]]:
    """The interview list of the inspection, by number; interviewees masked."""
    inspection = sel.fieldwork_inspection_get(user=_user(request), pk=inspection_id)
    return [interview_out(_user(request), it) for it in sel.interview_list(user=_user(request), inspection=inspection)]


def _members(inspection_team_id: int, ids: list[int]) -> dict[int, TeamMember]:
    found = {m.pk: m for m in TeamMember.objects.filter(pk__in=ids, team_id=inspection_team_id)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Invalid(f"以下人员不是本巡察组成员：{'、'.join(missing)}。")
    return found


@router.post("/inspections/{inspection_id}/interviews", response={201: InterviewOut, 400: ErrorsOut, 404: ErrorsOut})
def interview_create(request: HttpRequest, inspection_id: int, payload: InterviewIn) -> Status[dict[str, object]]:
    """Add a talk to the list; with `scheduled_at` it is scheduled at once (all or nothing)."""
    user = _user(request)
    inspection = sel.fieldwork_inspection_get(user=user, pk=inspection_id)
    with transaction.atomic():
        it = talks.interview_create(actor=user, inspection=inspection, category=payload.category, request=request,
                                    who=talks.IntervieweeInput(name=payload.interviewee_name, post=payload.interviewee_post,
                                                               contact=payload.contact, kind=payload.interviewee_kind))
        if payload.scheduled_at is not None:
            ids = [*payload.interviewer_ids, *([payload.recorder_id] if payload.recorder_id is not None else [])]
            members = _members(inspection.team_id, ids)
            at = payload.scheduled_at
            talks.interview_schedule(actor=user, interview=it, request=request, slot=talks.Slot(
                scheduled_at=timezone.make_aware(at) if timezone.is_naive(at) else at, room=payload.room, duration_minutes=payload.duration_minutes,
                interviewers=[members[i] for i in dict.fromkeys(payload.interviewer_ids)],
                recorder=members[payload.recorder_id] if payload.recorder_id is not None else None))
    return Status(201, interview_out(user, sel.interview_get(user=user, pk=it.pk)))


@router.get("/interviews/{interview_id}", response={200: InterviewOut, 400: ErrorsOut, 404: ErrorsOut})
def interview_detail(request: HttpRequest, interview_id: int) -> dict[str, object]:
    """One talk with its schedule, clashes, outline and record; the interviewee masked."""
    return interview_out(_user(request), sel.interview_get(user=_user(request), pk=interview_id))


@router.post("/interviews/{interview_id}/record", response={201: InterviewOut, 400: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def interview_record(request: HttpRequest, interview_id: int, payload: RecordIn) -> Status[dict[str, object]]:
    """Record the talk: summary, matters (each with `lead: true` becomes a lead), the paper signature's date."""
    user = _user(request)
    it = sel.interview_get(user=user, pk=interview_id)
    talks.interview_record(actor=user, interview=it, summary=payload.summary, signed_on=payload.signed_on,
                           on_paper=payload.signed_on is not None, request=request,
                           matters=[talks.MatterInput(text=m.text, disciplines=m.disciplines, as_lead=m.lead, focus=m.focus)
                                    for m in payload.matters])
    return Status(201, interview_out(user, sel.interview_get(user=user, pk=it.pk)))
