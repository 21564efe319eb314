"""Writes of triage.

- The automatic proposal (`report_triage`, a system action run after a report's registration commits:
  a Celery task, inline in the embedded deployment). It is idempotent: a report already triaged is
  only re-proposed, never re-grouped.
- The team's confirmations: labels, subject categories, scope.
- Dispositions (docs/architecture.md §3): a team member proposes 受理/转办/移交/存查/了结, the team leader approves or
  returns it; approval applies it (report status, a referral with its letter, a clue to be listed in a
  transfer batch).
- Handovers: the team records the referral letter sent and lists clues into transfer batches; the
  receiving bodies sign for batches, acknowledge referrals and record the handling and the result.

Every write takes its actor and checks it through xuncha.access: the team's work on a report is
`Kind.CASE` (what the actor may not reach is NotFound), a leader's decision `Purpose.APPROVE`
(NotAllowed for the rest of the team), what a receiving body does `Kind.HANDOVER`. It validates
first, then makes the change and its audit event in one transaction; refusals are xuncha.errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows, is_filed
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES, Model, classify
from xuncha.core.dedup import DuplicateIndex
from xuncha.core.sm import sm3_hmac_hex
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection, ReceivingBody
from xuncha.inspections.selectors import calendar_for
from xuncha.inspections.selectors_offices import office_limit
from xuncha.intake.models import ReplyExemption, ReplyKind, Report, ReportStatus, Subject, SubjectCategory
from xuncha.intake.search import index_report
from xuncha.keys import key_ring

from . import events
from .classifier import active_model, classifier_retrain_if_due
from .dedup import DjangoBandStore
from .models import (
    DISCIPLINE_BITS,
    FOCUS_BITS,
    Clue,
    Disposition,
    DispositionKind,
    DuplicateGroup,
    Handling,
    Referral,
    Scope,
    TransferBatch,
    Triage,
    from_mask,
    to_mask,
)
from .scope import propose_scope

STATUS_AFTER = {
    DispositionKind.ACCEPT: ReportStatus.ACCEPTED,
    DispositionKind.REFER: ReportStatus.REFERRED,
    DispositionKind.TRANSFER: ReportStatus.TRANSFERRED,
    DispositionKind.FILE: ReportStatus.FILED,
    DispositionKind.CLOSE: ReportStatus.CLOSED,
}
# Statuses after which a report takes no further disposition (it has left the team's hands).
FINAL_STATUSES = {ReportStatus.REFERRED, ReportStatus.TRANSFERRED, ReportStatus.CLOSED}
LEADERS_ONLY = "只有本巡察组组长、副组长可以审批处置意见。"


# --- access -------------------------------------------------------------------------------------------


def _check_team(actor: User, inspection: Inspection) -> None:
    """The team's work on a report is the team's: anyone else is told it does not exist."""
    if not allows(actor, Kind.CASE, Purpose.WORK, inspection):
        raise NotFound


def _check_leader(actor: User, inspection: Inspection) -> None:
    """Only the team's leader and deputy decide; the rest of the team sees the decision but may not take it."""
    _check_team(actor, inspection)
    if not allows(actor, Kind.CASE, Purpose.APPROVE, inspection):
        raise NotAllowed(LEADERS_ONLY)


def _check_recipient(actor: User, inspection: Inspection, body_id: int) -> None:
    """What was handed to a receiving body is that body's; anyone else is told it does not exist."""
    if not allows(actor, Kind.HANDOVER, Purpose.WORK, inspection, body_id=body_id):
        raise NotFound


def is_team_leader(user: User, report: Report) -> bool:
    return allows(user, Kind.CASE, Purpose.APPROVE, report.inspection)


# --- the automatic proposal ----------------------------------------------------------------------------


def reporter_key(report: Report) -> str:
    """A keyed hash of a real-name reporter's strongest contact, to count distinct reporters; '' if anonymous."""
    if report.anonymous or not report.reporter_sealed:
        return ""
    ring = key_ring()
    for field in ("id_number", "phone", "email", "name"):
        if field in report.reporter_sealed:
            value = crypto.unseal(ring, report.reporter_sealed[field], context=field)
            normal = "".join(value.split()).lower()
            return sm3_hmac_hex(ring.receipt_key, f"reporter:{field}:{normal}".encode())
    return ""


