"""Writes of findings (问题底稿) and immediate-rectification notices (立行立改, DESIGN §3 rule 6).

Findings: a team member or leader writes one (facts, the rule broken, evidence: linked reports of the
same inspection, attachments of those reports, interview notes; focus and disciplines), submits it,
and the team leader approves it or returns it with a note.

Notices: the team drafts one from a duplicate group (many distinct reporters) or from chosen reports,
marking whether the matter clearly breaks a rule and can be fixed promptly; the leader issues it only
when both hold, with a deadline in working days; the target's liaison answers with measures and
evidence files; the leader accepts the answer or returns it (the liaison may then answer again).

Every function is keyword-only, atomic, and writes its audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINES, FOCUS_LABELS
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_get
from xuncha.intake.models import Attachment, Report
from xuncha.triage.models import DuplicateGroup
from xuncha.uploads import check_files

from .access import is_liaison_of, is_team_leader, team_inspection_get
from .models import Evidence, Finding, ImmediateNotice, NoticeAnswer

LEADER_ONLY = "只有本巡察组组长、副组长可以{}。"
MAX_DEADLINE_DAYS = 60
EDITABLE_FINDING = (Finding.State.DRAFT, Finding.State.RETURNED)
ANSWERABLE = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.RETURNED)


@dataclass
class FindingData:
    """What the team writes of a finding; reports and attachments are the evidence."""

    title: str
    facts: str
    rule_broken: str
    focus: str
    disciplines: list[str] = field(default_factory=list)
    reports: Sequence[Report] = ()
    attachments: Sequence[Attachment] = ()
    interview_notes: str = ""


def _leader(actor: Any, inspection: Inspection, what: str) -> None:
    if not is_team_leader(actor, inspection):
        raise ValidationError(LEADER_ONLY.format(what))


def _next_number(model: type[Finding] | type[ImmediateNotice], inspection: Inspection) -> int:
    """The next number of a finding or notice of an inspection, under a row lock on the inspection."""
    Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
    return (model.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1


def _check_finding(inspection: Inspection, data: FindingData) -> None:
    problems = []
    for name, label in (("title", "问题"), ("facts", "事实"), ("rule_broken", "违反的规定")):
        if not getattr(data, name).strip():
            problems.append(f"请填写{label}。")
    if len(data.title.strip()) > 200:
        problems.append("问题不超过 200 字。")
    if data.focus not in FOCUS_LABELS:
        problems.append("请选择聚焦领域。")
    if any(d not in DISCIPLINES for d in data.disciplines):
        problems.append("违反纪律的选项无效。")
    foreign = [r.reference for r in data.reports if r.inspection_id != inspection.pk]
    if foreign:
        problems.append(f"信访件 {'、'.join(foreign)} 不属于本巡察任务。")
    report_ids = {r.pk for r in data.reports}
    stray = [a.original_name for a in data.attachments if a.report_id not in report_ids]
    if stray:
        problems.append(f"附件“{'、'.join(stray)}”不属于所关联的信访件。")
    if problems:
        raise ValidationError(problems)


def _apply(finding: Finding, data: FindingData) -> None:
    finding.title, finding.facts, finding.rule_broken = data.title.strip(), data.facts.strip(), data.rule_broken.strip()
    finding.focus = data.focus
    finding.disciplines = [d for d in DISCIPLINES if d in set(data.disciplines)]
    finding.interview_notes = data.interview_notes.strip()


def _evidence_data(data: FindingData) -> dict[str, Any]:
    return {"reports": sorted(r.pk for r in data.reports), "attachments": sorted(a.pk for a in data.attachments)}


def finding_create(*, actor: Any, inspection: Inspection, data: FindingData, request: HttpRequest | None = None) -> Finding:
    team_inspection_get(user=actor, pk=inspection.pk)  # 404 unless the actor's team holds it
    _check_finding(inspection, data)
    with transaction.atomic():
        finding = Finding(inspection=inspection, created_by=actor)
        _apply(finding, data)
        finding.number = _next_number(Finding, inspection)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        audit_record(actor=actor, action="finding.create", obj=finding, request=request,
                     summary=f"起草问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_update(*, actor: Any, finding: Finding, data: FindingData, request: HttpRequest | None = None) -> Finding:
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    _check_finding(inspection, data)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise ValidationError(f"问题底稿{finding.get_state_display()}，不能修改。")
        _apply(finding, data)
        finding.save()
        finding.reports.set(data.reports)
        finding.attachments.set(data.attachments)
        audit_record(actor=actor, action="finding.update", obj=finding, request=request,
                     summary=f"修改问题底稿：问题{finding.number}（{finding.title[:100]}）", data=_evidence_data(data))
    return finding


def finding_submit(*, actor: Any, finding: Finding, request: HttpRequest | None = None) -> Finding:
    team_inspection_get(user=actor, pk=finding.inspection_id)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state not in EDITABLE_FINDING:
            raise ValidationError(f"问题底稿{finding.get_state_display()}，不能提交。")
        finding.state = Finding.State.SUBMITTED
        finding.save(update_fields=["state"])
        audit_record(actor=actor, action="finding.submit", obj=finding, request=request,
                     summary=f"提交问题底稿：问题{finding.number}，待组长审定")
    return finding


def finding_decide(*, actor: Any, finding: Finding, approve: bool, note: str = "",
                   request: HttpRequest | None = None) -> Finding:
    """The team leader approves a submitted finding, or returns it with a note."""
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    _leader(actor, inspection, "审定问题底稿")
    note = note.strip()
    if not approve and not note:
        raise ValidationError("退回时请写明意见。")
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state != Finding.State.SUBMITTED:
            raise ValidationError(f"问题底稿{finding.get_state_display()}，不在待审定状态。")
        if approve:
            finding.state, finding.approved_by, finding.approved_at, finding.return_note = (
                Finding.State.APPROVED, actor, timezone.now(), "")
        else:
            finding.state, finding.return_note = Finding.State.RETURNED, note[:300]
        finding.save()
        audit_record(actor=actor, action="finding.approve" if approve else "finding.return", obj=finding, request=request,
                     summary=f"{'审定' if approve else '退回'}问题底稿：问题{finding.number}" + (f"，意见：{note[:200]}" if note else ""))
    return finding


# Immediate-rectification notices (立行立改)

@dataclass
class NoticeData:
    title: str
    problem: str
    suggestion: str
    clear_violation: bool = False
    fixable: bool = False
    deadline_days: int | None = None  # None: settings.NOTICE_DEFAULT_WORKING_DAYS


def _check_notice(data: NoticeData) -> int:
    problems = []
    for name, label in (("title", "事项"), ("problem", "反映的问题"), ("suggestion", "处理建议")):
        if not getattr(data, name).strip():
            problems.append(f"请填写{label}。")
    if len(data.title.strip()) > 200:
        problems.append("事项不超过 200 字。")
    days = settings.NOTICE_DEFAULT_WORKING_DAYS if data.deadline_days is None else data.deadline_days
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        problems.append(f"整改期限应为 1 至 {MAX_DEADLINE_DAYS} 个工作日。")
    if problems:
        raise ValidationError(problems)
    return days


def notice_create(*, actor: Any, inspection: Inspection, data: NoticeData, group_key: int | None = None,
                  reports: Sequence[Report] = (), finding: Finding | None = None,
                  request: HttpRequest | None = None) -> ImmediateNotice:
    """Draft a notice from a duplicate group (all its reports) or from chosen reports of the inspection."""
    team_inspection_get(user=actor, pk=inspection.pk)
    days = _check_notice(data)
    chosen = list(reports)
    if group_key is not None:
        if not DuplicateGroup.objects.filter(key=group_key, inspection=inspection).exists():
            raise ValidationError("该重复件组不属于本巡察任务。")
        chosen = list(Report.objects.filter(triage__inspection=inspection, triage__group_key=group_key))
    if not chosen:
        raise ValidationError("请选择重复件组或相关信访件。")
    foreign = [r.reference for r in chosen if r.inspection_id != inspection.pk]
    if foreign:
        raise ValidationError(f"信访件 {'、'.join(foreign)} 不属于本巡察任务。")
    if finding is not None and finding.inspection_id != inspection.pk:
        raise ValidationError("所关联的问题底稿不属于本巡察任务。")
    with transaction.atomic():
        if group_key is not None:
            Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
            if ImmediateNotice.objects.filter(inspection=inspection, group_key=group_key).exists():
                raise ValidationError("该重复件组已有立行立改通知。")
        notice = ImmediateNotice(
            inspection=inspection, group_key=group_key, finding=finding, title=data.title.strip(),
            problem=data.problem.strip(), suggestion=data.suggestion.strip(), clear_violation=data.clear_violation,
            fixable=data.fixable, deadline_days=days, created_by=actor)
        notice.number = _next_number(ImmediateNotice, inspection)
        notice.save()
        notice.reports.set(chosen)
        audit_record(actor=actor, action="notice.create", obj=notice, request=request,
                     summary=f"起草立行立改通知第{notice.number}号：{notice.title[:100]}",
                     data={"group_key": group_key, "reports": sorted(r.pk for r in chosen),
                           "clear_violation": data.clear_violation, "fixable": data.fixable, "deadline_days": days})
    return notice


def notice_update(*, actor: Any, notice: ImmediateNotice, data: NoticeData, finding: Finding | None = None,
                  request: HttpRequest | None = None) -> ImmediateNotice:
    """Change a draft notice: its text, the two marks, the deadline and the finding it belongs to."""
    team_inspection_get(user=actor, pk=notice.inspection_id)
    days = _check_notice(data)
    if finding is not None and finding.inspection_id != notice.inspection_id:
        raise ValidationError("所关联的问题底稿不属于本巡察任务。")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != ImmediateNotice.State.DRAFT:
            raise ValidationError("通知已签发，不能修改。")
        notice.title, notice.problem, notice.suggestion = data.title.strip(), data.problem.strip(), data.suggestion.strip()
        notice.clear_violation, notice.fixable, notice.deadline_days = data.clear_violation, data.fixable, days
        notice.finding = finding
        notice.save()
        audit_record(actor=actor, action="notice.update", obj=notice, request=request,
                     summary=f"修改立行立改通知第{notice.number}号",
                     data={"clear_violation": data.clear_violation, "fixable": data.fixable, "deadline_days": days})
    return notice


def notice_issue(*, actor: Any, notice: ImmediateNotice, request: HttpRequest | None = None) -> ImmediateNotice:
    """The leader issues a draft notice; only a matter that clearly breaks a rule and can be fixed promptly."""
    inspection = team_inspection_get(user=actor, pk=notice.inspection_id)
    _leader(actor, inspection, "签发立行立改通知")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != ImmediateNotice.State.DRAFT:
            raise ValidationError("通知已签发。")
        if not (notice.clear_violation and notice.fixable):
            raise ValidationError("只有明显违反规定、能够立即整改的问题才能下发立行立改通知，请先确认两项条件。")
        today = timezone.localdate()
        notice.due_on = calendar_get().add_working_days_after(today, notice.deadline_days)
        notice.state, notice.issued_by, notice.issued_at = ImmediateNotice.State.ISSUED, actor, timezone.now()
        notice.save()
        audit_record(actor=actor, action="notice.issue", obj=notice, request=request,
                     summary=f"签发立行立改通知第{notice.number}号（{inspection.target.name}），"
                             f"整改期限 {notice.due_on:%Y-%m-%d}（{notice.deadline_days}个工作日）",
                     data={"due_on": notice.due_on.isoformat(), "deadline_days": notice.deadline_days})
    return notice


def _remove_files(saved: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in saved:
        default_storage.delete(name)


def notice_answer(*, actor: Any, notice: ImmediateNotice, measures: str, files: Sequence[UploadedFile] = (),
                  request: HttpRequest | None = None) -> NoticeAnswer:
    """The target's liaison answers an issued (or returned) notice with measures and evidence files."""
    inspection = Inspection.objects.select_related("target").get(pk=notice.inspection_id)
    if not is_liaison_of(actor, inspection) or notice.state == ImmediateNotice.State.DRAFT:
        raise Http404
    if not measures.strip():
        raise ValidationError("请填写整改措施及成效。")
    checked = check_files(list(files))
    saved: list[str] = []
    try:
        with transaction.atomic():
            notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
            if notice.state not in ANSWERABLE:
                raise ValidationError(f"通知{notice.get_state_display()}，不能答复。")
            answer = NoticeAnswer.objects.create(notice=notice, measures=measures.strip(), answered_by=actor)
            for f in checked:
                ev = Evidence(answer=answer, original_name=f.name, content_type=f.content_type, size=len(f.content),
                              sha256=f.sha256, uploaded_by=actor)
                ev.file.save(f"notice-{notice.pk}-{f.sha256[:16]}", ContentFile(f.content), save=False)
                saved.append(str(ev.file.name))
                ev.save()
            notice.state = ImmediateNotice.State.ANSWERED
            notice.save(update_fields=["state"])
            audit_record(actor=actor, action="notice.answer", obj=notice, request=request,
                         summary=f"答复立行立改通知第{notice.number}号（{inspection.target.name}），附佐证材料{len(checked)}份",
                         data={"answer": answer.pk, "files": len(checked)})
    except BaseException:
        _remove_files(saved)
        raise
    return answer


