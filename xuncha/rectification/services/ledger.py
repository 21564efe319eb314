"""Writes of the feedback (反馈) and the rectification ledger (整改台账), docs/architecture.md §5 rule 7: the team leader
records the feedback of the approved findings (due dates follow); the team keeps the items; the target's
liaison reports progress with evidence; the office (or the team leader) signs items off (销号) or returns
them.

Every function is keyword-only, checks its actor, and writes its audit event in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.workdays import WorkdayCalendar
from xuncha.documents import cn_date
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_of
from xuncha.inspections.selectors_offices import office_limit
from xuncha.intake.models import Report, ReportStatus
from xuncha.uploads import removed_on_failure

from ..access import can_read_ledger, can_sign_off, is_liaison_of, is_team_leader, team_work_get
from ..dues import report_due_for
from ..models import Evidence, Feedback, Finding, ItemStatus, ProgressReport, RectificationItem
from . import events
from .common import evidence_save, files_checked, lock_inspection, next_number

MAX_TEXT = 5000
PROGRESS_STATUSES = (ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.LONG_TERM)
CLAIMED_STATUSES = (ItemStatus.DONE, ItemStatus.LONG_TERM)


def result_due_for(feedback_on: dt.date, calendar: WorkdayCalendar, office_id: int | None = None) -> dt.date:
    """An accepted real-name report's result is due RESULT_NOTICE_WORKING_DAYS working days after the feedback
    (or the inspection's office's own limit)."""
    return calendar.add_working_days_after(feedback_on, office_limit(office_id, "result_notice_working_days"))


# --- the feedback ---------------------------------------------------------------------------------------

# Whether a round's feedback must come from its reviewed report's 双反馈 record instead of a date entered
# directly: xuncha.reporting, above this app in the layers, registers its check here (ReportingConfig.ready).
# A check answers the refusal to show, or "" when the direct entry stays open.
_feedback_from_report_checks: list[Callable[[Inspection], str]] = []


def register_feedback_from_report(check: Callable[[Inspection], str]) -> None:
    if check not in _feedback_from_report_checks:
        _feedback_from_report_checks.append(check)


def feedback_direct_refusal(inspection: Inspection) -> str:
    """Why the feedback date may not be entered directly for this round ("" when it may)."""
    for check in _feedback_from_report_checks:
        refusal = check(inspection)
        if refusal:
            return refusal
    return ""


def feedback_record(*, actor: User, inspection: Inspection, feedback_on: dt.date, findings: Sequence[Finding] | None = None,
                    from_report: bool = False, request: HttpRequest | None = None) -> Feedback:
    """The team leader records (or corrects) the date the approved findings were fed back to the target.
    `findings`: the approved findings fed back (those of the approved inspection report, xuncha.reporting);
    by default all the inspection's approved findings. `from_report`: recorded by the 双反馈 record of the
    reviewed report (xuncha.reporting); a date entered directly is refused once the round has one."""
    inspection = team_work_get(user=actor, pk=inspection.pk)
    if not is_team_leader(actor, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以登记反馈。")
    if not from_report:
        refusal = feedback_direct_refusal(inspection)
        if refusal:
            raise Conflict(refusal)
    problems = []
    if feedback_on < inspection.start_date:
        problems.append(f"反馈日期不能早于巡察进驻日期（{cn_date(inspection.start_date)}）。")
    if feedback_on > timezone.localdate():
        problems.append("反馈日期不能晚于今天，请在反馈后登记。")
    calendar = calendar_of(inspection)
    with transaction.atomic():
        lock_inspection(inspection.pk)
        approved = Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number")
        findings = list(approved if findings is None else approved.filter(pk__in=[f.pk for f in findings]))
        if not findings:
            problems.append("尚无经组长审定的问题，不能反馈。")
        if problems:
            raise Invalid(problems)
        office_id = inspection.office_id
        due, result_due = report_due_for(feedback_on, office_id), result_due_for(feedback_on, calendar, office_id)
        feedback = Feedback.objects.filter(inspection=inspection).first()
        replies = Report.objects.filter(inspection=inspection, anonymous=False, status=ReportStatus.ACCEPTED)
        if feedback is None:
            feedback = Feedback.objects.create(inspection=inspection, feedback_on=feedback_on, report_due=due, created_by=actor)
            action, verb = "feedback.record", "登记"
            moved = replies.filter(result_due__isnull=True)
        else:
            # A corrected date moves the result due dates it had set, never ones set otherwise.
            moved = replies.filter(Q(result_due__isnull=True) | Q(result_due=result_due_for(feedback.feedback_on, calendar, office_id)))
            feedback.feedback_on, feedback.report_due = feedback_on, due
            feedback.save(update_fields=["feedback_on", "report_due"])
            action, verb = "feedback.update", "更正"
        feedback.findings.set(findings)
        count = moved.update(result_due=result_due)
        audit_record(actor=actor, action=action, obj=feedback, request=request,
                     summary=f"{verb}巡察反馈：{inspection}，反馈日期{cn_date(feedback_on)}，反馈问题{len(findings)}个，"
                             f"整改报告{cn_date(due)}前报送",
                     data={"inspection": inspection.pk, "feedback_on": feedback_on.isoformat(), "report_due": due.isoformat(),
                           "findings": [f.pk for f in findings], "result_due_set": count})
    return feedback


# --- the items ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemData:
    measures: str
    responsible_leader: str
    responsible_dept: str
    deadline: dt.date | None = None
    long_term: bool = False


def _check_item(data: ItemData) -> None:
    problems = []
    for value, label, limit in ((data.measures, "整改措施", MAX_TEXT), (data.responsible_leader, "责任领导", 64),
                                (data.responsible_dept, "责任部门", 120)):
        if not value.strip():
            problems.append(f"请填写{label}。")
        elif len(value.strip()) > limit:
            problems.append(f"{label}不能超过{limit}字。")
    if data.long_term and data.deadline is not None:
        problems.append("长期坚持的事项不填写完成时限。")
    if not data.long_term and data.deadline is None:
        problems.append("请填写完成时限，或选择长期坚持。")
    if problems:
        raise Invalid(problems)


ITEM_LABELS = {"measures": "整改措施", "responsible_leader": "责任领导", "responsible_dept": "责任部门", "deadline": "完成时限",
               "long_term": "长期坚持"}


def _item_fields(data: ItemData) -> dict[str, Any]:
    return {"measures": data.measures.strip(), "responsible_leader": data.responsible_leader.strip(),
            "responsible_dept": data.responsible_dept.strip(), "deadline": data.deadline, "long_term": data.long_term}


def deadline_text(deadline: dt.date | None, long_term: bool) -> str:
    return "长期坚持" if long_term or deadline is None else deadline.isoformat()


def item_create(*, actor: User, finding: Finding, data: ItemData, request: HttpRequest | None = None) -> RectificationItem:
    """The team adds a ledger item for an approved finding; numbered per inspection under a row lock."""
    inspection = team_work_get(user=actor, pk=finding.inspection_id)
    _check_item(data)
    with transaction.atomic():
        number = next_number(RectificationItem, inspection)
        if not Finding.objects.filter(pk=finding.pk, state=Finding.State.APPROVED).exists():
            raise Invalid("只能为经组长审定的问题建立整改事项。")
        item = RectificationItem.objects.create(inspection=inspection, finding=finding, number=number, **_item_fields(data))
        audit_record(actor=actor, action="rectification_item.create", obj=item, request=request,
                     summary=f"新增整改事项第{number}项（问题{finding.number}）：责任部门{item.responsible_dept}，"
                             f"完成时限{deadline_text(item.deadline, item.long_term)}",
                     data={"inspection": inspection.pk, "finding": finding.pk, "number": number})
    return item


def item_update(*, actor: User, item: RectificationItem, data: ItemData, request: HttpRequest | None = None) -> RectificationItem:
    """The team corrects an item's measures, responsibles or deadline (not once it is signed off)."""
    team_work_get(user=actor, pk=item.inspection_id)
    _check_item(data)
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.SIGNED_OFF:
            raise Invalid("该事项已销号，不能修改。")
        fields = _item_fields(data)
        changes = {k: [str(getattr(item, k)), str(v)] for k, v in fields.items() if getattr(item, k) != v}
        if not changes:
            return item
        for name, value in fields.items():
            setattr(item, name, value)
        item.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="rectification_item.update", obj=item, request=request,
                     summary=f"修改整改事项第{item.number}项：" + "、".join(ITEM_LABELS[k] for k in changes),
                     data={"changes": {k: v for k, v in changes.items() if k != "measures"}, "measures_changed": "measures" in changes})
    return item


