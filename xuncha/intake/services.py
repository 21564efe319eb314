"""Writes of intake: registering a report from any channel, additions, identity reveals.

Every function is keyword-only, checks its actor (xuncha.access, Kind.CASE: the team of the report's
inspection; anyone else is told it does not exist), validates first, and then in one transaction does
the change and writes its audit event. A report is registered whole or not at all: files are checked
before anything is written, and removed again if the transaction rolls back. Once a registration
commits, intake announces it (signals.report_registered); triage takes it from there.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows, require_open
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.core.sm import sm3_hex
from xuncha.errors import Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Channel, ChannelKind, Inspection
from xuncha.inspections.selectors import calendar_of
from xuncha.inspections.selectors_offices import office_limit
from xuncha.keys import key_ring
from xuncha.uploads import CheckedFile, check_files, removed_on_failure

from .acceptance import Acceptance, evaluate
from .models import IDENTITY_FIELDS, Addition, Attachment, IdentityReveal, OcrStatus, Report, ReporterRole, Subject, SubjectCategory
from .reading import initial_status, schedule_reading
from .search import index_new_report, index_report
from .signals import report_content_read, report_registered

MAX_CONTENT_CHARS = 20_000


@dataclass
class ReporterData:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    unit: str = ""
    address: str = ""
    email: str = ""
    role: str = ""


@dataclass
class SubjectData:
    name: str
    post: str = ""
    category: str = SubjectCategory.UNSURE


@dataclass
class Registered:
    report: Report
    receipt_code: str  # shown once, never stored; empty for a repeat
    repeat: bool = False  # the same form was sent again: this is the report it registered the first time


@dataclass
class ReportInput:
    inspection: Inspection
    content: str
    kind: str
    channel: Channel | None = None
    received_at: dt.datetime | None = None
    postmarked_on: dt.date | None = None
    reporter: ReporterData | None = None  # None: anonymous
    subjects: list[SubjectData] = field(default_factory=list)
    files: list[UploadedFile[Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    email_message_id: str = ""
    raw_source: bytes | None = None
    needs_attention: str = ""
    submission_key: str = ""  # the staff form's token (see Report.submission_key)


def _validate(data: ReportInput) -> None:
    problems = []
    if not data.content.strip() and not data.files:
        problems.append("请填写反映的问题。")
    if len(data.content) > MAX_CONTENT_CHARS:
        problems.append(f"反映内容超过 {MAX_CONTENT_CHARS} 字，请精简，或作为附件上传。")
    if data.channel is not None and data.channel.inspection_id != data.inspection.pk:
        problems.append("受理渠道不属于该巡察任务。")
    if data.kind not in ChannelKind.values:
        problems.append("渠道类型无效。")
    reporter = data.reporter
    if reporter is not None:
        if not reporter.name.strip():
            problems.append("实名反映请填写姓名。")
        if not (reporter.phone.strip() or reporter.email.strip() or reporter.address.strip()):
            problems.append("实名反映请至少留下一种联系方式（电话、邮箱或地址），以便答复。")
        if reporter.role and reporter.role not in ReporterRole.values:
            problems.append("反映人身份无效。")
    for s in data.subjects:
        if s.category not in SubjectCategory.values:
            problems.append(f"被反映人“{s.name}”的类别无效。")
    if data.received_at is not None and data.received_at > timezone.now() + dt.timedelta(minutes=5):
        problems.append("收到时间不能晚于现在。")
    if problems:
        raise Invalid(problems)


def _checked(files: list[UploadedFile[Any]], *, already: int = 0) -> list[CheckedFile]:
    try:
        return check_files(files, already=already)
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc


def _check_team(actor: User, report_inspection: Inspection, purpose: Purpose = Purpose.WORK) -> None:
    """The team's case file is the team's: anyone else is told the report does not exist."""
    if not allows(actor, Kind.CASE, purpose, report_inspection):
        raise NotFound


def _check_leader(actor: User, report: Report, what: str) -> None:
    """Seeing who the reporter is: the team's leaders only (members see the report: 403 for them)."""
    _check_team(actor, report.inspection, Purpose.READ)
    if not allows(actor, Kind.CASE, Purpose.APPROVE, report.inspection):
        raise NotAllowed(f"只有本巡察组组长、副组长可以查看{what}。")


def _seal_reporter(reporter: ReporterData) -> dict[str, str]:
    ring = key_ring()
    return {f: crypto.seal(ring, getattr(reporter, f).strip(), context=f) for f in IDENTITY_FIELDS if getattr(reporter, f).strip()}


def _next_number(inspection: Inspection) -> int:
    """The next report number of an inspection. Runs inside the registering transaction and locks the
    inspection row first, so that concurrent registrations (PostgreSQL) take numbers one after another."""
    Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
    current = Report.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0
    return current + 1