def _document(report: Report) -> str:
    return "\n".join([report.content, *(a.content for a in report.additions.all() if a.content)])


def _subjects(report: Report) -> list[tuple[str, str]]:
    return [(s.name, s.category) for s in report.subjects.all()]


def _propose_scope(triage: Triage, report: Report) -> None:
    if triage.scope_confirmed:
        return
    proposal = propose_scope(in_window=report.in_window, subjects=_subjects(report),
                             disciplines=from_mask(triage.disciplines, DISCIPLINE_BITS), labels_confirmed=triage.labels_confirmed)
    triage.scope, triage.scope_reason = proposal.scope, proposal.reason[:300]


def _classify(triage: Triage, report: Report, model: Model | None) -> None:
    result = classify(_document(report), model, focus_wording=report.inspection.round.focus_wording)
    triage.proposal = result
    triage.model_id = model.model_id if model is not None and model.is_trained else ""
    if not triage.labels_confirmed:
        triage.disciplines = to_mask([e["code"] for e in result["disciplines"] if e["proposed"]], DISCIPLINE_BITS)
        triage.focuses = to_mask([e["code"] for e in result["focuses"] if e["proposed"]], FOCUS_BITS)


def _lock_inspection_dedup(inspection_id: int) -> None:
    """Serialise grouping within one inspection (PostgreSQL; SQLite serialises every write anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7301, inspection_id])


def group_refresh(inspection_id: int, key: int) -> DuplicateGroup | None:
    """Recount a group from its members: reports, distinct reporters and channels, first and last."""
    members = Triage.objects.filter(inspection_id=inspection_id, group_key=key)
    stats = members.aggregate(size=Count("pk"), anonymous=Count("pk", filter=Q(reporter_key="")),
                              named=Count("reporter_key", filter=~Q(reporter_key=""), distinct=True),
                              channels=Count("report__channel_kind", distinct=True),
                              first=Min("report__received_at"), last=Max("report__received_at"))
    if stats["size"] < 2:
        DuplicateGroup.objects.filter(key=key).delete()
        return None
    first = members.order_by("report__received_at", "pk").values_list("pk", flat=True)[0]
    group, _ = DuplicateGroup.objects.update_or_create(key=key, defaults={
        "inspection_id": inspection_id, "first_report_id": first, "size": stats["size"],
        "reporters": stats["anonymous"] + stats["named"], "channels": stats["channels"],
        "first_received_at": stats["first"], "last_received_at": stats["last"]})
    if group.answered_report_id is None:
        # The first report of the group that got a result reply (Report.replies: the replies app's).
        answered = (Report.objects.filter(replies__kind=ReplyKind.RESULT, triage__group_key=key)
                    .order_by("replies__created_at").values_list("pk", flat=True).first())
        if answered:
            group.answered_report_id = answered
            group.save(update_fields=["answered_report"])
    return group


def _group(triage: Triage, report: Report, index: DuplicateIndex) -> None:
    """Put the report in its duplicate group (the caller holds the inspection's dedup lock)."""
    match = index.add(report.pk, report.content)
    triage.refresh_from_db(fields=["group_key", "fingerprint", "signature"])
    if match is None:
        return
    triage.duplicate_of_id, triage.similarity, triage.exact_repeat = match.report_id, match.similarity, match.exact
    for old in match.merged:
        DuplicateGroup.objects.filter(key=old).delete()
    group = group_refresh(report.inspection_id, match.group_id)
    if group is not None and group.answered_report_id and group.answered_report_id != report.pk:
        triage.repeat_of_answered_id = group.answered_report_id


def _report_rows() -> QuerySet[Report]:
    return Report.objects.select_related("inspection__round").prefetch_related("subjects", "additions")


def report_triage(*, report_id: int) -> Triage:
    """Propose labels and scope for a report and put it in its duplicate group (system action)."""
    with transaction.atomic():
        report = _report_rows().get(pk=report_id)
        # Taken before looking for the triage row: a drain (report_triage_many) triaging the same report
        # at the same time is waited for, then seen, and the report is not grouped twice.
        _lock_inspection_dedup(report.inspection_id)
        triage, created = Triage.objects.get_or_create(report=report, defaults={
            "inspection_id": report.inspection_id, "reporter_key": reporter_key(report)})
        _classify(triage, report, active_model())
        _propose_scope(triage, report)
        if created or triage.signature is None:
            _group(triage, report, DuplicateIndex(DjangoBandStore(report.inspection_id)))
        triage.save()
    return triage


def report_triage_many(*, report_ids: Iterable[int]) -> list[int]:
    """Triage a batch of new reports (system action; the drain's micro-batches): the same proposals and
    groups as `report_triage` on each in id order, sharing the reads (one load of the reports with their
    subjects and additions, the classifier loaded once) and, per inspection, one transaction, one dedup
    lock and one band store. Grouping stays one report after the other: the core index's batch mode caps
    candidates differently (stored and in-batch ones apart), which could change a group in rare cases.
    Reports already triaged (by another drain, or lazily by a page) are skipped; returns the ids triaged."""
    ids = sorted(set(report_ids))
    by_inspection: dict[int, list[int]] = {}
    for pk, inspection_id in Report.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "inspection_id"):
        by_inspection.setdefault(inspection_id, []).append(pk)
    model = active_model()
    done: list[int] = []
    for inspection_id, pks in sorted(by_inspection.items()):
        with transaction.atomic():
            _lock_inspection_dedup(inspection_id)
            triaged = set(Triage.objects.filter(pk__in=pks).values_list("pk", flat=True))
            reports = list(_report_rows().filter(pk__in=[pk for pk in pks if pk not in triaged]).order_by("pk"))
            rows = Triage.objects.bulk_create([Triage(report=r, inspection_id=inspection_id, reporter_key=reporter_key(r))
                                               for r in reports])
            index = DuplicateIndex(DjangoBandStore(inspection_id))
            for report, triage in zip(reports, rows, strict=True):
                _classify(triage, report, model)
                _propose_scope(triage, report)
                _group(triage, report, index)
                triage.save()
                done.append(report.pk)
    return done


