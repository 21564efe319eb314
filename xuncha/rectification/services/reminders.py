"""Reminders (docs/architecture.md §5 rule 7): once a day, a notification (xuncha.notify) per inspection with ledger
items due soon or overdue (and immediate-rectification notices past their deadline), to the target's
liaisons and the team's leaders, emailed when EMAIL_HOST is set. The text carries numbers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.documents import cn_date
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_get
from xuncha.notify.services import email_pending, notify

from ..access import leaders_of, liaisons_of
from ..models import RectificationItem
from ..selectors import due_soon_q, overdue_notices_all, overdue_q, overdue_working_days, reminder_cutoff

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
    # Numbers only (the text may leave by email): the inspection by its number, not its names.
    return f"【整改提醒】巡察任务（编号{inspection.pk}）：" + "，".join(parts) + "。请及时推进整改、报送进展和佐证材料。"


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
            by_url: dict[str, list[int]] = {}
            for pk, url in _recipients(inspection).items():
                by_url.setdefault(url, []).append(pk)
            for url, users in by_url.items():
                run.created += len(notify(users=users, key=key, text=text, url=url, email=False))
        if run.created:
            audit_record(actor="系统", action="rectification.reminders", object_type="notify.notification",
                         summary=f"生成整改到期提醒{run.created}条（{cn_date(today)}）",
                         data={"day": today.isoformat(), "inspections": sorted(per_inspection), "created": run.created})
    # Today's reminders not emailed yet: the new ones, and any whose send failed on an earlier run of the day.
    sent = email_pending(keys=keys)
    run.emailed, run.failed = sent.emailed, sent.failed
    return run