def _visible_item(actor: User, item: RectificationItem) -> RectificationItem:
    found = RectificationItem.objects.select_related("inspection", "finding").filter(pk=item.pk).first()
    if found is None or not can_read_ledger(actor, found.inspection):
        raise NotFound
    return found


def progress_report(*, actor: User, item: RectificationItem, text: str, status: str,
                    files: Sequence[UploadedFile[bytes]] | None = None, request: HttpRequest | None = None) -> ProgressReport:
    """The target's liaison reports progress (整改中/已完成/长期坚持) with evidence files."""
    item = _visible_item(actor, item)
    if not is_liaison_of(actor, item.inspection):
        raise NotAllowed("只有被巡察单位的整改联络员可以报送整改进展。")
    problems = [] if status in PROGRESS_STATUSES else ["请选择整改状态：整改中、已完成或长期坚持。"]
    if not text.strip() or len(text) > MAX_TEXT:
        problems.append(f"进展情况不能超过{MAX_TEXT}字。" if text.strip() else "请填写进展情况。")
    try:
        checked = files_checked(files or [])
    except Invalid as exc:
        problems += exc.messages
        checked = []
    if problems:
        raise Invalid(problems)
    inspection = item.inspection
    with removed_on_failure() as saved, transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.SIGNED_OFF:
            raise Invalid("该事项已销号，无需再报送进展。")
        report = ProgressReport.objects.create(item=item, text=text.strip(), status=status, by=actor)
        evidence_save(saved, checked, actor=actor, prefix=f"item-{item.pk}", progress=report)
        item.progress, item.status, item.returned_reason = text.strip(), status, ""
        item.save(update_fields=["progress", "status", "returned_reason", "updated_at"])
        audit_record(actor=actor, action="rectification_item.progress", obj=item, request=request,
                     summary=f"报送整改事项第{item.number}项进展：{item.get_status_display()}，佐证材料{len(checked)}个",
                     data={"progress": report.pk, "status": status, "evidence": [f.sha256 for f in checked]})
        events.progress_reported(inspection, item, report)
    return report