def notice_decide(*, actor: Any, notice: ImmediateNotice, accept: bool, note: str = "",
                  request: HttpRequest | None = None) -> NoticeAnswer:
    """The leader checks the latest answer: accepted, or returned with a reason (the liaison answers again)."""
    inspection = team_inspection_get(user=actor, pk=notice.inspection_id)
    _leader(actor, inspection, "核查立行立改答复")
    note = note.strip()
    if not accept and not note:
        raise ValidationError("退回时请写明原因。")
    with transaction.atomic():
        notice = ImmediateNotice.objects.select_for_update().get(pk=notice.pk)
        answer = notice.answers.filter(decision=NoticeAnswer.Decision.PENDING).order_by("-answered_at", "-id").first()
        if notice.state != ImmediateNotice.State.ANSWERED or answer is None:
            raise ValidationError(f"通知{notice.get_state_display()}，没有待核查的答复。")
        answer.decision = NoticeAnswer.Decision.ACCEPTED if accept else NoticeAnswer.Decision.RETURNED
        answer.decided_by, answer.decided_at, answer.decision_note = actor, timezone.now(), note[:300]
        answer.save()
        notice.state = ImmediateNotice.State.ACCEPTED if accept else ImmediateNotice.State.RETURNED
        notice.save(update_fields=["state"])
        audit_record(actor=actor, action="notice.accept" if accept else "notice.return", obj=notice, request=request,
                     summary=f"{'通过' if accept else '退回'}立行立改通知第{notice.number}号的答复" + (f"，意见：{note[:200]}" if note else ""),
                     data={"answer": answer.pk})
    return answer