def _store_files(report: Report, files: list[CheckedFile], saved: list[str], addition: Addition | None = None) -> list[int]:
    """Save the files (sealed at rest by their storage) and their rows; returns the ids of those to read."""
    to_read: list[int] = []
    for f in files:
        att = Attachment(report=report, addition=addition, original_name=f.name, content_type=f.content_type,
                         size=len(f.content), sha256=f.sha256, sm3=sm3_hex(f.content), ocr_status=initial_status(f.content_type, f.content))
        att.file.save(f"{report.inspection_id}-{secrets.token_hex(8)}", ContentFile(f.content), save=False)
        saved.append(str(att.file.name))
        att.save()
        if att.ocr_status == OcrStatus.PENDING:
            to_read.append(att.pk)
    if to_read:
        transaction.on_commit(lambda: schedule_reading(to_read), robust=True)
    return to_read


def report_register(*, actor: User | str | None, data: ReportInput, request: HttpRequest | None = None) -> Registered:
    """Register a report from any channel. Returns the report and its receipt code (shown once).

    The actor is the staff user registering it (a member of the inspection's team: NotFound for anyone
    else), a system's name (the mail fetcher), or None for the public (the portal, the public API).
    Never into a filed inspection (Conflict, whoever the actor: the mail fetcher leaves the message unread)."""
    require_open(data.inspection)
    if isinstance(actor, User):
        _check_team(actor, data.inspection)
    first = _registered_before(data)
    if first is not None:
        return first
    _validate(data)
    checked = _checked(data.files)
    received_at = data.received_at or timezone.now()
    calendar = calendar_of(data.inspection)  # the calendar and time limit of the inspection's office
    acceptance = evaluate(inspection=data.inspection, channel=data.channel, kind=data.kind, received_at=received_at,
                          postmarked_on=data.postmarked_on, calendar=calendar)
    code = crypto.new_receipt_code()
    real_name = data.reporter is not None
    due = None
    if real_name:
        due = calendar.add_working_days_after(timezone.localtime(received_at).date(),
                                              office_limit(data.inspection.office_id, "receipt_notice_working_days"))
    staff = actor if isinstance(actor, User) else None
    try:
        return _register(actor, data, request, checked, received_at, acceptance, code, due, staff)
    except IntegrityError:
        # The same form, sent twice at once: the other request registered it first.
        first = _registered_before(data)
        if first is None:
            raise
        return first


def _registered_before(data: ReportInput) -> Registered | None:
    if not data.submission_key:
        return None
    report = Report.objects.filter(inspection=data.inspection, submission_key=data.submission_key).first()
    return Registered(report, "", repeat=True) if report is not None else None


def _register(actor: User | str | None, data: ReportInput, request: HttpRequest | None, checked: list[CheckedFile],
              received_at: dt.datetime, acceptance: Acceptance, code: str, due: dt.date | None, staff: User | None) -> Registered:
    real_name = data.reporter is not None
    with removed_on_failure() as saved, transaction.atomic():
        report = Report(
            inspection=data.inspection, number=None, channel=data.channel, channel_kind=data.kind,
            received_at=received_at, postmarked_on=data.postmarked_on, content=data.content.strip(),
            anonymous=not real_name, reporter_role=(data.reporter.role if data.reporter else ""),
            reporter_sealed=_seal_reporter(data.reporter) if data.reporter else {},
            receipt_hash=crypto.receipt_code_hash(key_ring(), code),
            in_window=acceptance.in_window, within_hours=acceptance.within_hours, acceptance_reasons=acceptance.reasons,
            receipt_notice_due=due, source=data.source, email_message_id=data.email_message_id,
            needs_attention=bool(data.needs_attention), attention_reason=data.needs_attention[:200], created_by=staff,
            submission_key=data.submission_key[:64],
        )
        if data.raw_source is not None:
            # The raw message carries the sender's identity: it is sealed like the identity fields.
            sealed = crypto.seal_bytes(key_ring(), data.raw_source, context="raw_source")
            name = f"{data.inspection.pk}-{timezone.now():%Y%m%d%H%M%S%f}.eml.sealed"
            report.raw_source.save(name, ContentFile(sealed), save=False)
            saved.append(str(report.raw_source.name))
        report.save()
        Subject.objects.bulk_create([Subject(report=report, name=s.name.strip()[:64], post=s.post.strip()[:120], category=s.category)
                                     for s in data.subjects if s.name.strip()])
        _store_files(report, checked, saved)
        index_new_report(report, data.content, [(s.name, s.post) for s in data.subjects])
        # Last: the number (a per-inspection lock) and the audit event (the chain head lock), so that
        # both locks are held only for the few statements before the commit.
        report.number = _next_number(data.inspection)
        Report.objects.filter(pk=report.pk).update(number=report.number)
        audit_record(actor=actor, action="report.register", obj=report, request=request,
                     summary=f"登记信访件 {report.reference}（{report.get_channel_kind_display()}，{'实名' if real_name else '匿名'}）",
                     data={"inspection": data.inspection.pk, "in_window": acceptance.in_window,
                           "within_hours": acceptance.within_hours, "attachments": len(checked)})
        report_id = report.pk
        # robust: the report is registered once this commits; a failure of what follows (triage inline in
        # the embedded deployment, the database dropping meanwhile) is logged, never reported to the
        # reporter as a failed submission. The scheduler's triage catch-up job finishes it later.
        transaction.on_commit(lambda: _announce_registered(report_id), robust=True)
    return Registered(report, code)


