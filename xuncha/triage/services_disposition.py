"""Writes of dispositions: a team member proposes 受理/转办/移交/存查/了结, the team leader approves or
returns it (DESIGN §1); approval applies it (report status, a referral with its letter, a clue to be
listed in a transfer batch). Receiving bodies sign for batches, acknowledge, and record the handling
and the result. Every function is atomic and writes its audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.selectors import body_ids, team_ids
from xuncha.audit.services import audit_record
from xuncha.core.workdays import add_months
from xuncha.inspections.models import Inspection, ReceivingBody
from xuncha.inspections.selectors import calendar_get
from xuncha.intake.models import ReplyExemption, Report, ReportStatus
from xuncha.intake.selectors import report_get

from .models import Clue, Disposition, DispositionKind, Handling, Referral, TransferBatch, Triage

STATUS_AFTER = {
    DispositionKind.ACCEPT: ReportStatus.ACCEPTED,
    DispositionKind.REFER: ReportStatus.REFERRED,
    DispositionKind.TRANSFER: ReportStatus.TRANSFERRED,
    DispositionKind.FILE: ReportStatus.FILED,
    DispositionKind.CLOSE: ReportStatus.CLOSED,
}
# Statuses after which a report takes no further disposition (it has left the team's hands).
FINAL_STATUSES = {ReportStatus.REFERRED, ReportStatus.TRANSFERRED, ReportStatus.CLOSED}


def is_team_leader(user: Any, report: Report) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, report.inspection)


def _check_proposal(report: Report, kind: str, body: ReceivingBody | None, reason: str) -> None:
    problems = []
    if kind not in DispositionKind.values:
        problems.append("请选择处置方式。")
    if kind in (DispositionKind.REFER, DispositionKind.TRANSFER) and body is None:
        problems.append("转办、移交须选择接收单位。")
    if kind not in (DispositionKind.REFER, DispositionKind.TRANSFER) and body is not None:
        problems.append("只有转办、移交需要接收单位。")
    if not reason.strip():
        problems.append("请写明处置理由。")
    if report.status in FINAL_STATUSES:
        problems.append(f"该信访件已{report.get_status_display()}，不能再作处置。")
    if kind == DispositionKind.ACCEPT and report.status == ReportStatus.ACCEPTED:
        problems.append("该信访件已受理。")
    if report.dispositions.filter(state=Disposition.State.PROPOSED).exists():
        problems.append("该信访件已有待审批的处置意见，请先由组长审批。")
    if problems:
        raise ValidationError(problems)


def disposition_propose(*, actor: Any, report: Report, kind: str, reason: str, body: ReceivingBody | None = None,
                        approve: bool = False, request: HttpRequest | None = None) -> Disposition:
    """Propose a disposition; a team leader may approve it at once (`approve=True`)."""
    report_get(user=actor, pk=report.pk)  # 404 unless the actor's team holds the report
    if approve and not is_team_leader(actor, report):
        raise PermissionError("只有本巡察组组长、副组长可以审批处置意见。")
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("inspection").get(pk=report.pk)
        _check_proposal(report, kind, body, reason)
        disposition = Disposition.objects.create(report=report, kind=kind, body=body, reason=reason.strip(), proposed_by=actor)
        to = f"（{body.name}）" if body else ""
        audit_record(actor=actor, action="disposition.propose", obj=report, request=request,
                     summary=f"拟{disposition.get_kind_display()}信访件 {report.reference}{to}，理由：{reason.strip()[:200]}",
                     data={"disposition": disposition.pk, "kind": kind, "body": body.pk if body else None})
        if approve:
            _decide(actor=actor, disposition=disposition, approve=True, note="", request=request)
    return disposition


def disposition_decide(*, actor: Any, disposition: Disposition, approve: bool, note: str = "",
                       request: HttpRequest | None = None) -> Disposition:
    """The team leader approves (and so applies) or returns a proposed disposition."""
    report = report_get(user=actor, pk=disposition.report_id)
    if not is_team_leader(actor, report):
        raise PermissionError("只有本巡察组组长、副组长可以审批处置意见。")
    if not approve and not note.strip():
        raise ValidationError("退回时请写明意见。")
    with transaction.atomic():
        disposition = Disposition.objects.select_for_update().get(pk=disposition.pk)
        if disposition.state != Disposition.State.PROPOSED:
            raise ValidationError("该处置意见已审批。")
        _decide(actor=actor, disposition=disposition, approve=approve, note=note, request=request)
    return disposition


def _decide(*, actor: Any, disposition: Disposition, approve: bool, note: str, request: HttpRequest | None) -> None:
    report = Report.objects.select_for_update().select_related("inspection").get(pk=disposition.report_id)
    disposition.state = Disposition.State.APPROVED if approve else Disposition.State.RETURNED
    disposition.decided_by, disposition.decided_at, disposition.decision_note = actor, timezone.now(), note.strip()[:300]
    disposition.save()
    verb = "批准" if approve else "退回"
    audit_record(actor=actor, action="disposition.approve" if approve else "disposition.return", obj=report, request=request,
                 summary=f"{verb}信访件 {report.reference} 的处置意见：{disposition.get_kind_display()}"
                         + (f"，意见：{note.strip()[:200]}" if note.strip() else ""),
                 data={"disposition": disposition.pk, "kind": disposition.kind})
    if not approve:
        return
    if report.status in FINAL_STATUSES:
        raise ValidationError(f"该信访件已{report.get_status_display()}，不能再作处置。")
    report.status = STATUS_AFTER[DispositionKind(disposition.kind)]
    fields = ["status"]
    if disposition.kind != DispositionKind.ACCEPT:
        # The team's handling closes here: the result is due to a real-name reporter within N working days
        # (for an accepted report it is due after the feedback, see rectification). A repeat of a matter
        # already answered records why it gets no reply of its own.
        if not report.anonymous:
            report.result_due = calendar_get().add_working_days_after(timezone.localdate(), settings.RESULT_NOTICE_WORKING_DAYS)
            fields.append("result_due")
        answered = Triage.objects.filter(pk=report.pk).values_list("repeat_of_answered_id", flat=True).first()
        if answered and disposition.kind == DispositionKind.CLOSE and not report.reply_exempt:
            report.reply_exempt, report.reply_exempt_note = ReplyExemption.REPEAT_ANSWERED, f"同一事项已答复（信访件ID {answered}）"
            fields += ["reply_exempt", "reply_exempt_note"]
    report.save(update_fields=fields)
    if disposition.kind in (DispositionKind.REFER, DispositionKind.TRANSFER):
        _hand_over(disposition, report)


def _hand_over(disposition: Disposition, report: Report) -> None:
    assert disposition.body is not None
    due = calendar_get().add_working_days_after(timezone.localdate(), settings.HANDOVER_WORKING_DAYS)
    common = {"report": report, "body": disposition.body, "disposition": disposition, "reason": disposition.reason,
              "due_on": due}
    if disposition.kind == DispositionKind.REFER:
        Inspection.objects.select_for_update().filter(pk=report.inspection_id).values_list("pk", flat=True).first()
        number = (Referral.objects.filter(report__inspection_id=report.inspection_id).aggregate(m=Max("number"))["m"] or 0) + 1
        Referral.objects.create(number=number, **common)
    else:
        Clue.objects.create(**common)


def referral_send(*, actor: Any, referral: Referral, request: HttpRequest | None = None) -> Referral:
    """The team records that the referral letter has gone out."""
    report_get(user=actor, pk=referral.report_id)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.sent_at is None:
            referral.sent_at = timezone.now()
            referral.save(update_fields=["sent_at"])
            audit_record(actor=actor, action="referral.send", obj=referral, request=request,
                         summary=f"转办函第{referral.number}号已发出（{referral.body}）")
    return referral


def transfer_batch_create(*, actor: Any, inspection: Inspection, body: ReceivingBody, clue_ids: list[int],
                          request: HttpRequest | None = None) -> TransferBatch:
    """List approved clues not yet transferred into one batch for `body` (the transfer list to sign for)."""
    if inspection.team_id not in team_ids(actor):
        raise Http404
    if not clue_ids:
        raise ValidationError("请选择要移交的问题线索。")
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        clues = list(Clue.objects.select_for_update().filter(pk__in=clue_ids, report__inspection=inspection, body=body,
                                                              batch__isnull=True))
        if len(clues) != len(set(clue_ids)):
            raise ValidationError("所选问题线索中有已移交、不属于该接收单位或不属于本巡察任务的，请刷新后重试。")
        number = (TransferBatch.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        batch = TransferBatch.objects.create(inspection=inspection, body=body, number=number, created_by=actor)
        Clue.objects.filter(pk__in=[c.pk for c in clues]).update(batch=batch)
        audit_record(actor=actor, action="transfer_batch.create", obj=batch, request=request,
                     summary=f"生成问题线索移交清单第{number}号：{body}，{len(clues)}件", data={"clues": sorted(clue_ids)})
    return batch


def _check_recipient(actor: Any, body_id: int) -> None:
    if body_id not in body_ids(actor):
        raise Http404


def transfer_batch_sign(*, actor: Any, batch: TransferBatch, request: HttpRequest | None = None) -> TransferBatch:
    """The receiving body's recipient signs for a transfer list: every clue in it is acknowledged."""
    _check_recipient(actor, batch.body_id)
    with transaction.atomic():
        batch = TransferBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.signed_at is not None:
            raise ValidationError("该移交清单已签收。")
        now = timezone.now()
        batch.signed_by, batch.signed_at = actor, now
        batch.save(update_fields=["signed_by", "signed_at"])
        batch.clues.filter(acknowledged_at__isnull=True).update(acknowledged_at=now, acknowledged_by=actor)
        audit_record(actor=actor, action="transfer_batch.sign", obj=batch, request=request,
                     summary=f"签收问题线索移交清单第{batch.number}号（{batch.body}）")
    return batch