def _check_decider(actor: User, item: RectificationItem) -> RectificationItem:
    item = _visible_item(actor, item)
    if not can_sign_off(actor, item.inspection):
        raise NotAllowed("只有巡察办或本巡察组组长、副组长可以销号或退回整改事项。")
    return item


def item_sign_off(*, actor: User, item: RectificationItem, request: HttpRequest | None = None) -> RectificationItem:
    """销号: the office (or the team leader) verifies the evidence of a done or long-term item and closes it."""
    item = _check_decider(actor, item)
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        problems = []
        if item.status == ItemStatus.SIGNED_OFF:
            problems.append("该事项已销号。")
        elif item.status not in CLAIMED_STATUSES:
            problems.append(f"只有报送为“已完成”或“长期坚持”的事项可以销号，该事项目前为“{item.get_status_display()}”。")
        if not Evidence.objects.filter(progress__item=item).exists():
            problems.append("该事项尚无佐证材料，不能销号。")
        if problems:
            raise Invalid(problems)
        before = item.get_status_display()
        item.status, item.signed_off_by, item.signed_off_at, item.returned_reason = ItemStatus.SIGNED_OFF, actor, timezone.now(), ""
        item.save(update_fields=["status", "signed_off_by", "signed_off_at", "returned_reason", "updated_at"])
        audit_record(actor=actor, action="rectification_item.sign_off", obj=item, request=request,
                     summary=f"整改事项第{item.number}项销号（原状态：{before}）", data={"inspection": item.inspection_id})
    return item


def item_return(*, actor: User, item: RectificationItem, reason: str, request: HttpRequest | None = None) -> RectificationItem:
    """The office (or the team leader) returns a reported item with a reason: back to 整改中."""
    item = _check_decider(actor, item)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise Invalid("退回原因不能超过300字。" if reason else "退回时请写明原因。")
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if item.status not in CLAIMED_STATUSES:
            raise Invalid(f"只有报送为“已完成”或“长期坚持”、尚未销号的事项可以退回，该事项目前为“{item.get_status_display()}”。")
        item.status, item.returned_reason = ItemStatus.IN_PROGRESS, reason
        item.save(update_fields=["status", "returned_reason", "updated_at"])
        audit_record(actor=actor, action="rectification_item.return", obj=item, request=request,
                     summary=f"退回整改事项第{item.number}项，原因：{reason[:200]}", data={"inspection": item.inspection_id})
    return item
