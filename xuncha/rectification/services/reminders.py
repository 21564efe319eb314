"""Reminders (docs/architecture.md §5 rule 7): once a day, an in-app notification per inspection with ledger items due
soon or overdue (and immediate-rectification notices past their deadline), to the target's liaisons and
the team's leaders, emailed when EMAIL_HOST is set; and each user marking their notifications read.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.documents import cn_date
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_get

from ..access import leaders_of, liaisons_of
from ..models import Notification, RectificationItem
from ..selectors import due_soon_q, overdue_notices_all, overdue_q, overdue_working_days, reminder_cutoff

logger = logging.getLogger(__name__)

REMINDER_KEY = "ledger-reminder"


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
    out = {pk: reverse("liaison:items") for pk in liaisons_of(inspection).values_list("pk", flat=True)}
    out.update({pk: reverse("rectification:ledger", args=[inspection.pk]) for pk in leaders_of(inspection).values_list("pk", flat=True)})
    return out


def reminders_send(*, today: dt.date | None = None) -> ReminderRun:
    """Once a day: a notification per inspection with items due soon or overdue, to each liaison of the
    target and each leader of the team; emailed when EMAIL_HOST is set. Idempotent per day (Notification.key).
    The system acts here, for no user."""
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


def notifications_mark_read(*, actor: User, ids: list[int] | None = None, request: HttpRequest | None = None) -> int:
    """Mark the actor's notifications read (the given ones, or all unread); never another user's."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        count = qs.update(read_at=timezone.now())
        if count:
            audit_record(actor=actor, action="notification.read", object_type="rectification.notification",
                         summary=f"标记{count}条提醒为已读", data={"ids": ids})
    return count