def triage_for(report: Report) -> Triage:
    """The report's triage row, computing it now if the background job has not run yet."""
    try:
        return Triage.objects.get(pk=report.pk)
    except Triage.DoesNotExist:
        return report_triage(report_id=report.pk)


def group_mark_answered(report: Report) -> None:
    """A result reply went to `report`: its group's matter is answered; later repeats link to it."""
    key = Triage.objects.filter(pk=report.pk).values_list("group_key", flat=True).first()
    if key is None:
        return
    DuplicateGroup.objects.filter(key=key, answered_report__isnull=True).update(answered_report=report)
    answered = Report.objects.filter(replies__kind=ReplyKind.RESULT).values("pk")
    (Triage.objects.filter(inspection_id=report.inspection_id, group_key=key, repeat_of_answered__isnull=True)
     .exclude(pk=report.pk).exclude(pk__in=answered).update(repeat_of_answered=report))


# --- the team's confirmations --------------------------------------------------------------------------


def labels_confirm(*, actor: User, report: Report, disciplines: Iterable[str], focuses: Iterable[str],
                   request: HttpRequest | None = None) -> Triage:
    """The team confirms (or corrects) the disciplines and focuses; the confirmed labels train the model."""
    _check_team(actor, report.inspection)
    d, f = sorted(set(disciplines)), sorted(set(focuses))
    bad = [c for c in d if c not in DISCIPLINES] + [c for c in f if c not in FOCUSES]
    if bad:
        raise Invalid(f"分类代码无效：{'、'.join(bad)}")
    with transaction.atomic():
        triage = Triage.objects.select_for_update().get(pk=triage_for(report).pk)
        triage.disciplines, triage.focuses = to_mask(d, DISCIPLINE_BITS), to_mask(f, FOCUS_BITS)
        triage.labels_confirmed, triage.labels_confirmed_by, triage.labels_confirmed_at = True, actor, timezone.now()
        _propose_scope(triage, report)
        triage.save()
        names = "、".join([DISCIPLINE_LABELS[c] for c in d] + [FOCUS_LABELS[c] for c in f]) or "无"
        audit_record(actor=actor, action="report.labels_confirm", obj=report, request=request,
                     summary=f"确认信访件 {report.reference} 的问题类别：{names}", data={"disciplines": d, "focuses": f})
        transaction.on_commit(classifier_retrain_if_due.delay)
    return triage


