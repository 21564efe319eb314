"""Writes of triage: the automatic proposal (classification, scope, duplicate group) and the team's
confirmations (labels, subject categories, scope). Dispositions are in services_disposition.

`report_triage` runs after a report's registration commits (a Celery task; inline in the embedded
deployment). It is idempotent: a report already triaged is only re-proposed, never re-grouped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES, classify
from xuncha.core.dedup import DuplicateIndex
from xuncha.core.sm import sm3_hmac_hex
from xuncha.errors import NotFound
from xuncha.intake.models import ReplyKind, Report, Subject, SubjectCategory
from xuncha.keys import key_ring

from .classifier import active_model
from .dedup import DjangoBandStore
from .models import DISCIPLINE_BITS, FOCUS_BITS, DuplicateGroup, Scope, Triage, from_mask, to_mask
from .scope import propose_scope


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


def _classify(triage: Triage, report: Report) -> None:
    model = active_model()
    result = classify(_document(report), model)
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


def _group(triage: Triage, report: Report) -> None:
    _lock_inspection_dedup(report.inspection_id)
    index = DuplicateIndex(DjangoBandStore(report.inspection_id))
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


def report_triage(*, report_id: int) -> Triage:
    """Propose labels and scope for a report and put it in its duplicate group (system action)."""
    with transaction.atomic():
        report = Report.objects.select_related("inspection").prefetch_related("subjects", "additions").get(pk=report_id)
        triage, created = Triage.objects.get_or_create(report=report, defaults={
            "inspection_id": report.inspection_id, "reporter_key": reporter_key(report)})
        _classify(triage, report)
        _propose_scope(triage, report)
        if created or triage.signature is None:
            _group(triage, report)
        triage.save()
    return triage


def triage_for(report: Report) -> Triage:
    """The report's triage row, computing it now if the background job has not run yet."""
    try:
        return Triage.objects.get(pk=report.pk)
    except Triage.DoesNotExist:
        return report_triage(report_id=report.pk)


def _check_team(actor: Any, report: Report) -> None:
    """The team's work on a report is the team's: anyone else is told it does not exist."""
    if not allows(actor, Kind.CASE, Purpose.WORK, report.inspection):
        raise NotFound


def labels_confirm(*, actor: Any, report: Report, disciplines: Iterable[str], focuses: Iterable[str],
                   request: HttpRequest | None = None) -> Triage:
    """The team confirms (or corrects) the disciplines and focuses; the confirmed labels train the model."""
    _check_team(actor, report)
    d, f = sorted(set(disciplines)), sorted(set(focuses))
    bad = [c for c in d if c not in DISCIPLINES] + [c for c in f if c not in FOCUSES]
    if bad:
        raise ValidationError(f"分类代码无效：{'、'.join(bad)}")
    triage = triage_for(report)
    with transaction.atomic():
        triage = Triage.objects.select_for_update().get(pk=triage.pk)
        triage.disciplines, triage.focuses = to_mask(d, DISCIPLINE_BITS), to_mask(f, FOCUS_BITS)
        triage.labels_confirmed, triage.labels_confirmed_by, triage.labels_confirmed_at = True, actor, timezone.now()
        _propose_scope(triage, report)
        triage.save()
        names = "、".join([DISCIPLINE_LABELS[c] for c in d] + [FOCUS_LABELS[c] for c in f]) or "无"
        audit_record(actor=actor, action="report.labels_confirm", obj=report, request=request,
                     summary=f"确认信访件 {report.reference} 的问题类别：{names}", data={"disciplines": d, "focuses": f})
        transaction.on_commit(_maybe_retrain)
    return triage


def _maybe_retrain() -> None:
    from .tasks import classifier_retrain_if_due

    classifier_retrain_if_due.delay()


@dataclass
class SubjectChange:
    name: str
    post: str
    category: str
    pk: int | None = None  # None: a subject the team adds


def subjects_update(*, actor: Any, report: Report, changes: list[SubjectChange], request: HttpRequest | None = None) -> None:
    """The team records each subject's category (and adds subjects the registration missed)."""
    _check_team(actor, report)
    problems = [f"被反映人“{c.name}”的类别无效。" for c in changes if c.category not in SubjectCategory.values]
    problems += ["请填写被反映人姓名。" for c in changes if not c.name.strip()]
    existing = {s.pk: s for s in report.subjects.all()}
    problems += ["被反映人不属于该信访件。" for c in changes if c.pk is not None and c.pk not in existing]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        for c in changes:
            if c.pk is None:
                Subject.objects.create(report=report, name=c.name.strip()[:64], post=c.post.strip()[:120], category=c.category)
            else:
                Subject.objects.filter(pk=c.pk).update(name=c.name.strip()[:64], post=c.post.strip()[:120], category=c.category)
        from xuncha.intake.search import index_report

        index_report(report)
        fresh = Report.objects.prefetch_related("subjects").get(pk=report.pk)
        triage = Triage.objects.select_for_update().get(pk=triage_for(report).pk)
        _propose_scope(triage, fresh)
        triage.save()
        audit_record(actor=actor, action="report.subjects_update", obj=report, request=request,
                     summary=f"更新信访件 {report.reference} 的被反映人：" + "、".join(
                         f"{c.name}（{SubjectCategory(c.category).label}）" for c in changes))


def scope_confirm(*, actor: Any, report: Report, scope: str, reason: str, request: HttpRequest | None = None) -> Triage:
    """The team decides the scope (agreeing with the proposal or not), with the reason recorded."""
    _check_team(actor, report)
    if scope not in (Scope.IN, Scope.OUT, Scope.OUT_OF_WINDOW):
        raise ValidationError("请选择是否属于受理范围。")
    if not reason.strip():
        raise ValidationError("请写明判断理由。")
    triage_for(report)
    with transaction.atomic():
        triage = Triage.objects.select_for_update().get(pk=report.pk)
        triage.scope, triage.scope_reason, triage.scope_confirmed = scope, reason.strip()[:300], True
        triage.save(update_fields=["scope", "scope_reason", "scope_confirmed"])
        audit_record(actor=actor, action="report.scope_confirm", obj=report, request=request,
                     summary=f"确认信访件 {report.reference}：{Scope(scope).label}，理由：{reason.strip()[:200]}")
    return triage


def group_mark_answered(report: Report) -> None:
    """A result reply went to `report`: its group's matter is answered; later repeats link to it."""
    key = Triage.objects.filter(pk=report.pk).values_list("group_key", flat=True).first()
    if key is None:
        return
    DuplicateGroup.objects.filter(key=key, answered_report__isnull=True).update(answered_report=report)
    answered = Report.objects.filter(replies__kind=ReplyKind.RESULT).values("pk")
    (Triage.objects.filter(inspection_id=report.inspection_id, group_key=key, repeat_of_answered__isnull=True)
     .exclude(pk=report.pk).exclude(pk__in=answered).update(repeat_of_answered=report))
