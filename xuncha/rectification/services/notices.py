"""Writes of immediate-rectification notices (立行立改, docs/architecture.md §5 rule 6): the team drafts one from a
duplicate group (many distinct reporters) or from chosen reports, marking whether the matter clearly
breaks a rule and can be fixed promptly; the leader issues it only when both hold, with a deadline in
working days; the target's liaison answers with measures and evidence files; the leader accepts the
answer or returns it (the liaison may then answer again).

Every function is keyword-only, checks its actor, and writes its audit event in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid, NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_of
from xuncha.inspections.selectors_offices import office_limit
from xuncha.intake.models import Report
from xuncha.triage.models import DuplicateGroup
from xuncha.uploads import removed_on_failure

from ..access import is_liaison_of, team_work_get
from ..models import Finding, ImmediateNotice, NoticeAnswer
from . import events
from .common import evidence_save, files_checked, leader_check, lock_inspection, next_number

MAX_DEADLINE_DAYS = 60
ANSWERABLE = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.RETURNED)


@dataclass
class NoticeData:
    title: str
    problem: str
    suggestion: str
    clear_violation: bool = False
    fixable: bool = False
    deadline_days: int | None = None  # None: the office's default (NOTICE_DEFAULT_WORKING_DAYS)


def _check_notice(data: NoticeData, office_id: int | None) -> int:
    problems = []
    for name, label in (("title", "事项"), ("problem", "反映的问题"), ("suggestion", "处理建议")):
        if not getattr(data, name).strip():
            problems.append(f"请填写{label}。")
    if len(data.title.strip()) > 200:
        problems.append("事项不超过 200 字。")
    days = office_limit(office_id, "notice_default_working_days") if data.deadline_days is None else data.deadline_days
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        problems.append(f"整改期限应为 1 至 {MAX_DEADLINE_DAYS} 个工作日。")
    if problems:
        raise Invalid(problems)
    return days


def notice_create(*, actor: User, inspection: Inspection, data: NoticeData, group_key: int | None = None,
                  reports: Sequence[Report] = (), finding: Finding | None = None,
                  request: HttpRequest | None = None) -> ImmediateNotice:
    """Draft a notice from a duplicate group (all its reports) or from chosen reports of the inspection."""
    team_work_get(user=actor, pk=inspection.pk)
    days = _check_notice(data, inspection.office_id)
    chosen = list(reports)
    if group_key is not None:
        if not DuplicateGroup.objects.filter(key=group_key, inspection=inspection).exists():
            raise Invalid("该重复件组不属于本巡察任务。")
        chosen = list(Report.objects.filter(triage__inspection=inspection, triage__group_key=group_key))
    if not chosen:
        raise Invalid("请选择重复件组或相关信访件。")
    foreign = [r.reference for r in chosen if r.inspection_id != inspection.pk]
    if foreign:
        raise Invalid(f"信访件 {'、'.join(foreign)} 不属于本巡察任务。")
    if finding is not None and finding.inspection_id != inspection.pk:
        raise Invalid("所关联的问题底稿不属于本巡察任务。")
    with transaction.atomic():
        if group_key is not None:
            lock_inspection(inspection.pk)
            if ImmediateNotice.objects.filter(inspection=inspection, group_key=group_key).exists():
                raise Invalid("该重复件组已有立行立改通知。")
        notice = ImmediateNotice(
            inspection=inspection, group_key=group_key, finding=finding, title=data.title.strip(),
            problem=data.problem.strip(), suggestion=data.suggestion.strip(), clear_violation=data.clear_violation,
            fixable=data.fixable, deadline_days=days, created_by=actor)
        notice.number = next_number(ImmediateNotice, inspection)
        notice.save()
        notice.reports.set(chosen)
        audit_record(actor=actor, action="notice.create", obj=notice, request=request,
                     summary=f"起草立行立改通知第{notice.number}号：{notice.title[:100]}",
                     data={"group_key": group_key, "reports": sorted(r.pk for r in chosen),
                           "clear_violation": data.clear_violation, "fixable": data.fixable, "deadline_days": days})
    return notice


def notice_update(*, actor: User, notice: ImmediateNotice, data: NoticeData, finding: Finding | None = None,
                  request: HttpRequest | None = None) -> ImmediateNotice:
    """Change a draft notice: its text, the two marks, the deadline and the finding it belongs to."""
    inspection = team_work_get(user=actor, pk=notice.inspection_id)
    days = _check_notice(data, inspection.office_id)
    if finding is not None and finding.inspection_id != notice.inspection_id:
        raise Invalid("所关联的问题底稿不属于本巡察任务。")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != ImmediateNotice.State.DRAFT:
            raise Invalid("通知已签发，不能修改。")
        notice.title, notice.problem, notice.suggestion = data.title.strip(), data.problem.strip(), data.suggestion.strip()
        notice.clear_violation, notice.fixable, notice.deadline_days = data.clear_violation, data.fixable, days
        notice.finding = finding
        notice.save()
        audit_record(actor=actor, action="notice.update", obj=notice, request=request,
                     summary=f"修改立行立改通知第{notice.number}号",
                     data={"clear_violation": data.clear_violation, "fixable": data.fixable, "deadline_days": days})
    return notice


def notice_issue(*, actor: User, notice: ImmediateNotice, request: HttpRequest | None = None) -> ImmediateNotice:
    """The leader issues a draft notice; only a matter that clearly breaks a rule and can be fixed promptly."""
    inspection = team_work_get(user=actor, pk=notice.inspection_id)
    leader_check(actor, inspection, "签发立行立改通知")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != ImmediateNotice.State.DRAFT:
            raise Invalid("通知已签发。")
        if not (notice.clear_violation and notice.fixable):
            raise Invalid("只有明显违反规定、能够立即整改的问题才能下发立行立改通知，请先确认两项条件。")
        today = timezone.localdate()
        notice.due_on = calendar_of(inspection).add_working_days_after(today, notice.deadline_days)
        notice.state, notice.issued_by, notice.issued_at = ImmediateNotice.State.ISSUED, actor, timezone.now()
        notice.save()
        audit_record(actor=actor, action="notice.issue", obj=notice, request=request,
                     summary=f"签发立行立改通知第{notice.number}号（{inspection.target.name}），"
                             f"整改期限 {notice.due_on:%Y-%m-%d}（{notice.deadline_days}个工作日）",
                     data={"due_on": notice.due_on.isoformat(), "deadline_days": notice.deadline_days})
        events.notice_issued(inspection, notice)
    return notice


def notice_answer(*, actor: User, notice: ImmediateNotice, measures: str, files: Sequence[UploadedFile[bytes]] = (),
                  request: HttpRequest | None = None) -> NoticeAnswer:
    """The target's liaison answers an issued (or returned) notice with measures and evidence files."""
    inspection = Inspection.objects.select_related("target").get(pk=notice.inspection_id)
    if not is_liaison_of(actor, inspection) or notice.state == ImmediateNotice.State.DRAFT:
        raise NotFound
    if not measures.strip():
        raise Invalid("请填写整改措施及成效。")
    checked = files_checked(files)
    with removed_on_failure() as saved, transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state not in ANSWERABLE:
            raise Invalid(f"通知{notice.get_state_display()}，不能答复。")
        answer = NoticeAnswer.objects.create(notice=notice, measures=measures.strip(), answered_by=actor)
        evidence_save(saved, checked, actor=actor, prefix=f"notice-{notice.pk}", answer=answer)
        notice.state = ImmediateNotice.State.ANSWERED
        notice.save(update_fields=["state"])
        audit_record(actor=actor, action="notice.answer", obj=notice, request=request,
                     summary=f"答复立行立改通知第{notice.number}号（{inspection.target.name}），附佐证材料{len(checked)}份",
                     data={"answer": answer.pk, "files": len(checked)})
        events.notice_answered(inspection, notice, answer, len(checked))
    return answer