@dataclass
class SubjectChange:
    name: str
    post: str
    category: str
    pk: int | None = None  # None: a subject the team adds


def subjects_update(*, actor: User, report: Report, changes: list[SubjectChange], request: HttpRequest | None = None) -> Triage:
    """The team records each subject's category (and adds subjects the registration missed); the scope
    is proposed again from them."""
    _check_team(actor, report.inspection)
    problems = [f"被反映人“{c.name}”的类别无效。" for c in changes if c.category not in SubjectCategory.values]
    problems += ["请填写被反映人姓名。" for c in changes if not c.name.strip()]
    existing = {s.pk: s for s in report.subjects.all()}
    problems += ["被反映人不属于该信访件。" for c in changes if c.pk is not None and c.pk not in existing]
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        for c in changes:
            if c.pk is None:
                Subject.objects.create(report=report, name=c.name.strip()[:64], post=c.post.strip()[:120], category=c.category)
            else:
                Subject.objects.filter(pk=c.pk).update(name=c.name.strip()[:64], post=c.post.strip()[:120], category=c.category)
        index_report(report)
        fresh = Report.objects.prefetch_related("subjects").get(pk=report.pk)
        triage = Triage.objects.select_for_update().get(pk=triage_for(report).pk)
        _propose_scope(triage, fresh)
        triage.save()
        audit_record(actor=actor, action="report.subjects_update", obj=report, request=request,
                     summary=f"更新信访件 {report.reference} 的被反映人：" + "、".join(
                         f"{c.name}（{SubjectCategory(c.category).label}）" for c in changes))
    return triage


def scope_confirm(*, actor: User, report: Report, scope: str, reason: str, request: HttpRequest | None = None) -> Triage:
    """The team decides the scope (agreeing with the proposal or not), with the reason recorded."""
    _check_team(actor, report.inspection)
    if scope not in (Scope.IN, Scope.OUT, Scope.OUT_OF_WINDOW):
        raise Invalid("请选择是否属于受理范围。")
    if not reason.strip():
        raise Invalid("请写明判断理由。")
    with transaction.atomic():
        triage = Triage.objects.select_for_update().get(pk=triage_for(report).pk)
        triage.scope, triage.scope_reason, triage.scope_confirmed = scope, reason.strip()[:300], True
        triage.save(update_fields=["scope", "scope_reason", "scope_confirmed"])
        audit_record(actor=actor, action="report.scope_confirm", obj=report, request=request,
                     summary=f"确认信访件 {report.reference}：{Scope(scope).label}，理由：{reason.strip()[:200]}")
    return triage


# --- dispositions --------------------------------------------------------------------------------------


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
        raise Invalid(problems)


def disposition_propose(*, actor: User, report: Report, kind: str, reason: str, body: ReceivingBody | None = None,
                        approve: bool = False, request: HttpRequest | None = None) -> Disposition:
    """Propose a disposition; a team leader may approve it at once (`approve=True`)."""
    if approve:
        _check_leader(actor, report.inspection)
    else:
        _check_team(actor, report.inspection)
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
        else:
            events.disposition_proposed(report, disposition)
    return disposition


def disposition_decide(*, actor: User, disposition: Disposition, approve: bool, note: str = "",
                       request: HttpRequest | None = None) -> Disposition:
    """The team leader approves (and so applies) or returns a proposed disposition."""
    report = Report.objects.select_related("inspection").get(pk=disposition.report_id)
    _check_leader(actor, report.inspection)
    if not approve and not note.strip():
        raise Invalid("退回时请写明意见。")
    with transaction.atomic():
        disposition = Disposition.objects.select_for_update().get(pk=disposition.pk)
        if disposition.state != Disposition.State.PROPOSED:
            raise Invalid("该处置意见已审批。")
        _decide(actor=actor, disposition=disposition, approve=approve, note=note, request=request)
    return disposition


