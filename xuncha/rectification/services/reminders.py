"""Reminders (docs/architecture.md §5 rule 7): once a day, a notification (xuncha.notify) per inspection with ledger
items due soon or overdue (and immediate-rectification notices past their deadline), to the target's
liaisons and the team's leaders, emailed when EMAIL_HOST is set; and to the liaisons, the rectification plan and
reports not yet submitted that are due soon or overdue (working days). The text carries numbers and dates only.
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
from xuncha.inspections.selectors import OfficeCalendars
from xuncha.notify.services import email_pending, notify

from ..access import leaders_of, liaisons_of
from ..models import RectificationItem
from ..selectors import due_soon_by_office_q, overdue_notices_all, overdue_q, overdue_working_days
from ..selectors_plan import Due, all_targets_with_feedback, target_rows

REMINDER_KEY = "ledger-reminder"
PLAN_REMINDER_KEY = "plan-reminder"


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


def _due_text(what: str, due: Due) -> str:
    late = f"，已逾期{due.overdue_days}个工作日" if due.overdue else ""
    return f"{what}应于{due.on:%Y-%m-%d}前报送{late}"


def plan_reminder_texts(today: dt.date) -> dict[int, str]:
    """{inspection id: text} for the target's liaisons: the plan or the reports not yet submitted, due within the
    reminder window or overdue (working days, on the calendar of each inspection's office). Numbers and dates only."""
    out = {}
    for row in target_rows(inspections=all_targets_with_feedback(), today=today):
        parts = []
        if row.plan_waiting and (row.plan_due.overdue or row.plan_due.soon):
            parts.append(_due_text("整改方案", row.plan_due))
        waiting = row.reports_waiting
        if waiting and (row.report_due.overdue or row.report_due.soon):
            parts.append(_due_text(f"整改报告{len(waiting)}份", row.report_due))
        if parts:
            out[row.inspection.pk] = f"【整改方案和报告提醒】巡察任务（编号{row.inspection.pk}）：" + "；".join(parts) + "。请及时报送。"
    return out


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
    calendars = OfficeCalendars()  # each inspection's office's: its window and its working days
    rows = (RectificationItem.objects.filter(overdue_q(today) | due_soon_by_office_q(today))
            .values_list("inspection_id", "inspection__office_id", "number", "deadline").order_by("inspection_id", "number"))
    per_inspection: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
    for inspection_id, office_id, number, deadline in rows.iterator(chunk_size=2000):
        overdue, due = per_inspection.setdefault(inspection_id, ([], []))
        if deadline is not None and deadline < today:
            overdue.append((number, overdue_working_days(deadline, today, calendars.of(office_id))))
        else:
            due.append(number)
    # Immediate-rectification notices past their deadline and not yet accepted go in the same reminder.
    notices: dict[int, list[int]] = {}
    for inspection_id, number in overdue_notices_all(today=today).values_list("inspection_id", "number").order_by("number"):
        notices.setdefault(inspection_id, []).append(number)
        per_inspection.setdefault(inspection_id, ([], []))
    plan_texts = plan_reminder_texts(today)
    run = ReminderRun()
    keys = []
    # A filed inspection is read-only (xuncha.access.require_open): no reminders about it.
    inspections = Inspection.objects.filter(pk__in=per_inspection, filed_at__isnull=True).select_related("team", "target")
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
        # The plan and the reports after the feedback: to the target's liaisons.
        for inspection in Inspection.objects.filter(pk__in=list(plan_texts)):
            key = f"{PLAN_REMINDER_KEY}:{inspection.pk}:{today.isoformat()}"
            keys.append(key)
            run.created += len(notify(users=list(liaisons_of(inspection)), key=key, text=plan_texts[inspection.pk][:300],
                                      url=reverse("liaison:targets"), email=False))
        if run.created:
            audit_record(actor="系统", action="rectification.reminders", object_type="notify.notification",
                         summary=f"生成整改到期提醒{run.created}条（{cn_date(today)}）",
                         data={"day": today.isoformat(), "inspections": sorted(per_inspection), "plans": sorted(plan_texts),
                               "created": run.created})
    # Today's reminders not emailed yet: the new ones, and any whose send failed on an earlier run of the day.
    sent = email_pending(keys=keys)
    run.emailed, run.failed = sent.emailed, sent.failed
    return run