def notice_decide(*, actor: User, notice: ImmediateNotice, accept: bool, note: str = "",
                  request: HttpRequest | None = None) -> NoticeAnswer:
    """The leader checks the latest answer: accepted, or returned with a reason (the liaison answers again)."""
    inspection = team_work_get(user=actor, pk=notice.inspection_id)
    leader_check(actor, inspection, "核查立行立改答复")
    note = note.strip()
    if not accept and not note:
        raise Invalid("退回时请写明原因。")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        answer = notice.answers.filter(decision=NoticeAnswer.Decision.PENDING).order_by("-answered_at", "-id").first()
        if notice.state != ImmediateNotice.State.ANSWERED or answer is None:
            raise Invalid(f"通知{notice.get_state_display()}，没有待核查的答复。")
        answer.decision = NoticeAnswer.Decision.ACCEPTED if accept else NoticeAnswer.Decision.RETURNED
        answer.decided_by, answer.decided_at, answer.decision_note = actor, timezone.now(), note[:300]
        answer.save()
        notice.state = ImmediateNotice.State.ACCEPTED if accept else ImmediateNotice.State.RETURNED
        notice.save(update_fields=["state"])
        audit_record(actor=actor, action="notice.accept" if accept else "notice.return", obj=notice, request=request,
                     summary=f"{'通过' if accept else '退回'}立行立改通知第{notice.number}号的答复" + (f"，意见：{note[:200]}" if note else ""),
                     data={"answer": answer.pk})
        if not accept:
            events.notice_returned(inspection, notice, answer)
    return answer