def _decide(*, actor: User, disposition: Disposition, approve: bool, note: str, request: HttpRequest | None) -> None:
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
        events.disposition_returned(report, disposition)
        return
    if report.status in FINAL_STATUSES:
        raise Invalid(f"该信访件已{report.get_status_display()}，不能再作处置。")
    report.status = STATUS_AFTER[DispositionKind(disposition.kind)]
    fields = ["status"]
    if disposition.kind != DispositionKind.ACCEPT:
        # The team's handling closes here: the result is due to a real-name reporter within N working days
        # (for an accepted report it is due after the feedback, see rectification). A repeat of a matter
        # already answered records why it gets no reply of its own.
        if not report.anonymous:
            office_id = _office_of(report)
            report.result_due = calendar_for(office_id).add_working_days_after(
                timezone.localdate(), office_limit(office_id, "result_notice_working_days"))
            fields.append("result_due")
        answered = Triage.objects.filter(pk=report.pk).values_list("repeat_of_answered_id", flat=True).first()
        if answered and disposition.kind == DispositionKind.CLOSE and not report.reply_exempt:
            report.reply_exempt, report.reply_exempt_note = ReplyExemption.REPEAT_ANSWERED, f"同一事项已答复（信访件ID {answered}）"
            fields += ["reply_exempt", "reply_exempt_note"]
    report.save(update_fields=fields)
    if disposition.kind in (DispositionKind.REFER, DispositionKind.TRANSFER):
        _hand_over(disposition, report)


def _office_of(report: Report) -> int | None:
    """The office of the report's inspection: its calendar and time limits count the report's due dates."""
    return Inspection.objects.filter(pk=report.inspection_id).values_list("office_id", flat=True).first()


def _hand_over(disposition: Disposition, report: Report) -> None:
    assert disposition.body is not None
    office_id = _office_of(report)
    due = calendar_for(office_id).add_working_days_after(timezone.localdate(), office_limit(office_id, "handover_working_days"))
    common = {"report": report, "body": disposition.body, "disposition": disposition, "reason": disposition.reason,
              "due_on": due}
    if disposition.kind == DispositionKind.REFER:
        Inspection.objects.select_for_update().filter(pk=report.inspection_id).values_list("pk", flat=True).first()
        number = (Referral.objects.filter(report__inspection_id=report.inspection_id).aggregate(m=Max("number"))["m"] or 0) + 1
        referral = Referral.objects.create(number=number, **common)
        events.referral_to_sign(report.inspection, referral)
    else:
        Clue.objects.create(**common)


# --- handovers: the team's side ------------------------------------------------------------------------


def referral_send(*, actor: User, referral: Referral, request: HttpRequest | None = None) -> Referral:
    """The team records that the referral letter has gone out (once; a second call changes nothing)."""
    _check_team(actor, referral.report.inspection)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.sent_at is None:
            referral.sent_at = timezone.now()
            referral.save(update_fields=["sent_at"])
            audit_record(actor=actor, action="referral.send", obj=referral, request=request,
                         summary=f"转办函第{referral.number}号已发出（{referral.body}）")
    return referral


