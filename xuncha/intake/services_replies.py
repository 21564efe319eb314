"""Writes of replies beyond the reply itself (services.reply_create): the team records why a report
needs no reply (a repeat already answered, an anonymous reporter who never looked up, no contact
left, another stated reason), or clears that record. Both are the team's (leader and members: 404 for
everyone else), atomic, and audited in the same transaction (DESIGN §1, §3 rule 7).

And what the reporter's look-up with the receipt code changes (lookup_changes): the time of the
look-up, and the withdrawal of a recorded "anonymous, never looked up" (it no longer holds). The portal
applies them in its one update of the report, beside the look-up's own audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from xuncha.audit.services import audit_record

from .models import ReplyExemption, Report
from .selectors import report_get
from .selectors_replies import anonymous_unread_ids

NOTE_MAX = 300
# What the team writes when it records the proposed reason for an anonymous report.
ANONYMOUS_UNREAD_NOTE = "匿名反映，办结后反映人未凭查询码查询，无法送达答复。"


def lookup_changes() -> dict[str, Any]:
    """The fields a successful receipt-code look-up sets, for Report.objects.filter(pk=...).update(**...):
    the time of the look-up; and a recorded "anonymous, never looked up" is withdrawn, so that the
    report is unanswered again and the team replies (the reporter now reads the replies)."""
    unread = Q(reply_exempt=ReplyExemption.ANONYMOUS_UNREAD)
    return {
        "last_lookup_at": timezone.now(),
        "reply_exempt": Case(When(unread, then=Value("")), default=F("reply_exempt")),
        "reply_exempt_note": Case(When(unread, then=Value("")), default=F("reply_exempt_note")),
    }


def reply_exempt_proposal(report: Report) -> str:
    """The reason the system proposes for a report ("" for none): ANONYMOUS_UNREAD for an anonymous
    report whose handling closed without a result reply and whose reporter has not looked up since."""
    return ReplyExemption.ANONYMOUS_UNREAD if anonymous_unread_ids(inspection=report.inspection,
                                                                   report_ids=[report.pk]) else ""


def _check(report: Report, reason: str, note: str) -> None:
    problems = []
    if reason not in ReplyExemption.values:
        problems.append("请选择无需答复的原因。")
    if len(note) > NOTE_MAX:
        problems.append(f"说明不超过 {NOTE_MAX} 字。")
    if reason == ReplyExemption.OTHER and len(note) < 5:
        problems.append("选择“其他原因”时，请写明具体原因（至少5个字）。")
    if reason == ReplyExemption.ANONYMOUS_UNREAD and reply_exempt_proposal(report) != ReplyExemption.ANONYMOUS_UNREAD:
        if not report.anonymous:
            problems.append("该信访件为实名反映，不适用“匿名反映，反映人未凭查询码查询”。")
        else:
            problems.append("该信访件尚未办结、已答复办理结果，或反映人在办结后已凭查询码查询：不适用该原因，请答复。")
    if problems:
        raise ValidationError(problems)


def reply_exempt_set(*, actor: Any, report: Report, reason: str, note: str = "", request: HttpRequest | None = None) -> Report:
    """Record why the report needs no reply (replacing an earlier record); audited."""
    report = report_get(user=actor, pk=report.pk)  # 404 unless the actor's team holds the report
    note = note.strip()
    _check(report, reason, note)
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("inspection").get(pk=report.pk)
        before = report.reply_exempt
        report.reply_exempt, report.reply_exempt_note = reason, note[:NOTE_MAX]
        report.save(update_fields=["reply_exempt", "reply_exempt_note"])
        label = ReplyExemption(reason).label
        audit_record(actor=actor, action="report.reply_exempt", obj=report, request=request,
                     summary=f"信访件 {report.reference} 记录无需答复原因：{label}" + (f"；说明：{note[:150]}" if note else ""),
                     data={"reason": reason, "before": before})
    return report


def reply_exempt_set_many(*, actor: Any, reports: Iterable[Report], reason: str, note: str = "",
                          request: HttpRequest | None = None) -> int:
    """The same reason for several reports at once (e.g. the proposals of one page); each audited.
    All or nothing: one report that does not qualify rejects the whole set."""
    with transaction.atomic():
        count = 0
        for report in reports:
            reply_exempt_set(actor=actor, report=report, reason=reason, note=note, request=request)
            count += 1
    return count


def reply_exempt_clear(*, actor: Any, report: Report, request: HttpRequest | None = None) -> Report:
    """Withdraw the recorded reason: the report is due a reply again; audited."""
    report = report_get(user=actor, pk=report.pk)
    if not report.reply_exempt:
        raise ValidationError("该信访件没有记录无需答复的原因。")
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("inspection").get(pk=report.pk)
        before, before_note = report.reply_exempt, report.reply_exempt_note
        report.reply_exempt, report.reply_exempt_note = "", ""
        report.save(update_fields=["reply_exempt", "reply_exempt_note"])
        audit_record(actor=actor, action="report.reply_exempt_clear", obj=report, request=request,
                     summary=f"信访件 {report.reference} 撤销无需答复原因：{ReplyExemption(before).label}" if before in ReplyExemption.values
                     else f"信访件 {report.reference} 撤销无需答复原因",
                     data={"before": before, "before_note": before_note})
    return report
