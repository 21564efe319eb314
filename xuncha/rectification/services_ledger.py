"""Writes of the feedback (反馈) and the rectification ledger (整改台账), DESIGN §3 rule 7: the team leader
records the feedback of the approved findings (due dates follow); the team keeps the items; the target's
liaison reports progress with evidence; the office (or the team leader) signs items off (销号) or returns
them; daily reminders of items due soon or overdue. Every write is atomic and audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.audit.services import audit_record
from xuncha.core.workdays import WorkdayCalendar, add_months
from xuncha.documents import cn_date
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_get
from xuncha.intake.models import Report, ReportStatus
from xuncha.uploads import check_files

from .access import can_sign_off, is_liaison_of, is_team_leader, ledger_inspections, team_inspection_get
from .models import Evidence, Feedback, Finding, ItemStatus, Notification, ProgressReport, RectificationItem
from .selectors_findings import overdue_notices_all

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
PROGRESS_STATUSES = (ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.LONG_TERM)
CLAIMED_STATUSES = (ItemStatus.DONE, ItemStatus.LONG_TERM)
# Items still being worked on: only these can be overdue (an item reported done waits for sign-off, not the target).
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)
REMINDER_KEY = "ledger-reminder"


def report_due_for(feedback_on: dt.date) -> dt.date:
    """The target's rectification report is due FEEDBACK_REPORT_MONTHS months after the feedback."""
    return add_months(feedback_on, settings.FEEDBACK_REPORT_MONTHS)


def result_due_for(feedback_on: dt.date, calendar: WorkdayCalendar) -> dt.date:
    """An accepted real-name report's result is due RESULT_NOTICE_WORKING_DAYS working days after the feedback."""
    return calendar.add_working_days_after(feedback_on, settings.RESULT_NOTICE_WORKING_DAYS)


def _lock(inspection_id: int) -> None:
    Inspection.objects.select_for_update().filter(pk=inspection_id).values_list("pk", flat=True).first()