def transfer_batch_create(*, actor: User, inspection: Inspection, body: ReceivingBody, clue_ids: list[int],
                          request: HttpRequest | None = None) -> TransferBatch:
    """List approved clues not yet transferred into one batch for `body` (the transfer list to sign for)."""
    _check_team(actor, inspection)
    if not clue_ids:
        raise Invalid("请选择要移交的问题线索。")
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
        clues = list(Clue.objects.select_for_update().filter(pk__in=clue_ids, report__inspection=inspection, body=body,
                                                              batch__isnull=True))
        if len(clues) != len(set(clue_ids)):
            raise Invalid("所选问题线索中有已移交、不属于该接收单位或不属于本巡察任务的，请刷新后重试。")
        number = (TransferBatch.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        batch = TransferBatch.objects.create(inspection=inspection, body=body, number=number, created_by=actor)
        Clue.objects.filter(pk__in=[c.pk for c in clues]).update(batch=batch)
        audit_record(actor=actor, action="transfer_batch.create", obj=batch, request=request,
                     summary=f"生成问题线索移交清单第{number}号：{body}，{len(clues)}件", data={"clues": sorted(clue_ids)})
        events.batch_to_sign(inspection, batch, len(clues))
    return batch


# --- handovers: the receiving body's side --------------------------------------------------------------


def transfer_batch_sign(*, actor: User, batch: TransferBatch, request: HttpRequest | None = None) -> TransferBatch:
    """The receiving body's recipient signs for a transfer list: every clue in it is acknowledged."""
    _check_recipient(actor, batch.inspection, batch.body_id)
    with transaction.atomic():
        batch = TransferBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.signed_at is not None:
            raise Conflict("该移交清单已签收。")
        now = timezone.now()
        batch.signed_by, batch.signed_at = actor, now
        batch.save(update_fields=["signed_by", "signed_at"])
        batch.clues.filter(acknowledged_at__isnull=True).update(acknowledged_at=now, acknowledged_by=actor)
        audit_record(actor=actor, action="transfer_batch.sign", obj=batch, request=request,
                     summary=f"签收问题线索移交清单第{batch.number}号（{batch.body}）")
    return batch


def _check_handed_over(actor: User, item: Referral | Clue) -> None:
    """A recipient reaches a referral, and a clue once it is listed in a transfer batch."""
    _check_recipient(actor, item.report.inspection, item.body_id)
    if isinstance(item, Clue) and item.batch_id is None:
        raise NotFound


def handover_acknowledge(*, actor: User, item: Referral | Clue, request: HttpRequest | None = None) -> Referral | Clue:
    """The recipient acknowledges a referral (a clue is acknowledged by signing for its batch)."""
    _check_handed_over(actor, item)
    if isinstance(item, Clue):
        raise Invalid("问题线索随移交清单签收，请签收清单。")
    with transaction.atomic():
        item = Referral.objects.select_for_update().get(pk=item.pk)
        if item.acknowledged_at is not None:
            raise Conflict("已签收。")
        item.acknowledged_at, item.acknowledged_by = timezone.now(), actor
        item.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="referral.acknowledge", obj=item, request=request,
                     summary=f"签收转办件（转办函第{item.number}号）")
    return item


# After filing (立卷归档) the round is read-only, but the result of a clue handed over to a discipline
# commission or an organisation department arrives long after: its recipient may still record it.
AFTER_FILING_MESSAGE = "该巡察任务已立卷归档，只能反馈问题线索的办理结果（须填写办理结果），其他内容不能修改。"
AFTER_FILING_UNSIGNED = ("该巡察任务已立卷归档，这件问题线索的移交清单在归档前没有签收，不能再签收或反馈办理结果；"
                         "确需反馈的，请巡察办写明理由重新打开。")


def _check_result_writer(actor: User, item: Referral | Clue) -> bool:
    """The recipient of the item's body; whether the round is filed. On a filed round only a clue's result
    is open (the access policy is asked with `even_filed` for exactly that); a referral stays refused."""
    inspection = item.report.inspection
    late = isinstance(item, Clue) and is_filed(inspection)
    if not allows(actor, Kind.HANDOVER, Purpose.WORK, inspection, body_id=item.body_id, even_filed=late):
        raise NotFound
    if isinstance(item, Clue) and item.batch_id is None:
        raise NotFound
    return late


def handover_result(*, actor: User, item: Referral | Clue, handling: str, result: str,
                    request: HttpRequest | None = None) -> Referral | Clue:
    """The recipient records how the matter is handled and, when there is one, the result. On a filed
    round only a clue's result may be recorded (with its handling), and the audit event says so."""
    late = _check_result_writer(actor, item)
    if late and item.acknowledged_at is None:
        raise Conflict(AFTER_FILING_UNSIGNED)
    if late and not result.strip():
        raise Conflict(AFTER_FILING_MESSAGE)
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
        raise Invalid(problems)
    model = type(item)
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        item.handling = handling
        if result.strip():
            item.result, item.result_at, item.result_by = result.strip(), timezone.now(), actor
        item.save(update_fields=["handling", "result", "result_at", "result_by"])
        what = item.get_handling_display() if handling else ""
        audit_record(actor=actor, action=f"{model._meta.model_name}.result", obj=item, request=request,
                     summary=f"{model._meta.verbose_name}处置：{what or '—'}" + ("，已反馈办理结果" if result.strip() else "")
                             + ("（巡察任务立卷归档后反馈）" if late else ""),
                     data={"after_filing": True} if late else None)
        if result.strip():
            events.result_fed_back(item.report.inspection, item)
    return item
