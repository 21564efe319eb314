"""Writes of individual talks (个别谈话): the interview list (必谈 generated from the target's leadership
data, 选谈 added by the team, 主动约谈 asked for on the public page), scheduling, cancelling and moving,
the outline, the record with its matters (each may become a lead), and the leader's reasoned reveal of
an interviewee's identity.

Every function checks its actor through xuncha.access (Kind.FIELDWORK: the inspection's team; anyone
else is told it does not exist), validates first and then, in one transaction, writes and audits.
Audit summaries name talks by number only, never the interviewee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows, require_open
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import ConflictDeclaration, Inspection, LeadershipCategory, MustTalkRule, TeamMember
from xuncha.keys import key_ring
from xuncha.uploads import check_files, removed_on_failure

from .models import Lead
from .models.talks import (
    INTERVIEWEE_FIELDS,
    Interview,
    InterviewCategory,
    InterviewChange,
    IntervieweeKind,
    InterviewMatter,
    InterviewRecord,
    InterviewReveal,
    InterviewState,
)
from .outlines import outline_template
from .services_leads import lead_create_locked

MIN_INTERVIEWERS = 2
MAX_TEXT = 20_000


def check(actor: User | None, inspection: Inspection, purpose: Purpose, kind: Kind = Kind.FIELDWORK) -> None:
    """The team's fieldwork is the team's: NotFound for anyone who may not read it, NotAllowed for a
    reader who may not act (a member revealing an identity)."""
    if not allows(actor, kind, Purpose.READ, inspection):
        raise NotFound
    if purpose != Purpose.READ and not allows(actor, kind, purpose, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以这样做。" if purpose == Purpose.APPROVE else "无权进行此操作。")


def _seal(identity: dict[str, str]) -> dict[str, str]:
    ring = key_ring()
    return {f: crypto.seal(ring, identity[f].strip(), context=f) for f in INTERVIEWEE_FIELDS if identity.get(f, "").strip()}


def _next_number(inspection: Inspection) -> int:
    Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
    return (Interview.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1


def _kind_of_category(category: str) -> str:
    return IntervieweeKind.LEADERSHIP if category != LeadershipCategory.OTHER else IntervieweeKind.CADRE


def must_rule() -> MustTalkRule:
    return MustTalkRule.objects.filter(pk=1).first() or MustTalkRule(pk=1)


def must_candidates(inspection: Inspection) -> list[Any]:
    """The target's leadership members the rule names: the rule's categories in office, and those who
    left within the rule's years before the inspection's start."""
    rule = must_rule()
    start = inspection.start_date
    since = start.replace(year=start.year - rule.left_within_years) if not (start.month == 2 and start.day == 29) \
        else start.replace(year=start.year - rule.left_within_years, day=28)
    out = []
    for m in inspection.target.leadership.all():
        if m.category not in rule.categories:
            continue
        if m.left_on is None or m.left_on >= since:
            out.append(m)
    return out


def must_list_generate(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> int:
    """Add a 必谈 talk for every leadership member the rule names who has none yet; returns how many."""
    check(actor, inspection, Purpose.WORK)
    candidates = must_candidates(inspection)
    with transaction.atomic():
        have = set(Interview.objects.filter(inspection=inspection, leadership_member__isnull=False)
                   .values_list("leadership_member_id", flat=True))
        new = [m for m in candidates if m.pk not in have]
        number = _next_number(inspection) if new else 0
        for m in new:
            kind = _kind_of_category(m.category)
            Interview.objects.create(
                inspection=inspection, number=number, category=InterviewCategory.MUST, interviewee_kind=kind,
                identity_sealed=_seal({"name": m.name, "post": m.post}), leadership_member=m,
                outline=outline_template(kind), created_by=actor)
            number += 1
        audit_record(actor=actor, action="interview.must_generate", obj=inspection, request=request,
                     summary=f"生成必谈名单：新增 {len(new)} 人", data={"added": len(new)})
    return len(new)


@dataclass
class IntervieweeInput:
    name: str
    post: str = ""
    contact: str = ""
    kind: str = IntervieweeKind.OTHER


def _validate_interviewee(category: str, who: IntervieweeInput) -> None:
    problems = []
    if category not in InterviewCategory.values:
        problems.append("谈话类别无效，应为必谈、选谈或主动约谈。")
    if not who.name.strip():
        problems.append("请填写谈话对象的姓名。")
    if len(who.name) > 64 or len(who.post) > 120 or len(who.contact) > 120:
        problems.append("姓名、职务或联系方式过长。")
    if who.kind not in IntervieweeKind.values:
        problems.append("谈话对象类别无效。")
    if problems:
        raise Invalid(problems)


def interview_create(*, actor: User, inspection: Inspection, category: str, who: IntervieweeInput, topic: str = "",
                     request: HttpRequest | None = None) -> Interview:
    """Add a talk to the list (选谈, a 必谈 outside the leadership data, or a 主动约谈 taken by phone)."""
    check(actor, inspection, Purpose.WORK)
    _validate_interviewee(category, who)
    with transaction.atomic():
        interview = Interview.objects.create(
            inspection=inspection, number=_next_number(inspection), category=category, interviewee_kind=who.kind,
            identity_sealed=_seal({"name": who.name, "post": who.post, "contact": who.contact}),
            request_topic=topic.strip()[:MAX_TEXT], outline=outline_template(who.kind), created_by=actor)
        audit_record(actor=actor, action="interview.create", obj=interview, request=request,
                     summary=f"{inspection} 增加{interview.get_category_display()}：{interview.label}")
    return interview


def talk_request_submit(*, inspection: Inspection, name: str, contact: str, post: str = "", topic: str = "",
                        request: HttpRequest | None = None) -> tuple[Interview, str]:
    """Someone asks to talk to the team (主动约谈) on the public page: it reaches the team's list like a
    report, and the person gets a receipt code (shown once) to look the request up."""
    require_open(inspection)
    problems = []
    if not name.strip():
        problems.append("请填写您的姓名。")
    if not contact.strip():
        problems.append("请留下联系方式，以便巡察组约定谈话时间。")
    if len(name) > 64 or len(contact) > 120 or len(post) > 120:
        problems.append("姓名、单位职务或联系方式过长。")
    if len(topic) > 2000:
        problems.append("想反映的事项请控制在 2000 字以内，详细情况可在谈话时说明。")
    if problems:
        raise Invalid(problems)
    code = crypto.new_receipt_code()
    with transaction.atomic():
        interview = Interview.objects.create(
            inspection=inspection, number=_next_number(inspection), category=InterviewCategory.REQUESTED,
            identity_sealed=_seal({"name": name, "post": post, "contact": contact}), request_topic=topic.strip(),
            receipt_hash=crypto.receipt_code_hash(key_ring(), code), outline=outline_template(IntervieweeKind.OTHER))
        audit_record(actor=None, action="interview.request", obj=interview, request=request,
                     summary=f"{inspection} 收到主动约谈申请：{interview.label}")
    return interview, code


def talk_request_lookup(*, code: str) -> Interview | None:
    code = crypto.normalise_receipt_code(code)
    if len(code) != 16:
        return None
    return Interview.objects.filter(receipt_hash=crypto.receipt_code_hash(key_ring(), code)).first()


@dataclass
class Slot:
    scheduled_at: dt.datetime
    room: str
    interviewers: list[TeamMember]
    recorder: TeamMember | None
    duration_minutes: int = 60
    reason: str = ""  # required to move a talk already scheduled


def _validate_slot(interview: Interview, slot: Slot) -> None:
    problems = []
    team_id = interview.inspection.team_id
    seats = [*slot.interviewers, *([slot.recorder] if slot.recorder else [])]
    if len({m.pk for m in slot.interviewers}) < MIN_INTERVIEWERS:
        problems.append(f"至少安排 {MIN_INTERVIEWERS} 名谈话人。")
    if slot.recorder is None:
        problems.append("请安排一名记录人。")
    elif slot.recorder.pk in {m.pk for m in slot.interviewers}:
        problems.append("记录人不能同时是谈话人。")
    if any(m.team_id != team_id or m.left_at is not None for m in seats):
        problems.append("谈话人和记录人须是本巡察组的在组成员。")
    if not slot.room.strip():
        problems.append("请填写谈话地点。")
    if not 10 <= slot.duration_minutes <= 480:
        problems.append("谈话时长应在 10 到 480 分钟之间。")
    conflicted = set(ConflictDeclaration.objects.filter(member__in=[m.pk for m in seats], org_id=interview.inspection.target_id)
                     .values_list("member__name", flat=True))
    for name in sorted(conflicted):
        problems.append(f"{name}已申报与被巡察党组织存在利益冲突，须回避，不能参加谈话。")
    related = set(interview.related_members.filter(pk__in=[m.pk for m in seats]).values_list("name", flat=True))
    for name in sorted(related):
        problems.append(f"{name}已申报与谈话对象有亲属关系，须回避，不能参加这次谈话。")
    if interview.state == InterviewState.SCHEDULED and len(slot.reason.strip()) < 2:
        problems.append("改期请写明理由。")
    if problems:
        raise Invalid(problems)


def interview_schedule(*, actor: User, interview: Interview, slot: Slot, request: HttpRequest | None = None) -> Interview:
    """Set (or move, with a reason) the date, time, room, interviewers and recorder of a talk. Clashes of
    room or person are shown by the selectors, not refused: the team decides."""
    check(actor, interview.inspection, Purpose.WORK)
    if interview.state in (InterviewState.DONE, InterviewState.CANCELLED):
        raise Conflict("这次谈话已经结束或已取消，不能再安排。")
    _validate_slot(interview, slot)
    moving = interview.state == InterviewState.SCHEDULED
    with transaction.atomic():
        if moving:
            InterviewChange.objects.create(interview=interview, kind=InterviewChange.Kind.MOVE, reason=slot.reason.strip()[:300],
                                           was_at=interview.scheduled_at, was_room=interview.room, by=actor)
        interview.scheduled_at, interview.room = slot.scheduled_at, slot.room.strip()[:80]
        interview.duration_minutes, interview.recorder = slot.duration_minutes, slot.recorder
        interview.state = InterviewState.SCHEDULED
        interview.save(update_fields=["scheduled_at", "room", "duration_minutes", "recorder", "state"])
        interview.interviewers.set(slot.interviewers)
        audit_record(actor=actor, action="interview.move" if moving else "interview.schedule", obj=interview, request=request,
                     summary=f"{interview.label} {'改期' if moving else '安排'}于 {timezone.localtime(slot.scheduled_at):%Y-%m-%d %H:%M}"
                             f"，{slot.room.strip()[:80]}")
    return interview


def interview_cancel(*, actor: User, interview: Interview, reason: str, request: HttpRequest | None = None) -> Interview:
    check(actor, interview.inspection, Purpose.WORK)
    if interview.state in (InterviewState.DONE, InterviewState.CANCELLED):
        raise Conflict("这次谈话已经结束或已取消。")
    if len(reason.strip()) < 2:
        raise Invalid("请写明取消的理由。")
    with transaction.atomic():
        InterviewChange.objects.create(interview=interview, kind=InterviewChange.Kind.CANCEL, reason=reason.strip()[:300],
                                       was_at=interview.scheduled_at, was_room=interview.room, by=actor)
        interview.state, interview.cancel_reason = InterviewState.CANCELLED, reason.strip()[:300]
        interview.save(update_fields=["state", "cancel_reason"])
        audit_record(actor=actor, action="interview.cancel", obj=interview, request=request, summary=f"{interview.label} 取消")
    return interview


def interview_declare_relation(*, actor: User, interview: Interview, member: TeamMember, reason: str,
                               request: HttpRequest | None = None) -> Interview:
    """Record that a team member declared being related to the interviewee: from now on they may not sit
    in this talk (and leave its seats if they held one)."""
    check(actor, interview.inspection, Purpose.WORK)
    if member.team_id != interview.inspection.team_id:
        raise Invalid("该人员不是本巡察组成员。")
    if len(reason.strip()) < 2:
        raise Invalid("请写明回避事由。")
    with transaction.atomic():
        interview.related_members.add(member)
        interview.interviewers.remove(member)
        if interview.recorder_id == member.pk:
            interview.recorder = None
            interview.save(update_fields=["recorder"])
        audit_record(actor=actor, action="interview.declare_relation", obj=interview, request=request,
                     summary=f"{member.name} 申报与 {interview.label} 的谈话对象有亲属关系，回避：{reason.strip()[:100]}")
    return interview


def interview_outline_save(*, actor: User, interview: Interview, outline: str, request: HttpRequest | None = None) -> Interview:
    check(actor, interview.inspection, Purpose.WORK)
    if len(outline) > MAX_TEXT:
        raise Invalid(f"谈话提纲不能超过 {MAX_TEXT} 字。")
    with transaction.atomic():
        interview.outline = outline.strip()
        interview.save(update_fields=["outline"])
        audit_record(actor=actor, action="interview.outline", obj=interview, request=request, summary=f"{interview.label} 修改谈话提纲")
    return interview


@dataclass
class MatterInput:
    text: str
    disciplines: list[str] = field(default_factory=list)
    as_lead: bool = False
    focus: str = ""


def _validate_record(summary: str, matters: list[MatterInput], signed_on: dt.date | None, on_paper: bool,
                     signature: UploadedFile[Any] | None) -> None:
    problems = []
    if not summary.strip():
        problems.append("请填写谈话摘要。")
    if len(summary) > MAX_TEXT:
        problems.append(f"谈话摘要不能超过 {MAX_TEXT} 字。")
    if len(matters) > 50:
        problems.append("一次最多记录 50 个反映事项。")
    for i, m in enumerate(matters, 1):
        if not m.text.strip():
            problems.append(f"第 {i} 个反映事项没有内容。")
        bad = [d for d in m.disciplines if d not in DISCIPLINE_LABELS]
        if bad:
            problems.append(f"第 {i} 个反映事项的纪律类别无效：{'、'.join(bad)}。")
        if m.focus and m.focus not in FOCUS_LABELS:
            problems.append(f"第 {i} 个反映事项的聚焦领域无效。")
    if on_paper and signed_on is None:
        problems.append("纸质签字请填写签字日期。")
    if signed_on is not None and signed_on > timezone.localdate():
        problems.append("签字日期不能晚于今天。")
    if on_paper and signature is not None:
        problems.append("请在“上传签字页”和“纸质签字”中选择一种。")
    if problems:
        raise Invalid(problems)


def interview_record(*, actor: User, interview: Interview, summary: str, matters: list[MatterInput],
                     signed_on: dt.date | None = None, on_paper: bool = False, signature: UploadedFile[Any] | None = None,
                     request: HttpRequest | None = None) -> InterviewRecord:
    """Record a talk: the summary, the matters raised (each optionally a lead), and how the interviewee
    signed it (a scanned page, checked like every upload, or on paper with the date)."""
    check(actor, interview.inspection, Purpose.WORK)
    if interview.state == InterviewState.CANCELLED:
        raise Conflict("这次谈话已取消，不能记录。")
    if InterviewRecord.objects.filter(interview=interview).exists():
        raise Conflict("这次谈话已有谈话记录。")
    _validate_record(summary, matters, signed_on, on_paper, signature)
    checked = []
    if signature is not None:
        from django.core.exceptions import ValidationError
        try:
            checked = check_files([signature])
        except ValidationError as exc:
            raise Invalid(exc.messages) from exc
    with removed_on_failure() as saved, transaction.atomic():
        record = InterviewRecord(interview=interview, summary=summary.strip(), signed_on=signed_on, signed_on_paper=on_paper,
                                 recorded_by=actor)
        if checked:
            f = checked[0]
            record.signature_page.save(f"{interview.inspection_id}-{interview.number}-{f.sha256[:16]}", ContentFile(f.content), save=False)
            saved.append(str(record.signature_page.name))
            record.signature_name, record.signature_type = f.name[:200], f.content_type[:100]
        record.save()
        for m in matters:
            matter = InterviewMatter.objects.create(record=record, text=m.text.strip(), disciplines=m.disciplines)
            if m.as_lead:
                matter.lead = lead_create_locked(actor=actor, inspection=interview.inspection, source=Lead.Source.INTERVIEW,
                                                 source_id=interview.pk, text=m.text, disciplines=m.disciplines, focus=m.focus)
                matter.save(update_fields=["lead"])
        interview.state = InterviewState.DONE
        interview.save(update_fields=["state"])
        audit_record(actor=actor, action="interview.record", obj=interview, request=request,
                     summary=f"{interview.label} 录入谈话记录（反映事项 {len(matters)} 个）",
                     data={"matters": len(matters), "leads": sum(1 for m in matters if m.as_lead)})
    return record


def matter_to_lead(*, actor: User, matter: InterviewMatter, focus: str = "", request: HttpRequest | None = None) -> Lead:
    interview = matter.record.interview
    check(actor, interview.inspection, Purpose.WORK)
    if matter.lead_id is not None:
        raise Conflict("该反映事项已转为待核实问题。")
    if focus and focus not in FOCUS_LABELS:
        raise Invalid("聚焦领域无效。")
    with transaction.atomic():
        lead = lead_create_locked(actor=actor, inspection=interview.inspection, source=Lead.Source.INTERVIEW,
                                  source_id=interview.pk, text=matter.text, disciplines=matter.disciplines, focus=focus)
        matter.lead = lead
        matter.save(update_fields=["lead"])
        audit_record(actor=actor, action="lead.create", obj=lead, request=request,
                     summary=f"{interview.label} 的反映事项转为待核实问题 {lead}")
    return lead


def interviewee_reveal(*, actor: User, interview: Interview, reason: str, request: HttpRequest | None = None) -> dict[str, str]:
    """A team leader sees who the interviewee is, with a stated reason; audited."""
    check(actor, interview.inspection, Purpose.APPROVE)
    if len(reason.strip()) < 5:
        raise Invalid("请写明查看谈话对象身份的理由（至少5个字）。")
    ring = key_ring()
    identity = {f: crypto.unseal(ring, v, context=f) for f, v in interview.identity_sealed.items()}
    with transaction.atomic():
        InterviewReveal.objects.create(interview=interview, user=actor, reason=reason.strip()[:300])
        audit_record(actor=actor, action="interview.identity_reveal", obj=interview, request=request,
                     summary=f"查看 {interview.label} 的谈话对象身份，理由：{reason.strip()[:200]}")
    return identity
