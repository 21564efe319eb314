"""Writes of replies (DESIGN §1, §3 rule 7): the team's reply to a report (a result reply also marks
the matter of its duplicate group answered, in triage), and the team's record of why a report needs
no reply (a repeat already answered, an anonymous reporter who never looked up, no contact left,
another stated reason), or the withdrawal of that record. Each is the team's (leader and members;
NotFound for everyone else), validated first, then one transaction with its audit event.

And what the reporter's look-up with the receipt code changes (lookup_changes): the time of the
look-up, and the withdrawal of a recorded "anonymous, never looked up" (it no longer holds). The portal
applies them in its one update of the report, beside the look-up's own audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid, NotFound
from xuncha.intake.models import ReplyExemption, Report
from xuncha.triage.services import group_mark_answered

from .models import Reply
from .selectors import anonymous_unread_ids

NOTE_MAX = 300
# What the team writes when it records the proposed reason for an anonymous report.
ANONYMOUS_UNREAD_NOTE = "匿名反映，办结后反映人未凭查询码查询，无法送达答复。"


def _team_report(actor: User, report: Report) -> Report:
    """The report, fresh, if the actor's team holds it (Kind.CASE); NotFound for everyone else."""
    fresh = Report.objects.select_related("inspection").filter(pk=report.pk).first()
    if fresh is None or not allows(actor, Kind.CASE, Purpose.WORK, fresh.inspection):
        raise NotFound
    return fresh


def reply_create(*, actor: User, report: Report, kind: str, content: str, request: HttpRequest | None = None) -> Reply:
    """A reply the reporter reads through the receipt code (the team writes it; DESIGN §3 rule 7).
    A result reply answers the matter: later repeats in its duplicate group link to it (triage)."""
    report = _team_report(actor, report)
    if not content.strip():
        raise Invalid("请填写答复内容。")
    if kind not in Reply.Kind.values:
        raise Invalid("答复类型无效。")
    with transaction.atomic():
        reply = Reply.objects.create(report=report, kind=kind, content=content.strip(), created_by=actor)
        audit_record(actor=actor, action="report.reply", obj=report, request=request,
                     summary=f"答复信访件 {report.reference}（{reply.get_kind_display()}）")
        if kind == Reply.Kind.RESULT:
            group_mark_answered(report)
    return reply


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
        raise Invalid(problems)


def reply_exempt_set(*, actor: User, report: Report, reason: str, note: str = "", request: HttpRequest | None = None) -> Report:
    """Record why the report needs no reply (replacing an earlier record); audited."""
    report = _team_report(actor, report)
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


def reply_exempt_set_many(*, actor: User, reports: Iterable[Report], reason: str, note: str = "",
                          request: HttpRequest | None = None) -> int:
    """The same reason for several reports at once (e.g. the proposals of one page); each audited.
    All or nothing: one report that does not qualify rejects the whole set."""
    with transaction.atomic():
        count = 0
        for report in reports:
            reply_exempt_set(actor=actor, report=report, reason=reason, note=note, request=request)
            count += 1
    return count


def reply_exempt_clear(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """Withdraw the recorded reason: the report is due a reply again; audited."""
    report = _team_report(actor, report)
    if not report.reply_exempt:
        raise Invalid("该信访件没有记录无需答复的原因。")
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