def _announce_registered(report_id: int) -> None:
    """After the registration commits: tell the apps above (triage classifies, scopes and groups it)."""
    report_registered.send(sender=Report, report_id=report_id)


def report_add_information(*, report: Report, content: str, files: list[UploadedFile[Any]], by_reporter: bool = True,
                           actor: User | None = None, request: HttpRequest | None = None) -> Addition:
    """More information for a report: from the reporter (through the receipt code; no actor) or noted by
    a member of the team (actor given, by_reporter False)."""
    if actor is not None:
        _check_team(actor, report.inspection)
    elif not by_reporter:
        raise NotAllowed("工作人员补充材料须登录。")
    if not content.strip() and not files:
        raise Invalid("请填写补充内容或选择附件。")
    if len(content) > MAX_CONTENT_CHARS:
        raise Invalid(f"补充内容超过 {MAX_CONTENT_CHARS} 字。")
    checked = _checked(files, already=report.attachments.count())
    with removed_on_failure() as saved, transaction.atomic():
        addition = Addition.objects.create(report=report, content=content.strip(), by_reporter=by_reporter)
        _store_files(report, checked, saved, addition)
        index_report(report)
        audit_record(actor=actor, action="report.add_information", obj=report, request=request,
                     summary=f"信访件 {report.reference} 补充材料（{'反映人' if by_reporter else '工作人员'}）",
                     data={"attachments": len(checked)})
    return addition


def identity_reveal(*, actor: User, report: Report, reason: str, request: HttpRequest | None = None) -> dict[str, str]:
    """A team leader reveals the reporter's identity with a stated reason; audited."""
    _check_leader(actor, report, "反映人身份")
    if len(reason.strip()) < 5:
        raise Invalid("请写明查看反映人身份的理由（至少5个字）。")
    ring = key_ring()
    identity = {f: crypto.unseal(ring, v, context=f) for f, v in report.reporter_sealed.items()}
    with transaction.atomic():
        IdentityReveal.objects.create(report=report, user=actor, reason=reason.strip()[:300])
        audit_record(actor=actor, action="report.identity_reveal", obj=report, request=request,
                     summary=f"查看信访件 {report.reference} 的反映人身份，理由：{reason.strip()[:200]}")
    return identity


def report_raw_source(*, actor: User, report: Report, reason: str, request: HttpRequest | None = None) -> bytes:
    """The original message of a flagged email, for a team leader with a stated reason (audited):
    it shows the sender's address, so it is treated like an identity reveal."""
    _check_team(actor, report.inspection, Purpose.READ)
    if not report.raw_source:
        raise Invalid("该信访件没有保存原始邮件。")
    _check_leader(actor, report, "原始邮件")
    if len(reason.strip()) < 5:
        raise Invalid("请写明查看原始邮件的理由（至少5个字）。")
    with report.raw_source.open("rb") as f:
        raw = crypto.unseal_bytes(key_ring(), f.read(), context="raw_source")
    with transaction.atomic():
        IdentityReveal.objects.create(report=report, user=actor, reason=f"查看原始邮件：{reason.strip()}"[:300])
        audit_record(actor=actor, action="report.raw_source", obj=report, request=request,
                     summary=f"查看信访件 {report.reference} 的原始邮件，理由：{reason.strip()[:200]}")
    return raw


def report_content_confirm(*, actor: User, report: Report, content: str, request: HttpRequest | None = None) -> Report:
    """A member of the team confirms (or corrects) the content filled from the text read off the report's
    attachments: it stops being flagged machine-read; triage proposes again on the corrected text."""
    _check_team(actor, report.inspection)
    content = content.strip()
    if not content:
        raise Invalid("请填写反映内容。")
    if len(content) > MAX_CONTENT_CHARS:
        raise Invalid(f"反映内容超过 {MAX_CONTENT_CHARS} 字，请精简。")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        corrected = locked.content != content
        Report.objects.filter(pk=report.pk).update(content=content, content_machine_read=False)
        report.content, report.content_machine_read = content, False
        index_report(report)
        audit_record(actor=actor, action="report.content_confirm", obj=report, request=request,
                     summary=f"{'更正并确认' if corrected else '确认'}信访件 {report.reference} 的机器识别内容",
                     data={"corrected": corrected, "chars": len(content)})
        report_id = report.pk
        transaction.on_commit(lambda: report_content_read.send(sender=Report, report_id=report_id), robust=True)
    return report