def handover_acknowledge(*, actor: Any, item: Referral | Clue, request: HttpRequest | None = None) -> Referral | Clue:
    """The recipient acknowledges a referral (a clue is acknowledged by signing for its batch)."""
    _check_recipient(actor, item.body_id)
    if isinstance(item, Clue):
        if item.batch_id is None:
            raise Http404
        raise ValidationError("问题线索随移交清单签收，请签收清单。")
    with transaction.atomic():
        item = Referral.objects.select_for_update().get(pk=item.pk)
        if item.acknowledged_at is not None:
            raise ValidationError("已签收。")
        item.acknowledged_at, item.acknowledged_by = timezone.now(), actor
        item.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="referral.acknowledge", obj=item, request=request,
                     summary=f"签收转办件（转办函第{item.number}号）")
    return item


def handover_result(*, actor: Any, item: Referral | Clue, handling: str, result: str,
                    request: HttpRequest | None = None) -> Referral | Clue:
    """The recipient records how the matter is handled and, when there is one, the result."""
    _check_recipient(actor, item.body_id)
    if isinstance(item, Clue) and item.batch_id is None:
        raise Http404
    problems = []
    if item.acknowledged_at is None:
        problems.append("请先签收。")
    if handling and handling not in Handling.values:
        problems.append("处置方式无效。")
    if isinstance(item, Clue) and not handling:
        problems.append("请选择问题线索的处置方式。")
    if not handling and not result.strip():
        problems.append("请填写处置方式或办理结果。")
    if problems:
        raise ValidationError(problems)
    model = type(item)
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        item.handling = handling
        if result.strip():
            item.result, item.result_at, item.result_by = result.strip(), timezone.now(), actor
        item.save(update_fields=["handling", "result", "result_at", "result_by"])
        what = item.get_handling_display() if handling else ""
        audit_record(actor=actor, action=f"{model._meta.model_name}.result", obj=item, request=request,
                     summary=f"{model._meta.verbose_name}处置：{what or '—'}" + ("，已反馈办理结果" if result.strip() else ""))
    return item


def result_due(item: Referral | Clue) -> dt.date | None:
    """Receiving bodies report back within HANDOVER_RESULT_MONTHS of signing for the matter."""
    if item.acknowledged_at is None:
        return None
    return add_months(timezone.localtime(item.acknowledged_at).date(), settings.HANDOVER_RESULT_MONTHS)


def overdue_cutoff() -> dt.datetime:
    """Acknowledged before this moment and still without a result: overdue."""
    day = add_months(timezone.localdate(), -settings.HANDOVER_RESULT_MONTHS)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