def feedback_record(*, actor: Any, inspection: Inspection, feedback_on: dt.date, request: HttpRequest | None = None) -> Feedback:
    """The team leader records (or corrects) the date the approved findings were fed back to the target."""
    inspection = team_inspection_get(user=actor, pk=inspection.pk)
    if not is_team_leader(actor, inspection):
        raise PermissionError("只有本巡察组组长、副组长可以登记反馈。")
    problems = []
    if feedback_on < inspection.start_date:
        problems.append(f"反馈日期不能早于巡察进驻日期（{cn_date(inspection.start_date)}）。")
    if feedback_on > timezone.localdate():
        problems.append("反馈日期不能晚于今天，请在反馈后登记。")
    calendar = calendar_get()
    with transaction.atomic():
        _lock(inspection.pk)
        findings = list(Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number"))
        if not findings:
            problems.append("尚无经组长审定的问题，不能反馈。")
        if problems:
            raise ValidationError(problems)
        due, result_due = report_due_for(feedback_on), result_due_for(feedback_on, calendar)
        feedback = Feedback.objects.filter(inspection=inspection).first()
        replies = Report.objects.filter(inspection=inspection, anonymous=False, status=ReportStatus.ACCEPTED)
        if feedback is None:
            feedback = Feedback.objects.create(inspection=inspection, feedback_on=feedback_on, report_due=due, created_by=actor)
            action, verb = "feedback.record", "登记"
            moved = replies.filter(result_due__isnull=True)
        else:
            # A corrected date moves the result due dates it had set, never ones set otherwise.
            moved = replies.filter(Q(result_due__isnull=True) | Q(result_due=result_due_for(feedback.feedback_on, calendar)))
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
        raise ValidationError(problems)


ITEM_LABELS = {"measures": "整改措施", "responsible_leader": "责任领导", "responsible_dept": "责任部门", "deadline": "完成时限",
               "long_term": "长期坚持"}


def _item_fields(data: ItemData) -> dict[str, Any]:
    return {"measures": data.measures.strip(), "responsible_leader": data.responsible_leader.strip(),
            "responsible_dept": data.responsible_dept.strip(), "deadline": data.deadline, "long_term": data.long_term}


def deadline_text(deadline: dt.date | None, long_term: bool) -> str:
    return "长期坚持" if long_term or deadline is None else deadline.isoformat()


def item_create(*, actor: Any, finding: Finding, data: ItemData, request: HttpRequest | None = None) -> RectificationItem:
    """The team adds a ledger item for an approved finding; numbered per inspection under a row lock."""
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    _check_item(data)
    with transaction.atomic():
        _lock(inspection.pk)
        if not Finding.objects.filter(pk=finding.pk, state=Finding.State.APPROVED).exists():
            raise ValidationError("只能为经组长审定的问题建立整改事项。")
        number = (RectificationItem.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        item = RectificationItem.objects.create(inspection=inspection, finding=finding, number=number, **_item_fields(data))
        audit_record(actor=actor, action="rectification_item.create", obj=item, request=request,
                     summary=f"新增整改事项第{number}项（问题{finding.number}）：责任部门{item.responsible_dept}，"
                             f"完成时限{deadline_text(item.deadline, item.long_term)}",
                     data={"inspection": inspection.pk, "finding": finding.pk, "number": number})
    return item


def item_update(*, actor: Any, item: RectificationItem, data: ItemData, request: HttpRequest | None = None) -> RectificationItem:
    """The team corrects an item's measures, responsibles or deadline (not once it is signed off)."""
    team_inspection_get(user=actor, pk=item.inspection_id)
    _check_item(data)
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.SIGNED_OFF:
            raise ValidationError("该事项已销号，不能修改。")
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


def _visible_item(actor: Any, item: RectificationItem) -> RectificationItem:
    item = RectificationItem.objects.select_related("inspection", "finding").filter(pk=item.pk).first()  # type: ignore[assignment]
    if item is None or not ledger_inspections(user=actor).filter(pk=item.inspection_id).exists():
        raise Http404
    return item


def _remove_files(saved: Iterable[str]) -> None:
    for name in saved:
        default_storage.delete(name)


def progress_report(*, actor: Any, item: RectificationItem, text: str, status: str, files: list[UploadedFile] | None = None,
                    request: HttpRequest | None = None) -> ProgressReport:
    """The target's liaison reports progress (整改中/已完成/长期坚持) with evidence files."""
    item = _visible_item(actor, item)
    if not is_liaison_of(actor, item.inspection):
        raise PermissionError("只有被巡察单位的整改联络员可以报送整改进展。")
    problems = [] if status in PROGRESS_STATUSES else ["请选择整改状态：整改中、已完成或长期坚持。"]
    if not text.strip() or len(text) > MAX_TEXT:
        problems.append(f"进展情况不能超过{MAX_TEXT}字。" if text.strip() else "请填写进展情况。")
    try:
        checked = check_files(list(files or []))
    except ValidationError as exc:
        problems += exc.messages
        checked = []
    if problems:
        raise ValidationError(problems)
    saved: list[str] = []
    try:
        with transaction.atomic():
            item = RectificationItem.objects.select_for_update().get(pk=item.pk)
            if item.status == ItemStatus.SIGNED_OFF:
                raise ValidationError("该事项已销号，无需再报送进展。")
            report = ProgressReport.objects.create(item=item, text=text.strip(), status=status, by=actor)
            for f in checked:
                evidence = Evidence(progress=report, original_name=f.name, content_type=f.content_type, size=len(f.content),
                                    sha256=f.sha256, uploaded_by=actor)
                evidence.file.save(f"item-{item.pk}-{f.sha256[:16]}", ContentFile(f.content), save=False)
                saved.append(str(evidence.file.name))
                evidence.save()
            item.progress, item.status, item.returned_reason = text.strip(), status, ""
            item.save(update_fields=["progress", "status", "returned_reason", "updated_at"])
            audit_record(actor=actor, action="rectification_item.progress", obj=item, request=request,
                         summary=f"报送整改事项第{item.number}项进展：{item.get_status_display()}，佐证材料{len(checked)}个",
                         data={"progress": report.pk, "status": status, "evidence": [f.sha256 for f in checked]})
    except BaseException:
        _remove_files(saved)
        raise
    return report


def _check_decider(actor: Any, item: RectificationItem) -> RectificationItem:
    item = _visible_item(actor, item)
    if not can_sign_off(actor, item.inspection):
        raise PermissionError("只有巡察办或本巡察组组长、副组长可以销号或退回整改事项。")
    return item


def item_sign_off(*, actor: Any, item: RectificationItem, request: HttpRequest | None = None) -> RectificationItem:
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
            raise ValidationError(problems)
        before = item.get_status_display()
        item.status, item.signed_off_by, item.signed_off_at, item.returned_reason = ItemStatus.SIGNED_OFF, actor, timezone.now(), ""
        item.save(update_fields=["status", "signed_off_by", "signed_off_at", "returned_reason", "updated_at"])
        audit_record(actor=actor, action="rectification_item.sign_off", obj=item, request=request,
                     summary=f"整改事项第{item.number}项销号（原状态：{before}）", data={"inspection": item.inspection_id})
    return item


def item_return(*, actor: Any, item: RectificationItem, reason: str, request: HttpRequest | None = None) -> RectificationItem:
    """The office (or the team leader) returns a reported item with a reason: back to 整改中."""
    item = _check_decider(actor, item)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise ValidationError("退回原因不能超过300字。" if reason else "退回时请写明原因。")
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if item.status not in CLAIMED_STATUSES:
            raise ValidationError(f"只有报送为“已完成”或“长期坚持”、尚未销号的事项可以退回，该事项目前为“{item.get_status_display()}”。")
        item.status, item.returned_reason = ItemStatus.IN_PROGRESS, reason
        item.save(update_fields=["status", "returned_reason", "updated_at"])
        audit_record(actor=actor, action="rectification_item.return", obj=item, request=request,
                     summary=f"退回整改事项第{item.number}项，原因：{reason[:200]}", data={"inspection": item.inspection_id})
    return item


def overdue_q(today: dt.date) -> Q:
    """Items past their deadline and still open (not done, signed off or long term)."""
    return Q(long_term=False, deadline__lt=today, status__in=OPEN_STATUSES)


def due_soon_q(today: dt.date, cutoff: dt.date) -> Q:
    return Q(long_term=False, deadline__gte=today, deadline__lte=cutoff, status__in=OPEN_STATUSES)


def reminder_cutoff(today: dt.date, calendar: WorkdayCalendar) -> dt.date:
    """Items due on or before this day (REMINDER_WORKING_DAYS working days ahead) are reminded."""
    return calendar.add_working_days_after(today, settings.REMINDER_WORKING_DAYS)


def is_overdue(item: RectificationItem, today: dt.date) -> bool:
    return not item.long_term and item.deadline is not None and item.deadline < today and item.status in OPEN_STATUSES


def overdue_working_days(deadline: dt.date, today: dt.date, calendar: WorkdayCalendar) -> int:
    """Working days elapsed since the deadline (the deadline itself not counted, today counted)."""
    return calendar.working_days_between(deadline + dt.timedelta(days=1), today)


# --- reminders ---------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    created: int = 0
    emailed: int = 0
    failed: int = 0


def _numbers(values: list[int], limit: int = 10) -> str:
    text = "、".join(str(n) for n in values[:limit])
    return f"第{text}项" + ("等" if len(values) > limit else "")


def reminder_text(inspection: Inspection, overdue: list[tuple[int, int]], due: list[int], notices: list[int] | None = None) -> str:
    parts = []
    if notices:
        parts.append(f"立行立改通知{len(notices)}件已过整改期限（第{'、'.join(str(n) for n in notices[:10])}号）")
    if overdue:
        longest = max(days for _n, days in overdue)
        parts.append(f"{len(overdue)}项已逾期（{_numbers([n for n, _d in overdue])}，最长逾期{longest}个工作日）")
    if due:
        parts.append(f"{len(due)}项将在{settings.REMINDER_WORKING_DAYS}个工作日内到期（{_numbers(due)}）")
    return f"【整改提醒】{inspection}：" + "，".join(parts) + "。请及时推进整改、报送进展和佐证材料。"


def _recipients(inspection: Inspection) -> dict[int, str]:
    """{user id: url}: the target's liaisons (their items page) and the team's leaders (the ledger)."""
    liaisons = User.objects.filter(is_active=True, roles__role=Role.LIAISON, roles__org_id=inspection.target_id)
    leaders = (User.objects.filter(is_active=True, roles__role=Role.TEAM_LEADER, roles__team_id=inspection.team_id)
               .exclude(team_memberships__conflicts__org_id=inspection.target_id))
    out = {pk: reverse("liaison:items") for pk in liaisons.values_list("pk", flat=True)}
    out.update({pk: reverse("rectification:ledger", args=[inspection.pk]) for pk in leaders.values_list("pk", flat=True)})
    return out


def reminders_send(today: dt.date | None = None) -> ReminderRun:
    """Once a day: a notification per inspection with items due soon or overdue, to each liaison of the
    target and each leader of the team; emailed when EMAIL_HOST is set. Idempotent per day (Notification.key)."""
    today = today or timezone.localdate()
    calendar = calendar_get()
    cutoff = reminder_cutoff(today, calendar)
    rows = (RectificationItem.objects.filter(overdue_q(today) | due_soon_q(today, cutoff))
            .values_list("inspection_id", "number", "deadline").order_by("inspection_id", "number"))
    per_inspection: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
    for inspection_id, number, deadline in rows.iterator(chunk_size=2000):
        overdue, due = per_inspection.setdefault(inspection_id, ([], []))
        if deadline is not None and deadline < today:
            overdue.append((number, overdue_working_days(deadline, today, calendar)))
        else:
            due.append(number)
    # Immediate-rectification notices past their deadline and not yet accepted go in the same reminder.
    notices: dict[int, list[int]] = {}
    for inspection_id, number in overdue_notices_all(today=today).values_list("inspection_id", "number").order_by("number"):
        notices.setdefault(inspection_id, []).append(number)
        per_inspection.setdefault(inspection_id, ([], []))
    run = ReminderRun()
    keys = []
    inspections = Inspection.objects.filter(pk__in=per_inspection).select_related("team", "target")
    with transaction.atomic():
        for inspection in inspections:
            key = f"{REMINDER_KEY}:{inspection.pk}:{today.isoformat()}"
            keys.append(key)
            text = reminder_text(inspection, *per_inspection[inspection.pk], notices.get(inspection.pk))[:300]
            recipients = _recipients(inspection)
            have = set(Notification.objects.filter(key=key, user_id__in=recipients).values_list("user_id", flat=True))
            new = [Notification(user_id=pk, key=key, text=text, url=url) for pk, url in recipients.items() if pk not in have]
            Notification.objects.bulk_create(new, ignore_conflicts=True)
            run.created += len(new)
        if run.created:
            audit_record(actor="系统", action="rectification.reminders", object_type="rectification.notification",
                         summary=f"生成整改到期提醒{run.created}条（{cn_date(today)}）",
                         data={"day": today.isoformat(), "inspections": sorted(per_inspection), "created": run.created})
    if settings.EMAIL_HOST and keys:
        _email(keys, run)
    return run


def _email(keys: list[str], run: ReminderRun) -> None:
    """Email today's reminders not emailed yet. Each is claimed first (emailed=True), so concurrent runs never
    send one twice; a failed send releases it for the next run. The mail carries no measures or findings."""
    pending = Notification.objects.filter(key__in=keys, emailed=False).exclude(user__email="").select_related("user")
    for note in pending:
        if not Notification.objects.filter(pk=note.pk, emailed=False).update(emailed=True):
            continue
        body = f"{note.text}\n\n请登录巡察通查看：{settings.SITE_URL}{note.url}\n\n（本邮件由巡察通自动发送，请勿回复。）"
        try:
            send_mail("【巡察通】整改事项到期提醒", body, None, [note.user.email],
                      connection=get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30))
        except (OSError, smtplib.SMTPException) as exc:
            Notification.objects.filter(pk=note.pk).update(emailed=False)
            run.failed += 1
            logger.warning("reminder email to user %s failed: %s", note.user_id, exc)
        else:
            run.emailed += 1


def notifications_mark_read(*, actor: Any, ids: list[int] | None = None, request: HttpRequest | None = None) -> int:
    """Mark the actor's notifications read (the given ones, or all unread)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        count = qs.update(read_at=timezone.now())
        if count:
            audit_record(actor=actor, action="notification.read", object_type="rectification.notification",
                         summary=f"标记{count}条提醒为已读", data={"ids": ids})
    return count
