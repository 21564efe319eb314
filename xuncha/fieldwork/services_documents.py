"""Writes of document requests (调阅资料). Every function is keyword-only, checks its actor through
xuncha.access (what the actor may not see is NotFound), validates first, then in one transaction makes
the change and writes its audit event; notifications (xuncha.notify) are written in the same transaction.

- the team (Kind.CASE, WORK) writes a request; a sensitive one waits for the team leader (Kind.REQUEST,
  APPROVE), any other is sent at once; the due date counts working days from the day it is sent;
- the target's liaison (Kind.REQUEST, WORK) delivers each item: files, or on paper (date and person),
  or why it cannot be provided;
- the team records where each item is kept and when an original was returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from xuncha import documents
from xuncha.access import Kind, Purpose, allows
from xuncha.access.recipients import liaisons_to_tell, team_to_tell
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.extract import extract_text
from xuncha.errors import Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import calendar_of
from xuncha.notify.services import notify
from xuncha.uploads import CheckedFile, check_files

from .models.documents import DeliveredFile, DocumentItem, DocumentRequest

MAX_ITEMS = 50
MAX_DUE_DAYS = 60
FORMS = dict(DocumentItem.Form.choices)


@dataclass(frozen=True)
class ItemData:
    name: str
    period: str = ""
    form: str = DocumentItem.Form.COPY


def _team_check(actor: User, inspection: Inspection) -> None:
    if not allows(actor, Kind.CASE, Purpose.WORK, inspection):
        raise NotFound


def _lock(inspection_id: int) -> None:
    Inspection.objects.select_for_update().filter(pk=inspection_id).values_list("pk", flat=True).first()


def _check_items(items: Sequence[ItemData], due_days: int | None) -> list[ItemData]:
    problems = []
    clean = [ItemData(i.name.strip(), i.period.strip(), i.form) for i in items if i.name.strip() or i.period.strip()]
    if not clean:
        problems.append("请至少列出一项资料。")
    if len(clean) > MAX_ITEMS:
        problems.append(f"一次最多调阅 {MAX_ITEMS} 项资料。")
    for n, item in enumerate(clean, 1):
        if not item.name:
            problems.append(f"第{n}项：请填写资料名称。")
        if len(item.name) > 200:
            problems.append(f"第{n}项：资料名称不超过 200 字。")
        if len(item.period) > 60:
            problems.append(f"第{n}项：所属期间不超过 60 字。")
        if item.form not in FORMS:
            problems.append(f"第{n}项：请选择形式（原件、复印件或电子版）。")
    if due_days is None or not 1 <= due_days <= MAX_DUE_DAYS:
        problems.append(f"报送期限应为 1 到 {MAX_DUE_DAYS} 个工作日。")
    if problems:
        raise Invalid(problems)
    return clean


def _send(req: DocumentRequest, now: dt.datetime) -> None:
    req.state, req.sent_at = DocumentRequest.State.SENT, now
    req.due_on = calendar_of(req.inspection).add_working_days_after(timezone.localtime(now).date(), req.due_days)
    notify(users=liaisons_to_tell(req.inspection), key=f"document-request-{req.pk}",
           text=f"巡察组调阅资料第{req.number}号（{req.items.count()}项），请于{req.due_on:%Y-%m-%d}前报送。",
           url=reverse("fieldwork:liaison_request", args=[req.pk]))


def document_request_create(*, actor: User, inspection: Inspection, items: Sequence[ItemData], due_days: int | None,
                            sensitive: bool = False, purpose: str = "", request: HttpRequest | None = None) -> DocumentRequest:
    """The team asks the target for documents; sensitive ones wait for the leader (unless a leader asks)."""
    _team_check(actor, inspection)
    clean = _check_items(items, due_days)
    purpose = purpose.strip()
    if len(purpose) > 300:
        raise Invalid("说明不超过 300 字。")
    assert due_days is not None
    by_leader = allows(actor, Kind.REQUEST, Purpose.APPROVE, inspection)
    with transaction.atomic():
        _lock(inspection.pk)
        number = (DocumentRequest.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1
        req = DocumentRequest.objects.create(
            inspection=inspection, number=number, purpose=purpose, sensitive=sensitive, due_days=due_days,
            state=DocumentRequest.State.PENDING, created_by=actor)
        DocumentItem.objects.bulk_create([DocumentItem(request=req, number=n, name=i.name, period=i.period, form=i.form)
                                          for n, i in enumerate(clean, 1)])
        if sensitive and not by_leader:
            notify(users=team_to_tell(inspection, leaders_only=True), key=f"document-request-approve-{req.pk}",
                   text=f"调阅资料第{req.number}号涉及敏感资料，待组长批准。", url=reverse("fieldwork:request", args=[req.pk]))
        else:
            if sensitive:
                req.decided_by, req.decision_note = actor, "组长发出"
            _send(req, timezone.now())
        req.save()
        waiting = "（敏感，待组长批准）" if req.state == req.State.PENDING else ""
        audit_record(actor=actor, action="document_request.create", obj=req, request=request,
                     summary=f"调阅资料第{req.number}号：{len(clean)}项，{due_days}个工作日内报送{waiting}",
                     data={"items": len(clean), "sensitive": sensitive, "state": req.state})
    return req


def document_request_decide(*, actor: User, req: DocumentRequest, approve: bool, note: str = "",
                            request: HttpRequest | None = None) -> DocumentRequest:
    """The team leader approves a sensitive request (it is sent to the liaison) or refuses it with a note."""
    inspection = req.inspection
    _team_check(actor, inspection)
    if not allows(actor, Kind.REQUEST, Purpose.APPROVE, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以批准调阅敏感资料。")
    note = note.strip()
    if not approve and not note:
        raise Invalid("不批准时请写明意见。")
    if len(note) > 300:
        raise Invalid("意见不超过 300 字。")
    with transaction.atomic():
        req = DocumentRequest.objects.select_for_update().select_related("inspection").get(pk=req.pk)
        if req.state != DocumentRequest.State.PENDING:
            raise Invalid(f"调阅资料第{req.number}号{req.get_state_display()}，不在待批准状态。")
        req.decided_by, req.decision_note = actor, note
        if approve:
            _send(req, timezone.now())
        else:
            req.state = DocumentRequest.State.REJECTED
        req.save()
        audit_record(actor=actor, action="document_request.approve" if approve else "document_request.reject", obj=req,
                     request=request, summary=f"{'批准' if approve else '不批准'}调阅资料第{req.number}号" + (f"：{note[:200]}" if note else ""))
    return req


def _checked(files: Sequence[UploadedFile[bytes]], already: int) -> list[CheckedFile]:
    try:
        return check_files(list(files), already=already)
    except ValidationError as exc:
        raise Invalid(exc.messages) from None


def document_item_deliver(*, actor: User, item: DocumentItem, files: Sequence[UploadedFile[bytes]] = (), on_paper: bool = False,
                          handed_over_on: dt.date | None = None, handed_over_by: str = "", decline_reason: str = "",
                          request: HttpRequest | None = None) -> DocumentItem:
    """The liaison delivers one item: files uploaded, or handed over on paper (date and person), or why not."""
    req = item.request
    if req.state != DocumentRequest.State.SENT or not allows(actor, Kind.REQUEST, Purpose.WORK, req.inspection):
        raise NotFound
    decline_reason, handed_over_by = decline_reason.strip(), handed_over_by.strip()
    modes = sum([bool(files), on_paper, bool(decline_reason)])
    if modes != 1:
        raise Invalid("请选择一种报送方式：上传文件、纸质移交，或说明无法提供的原因。")
    checked: list[CheckedFile] = []
    texts: list[str] = []
    if files:
        checked = _checked(files, item.files.count())
        texts = [extract_text(f.content, f.content_type) for f in checked]  # bounded; before any lock is taken
    if on_paper:
        problems = []
        if handed_over_on is None:
            problems.append("请填写移交日期。")
        elif handed_over_on > timezone.localdate():
            problems.append("移交日期不能晚于今天。")
        if not handed_over_by:
            problems.append("请填写移交人。")
        elif len(handed_over_by) > 64:
            problems.append("移交人不超过 64 字。")
        if problems:
            raise Invalid(problems)
    if len(decline_reason) > 300:
        raise Invalid("原因不超过 300 字。")
    storage = DeliveredFile._meta.get_field("file").storage
    saved: list[str] = []
    try:
        with transaction.atomic():
            item = DocumentItem.objects.select_for_update().select_related("request__inspection").get(pk=item.pk)
            now = timezone.now()
            for f, text in zip(checked, texts, strict=True):
                row = DeliveredFile(item=item, original_name=f.name, content_type=f.content_type, size=len(f.content),
                                    sha256=f.sha256, text=text, uploaded_by=actor)
                row.file.save(f"request{req.pk}-item{item.pk}-{f.sha256[:16]}", ContentFile(f.content), save=False)
                saved.append(str(row.file.name))
                row.save()
            if checked:
                item.state, how = DocumentItem.State.UPLOADED, f"上传文件 {len(checked)} 个"
            elif on_paper:
                item.state, item.handed_over_on, item.handed_over_by = DocumentItem.State.PAPER, handed_over_on, handed_over_by
                how = f"纸质移交（{handed_over_on}，移交人 {handed_over_by}）"
            else:
                item.state, item.decline_reason, how = DocumentItem.State.DECLINED, decline_reason, "说明无法提供"
            item.delivered_by, item.delivered_at = actor, now
            item.save()
            notify(users=[req.created_by], key=f"document-item-{item.pk}-{item.state}-{now.timestamp():.0f}",
                   text=f"调阅资料第{req.number}号第{item.number}项已报送：{item.get_state_display()}。",
                   url=reverse("fieldwork:request", args=[req.pk]))
            audit_record(actor=actor, action="document_item.deliver", obj=item, request=request,
                         summary=f"报送调阅资料第{req.number}号第{item.number}项：{how}",
                         data={"files": [f.sha256 for f in checked], "state": item.state})
    except BaseException:
        for name in saved:
            storage.delete(name)
        raise
    return item


def document_item_record(*, actor: User, item: DocumentItem, kept_at: str, returned_on: dt.date | None,
                         request: HttpRequest | None = None) -> DocumentItem:
    """The team records where an item is kept and when an original was returned to the target."""
    _team_check(actor, item.request.inspection)
    item = DocumentItem.objects.select_related("request").get(pk=item.pk)  # its current state, not the caller's copy
    kept_at = kept_at.strip()
    problems = []
    if len(kept_at) > 120:
        problems.append("存放位置不超过 120 字。")
    if returned_on is not None:
        if item.state not in (DocumentItem.State.PAPER, DocumentItem.State.UPLOADED):
            problems.append("尚未报送的资料不能登记退还。")
        elif returned_on > timezone.localdate():
            problems.append("退还日期不能晚于今天。")
        elif item.handed_over_on and returned_on < item.handed_over_on:
            problems.append("退还日期不能早于移交日期。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        item = DocumentItem.objects.select_for_update().select_related("request").get(pk=item.pk)
        item.kept_at, item.returned_on = kept_at, returned_on
        item.save(update_fields=["kept_at", "returned_on"])
        audit_record(actor=actor, action="document_item.record", obj=item, request=request,
                     summary=f"登记调阅资料第{item.request.number}号第{item.number}项：存放于{kept_at or '—'}"
                             + (f"，{returned_on}退还" if returned_on else ""))
    return item


def document_file_read(*, actor: User, file: DeliveredFile, request: HttpRequest | None = None) -> bytes:
    """A delivered file's bytes (its reader already checked by the selector), the download audited."""
    with file.file.open("rb") as fh:
        content: bytes = fh.read()
    audit_record(actor=actor, action="document_file.download", obj=file, request=request,
                 summary=f"下载调阅资料文件：{file.original_name[:100]}")
    return content


def handover_docx(*, actor: User, req: DocumentRequest, request: HttpRequest | None = None) -> bytes:
    """交接单: the paper items of a request handed over to the team, for both sides to sign."""
    _team_check(actor, req.inspection)
    items = [i for i in req.items.order_by("number") if i.state == DocumentItem.State.PAPER]
    if not items:
        raise Invalid("本通知还没有纸质移交的资料。")
    doc = documents.new_document()
    documents.doc_title(doc, "调阅资料交接单", f"调阅资料第{req.number}号")
    documents.doc_paragraph(doc, f"{req.inspection.target.name}向{req.inspection.team.name}移交下列纸质资料：")
    documents.doc_table(doc, ("序号", "资料名称", "所属期间", "形式", "移交日期", "移交人", "存放位置", "退还日期"), [
        (str(i.number), i.name, i.period or "—", i.get_form_display(), str(i.handed_over_on or ""), i.handed_over_by,
         i.kept_at or "", str(i.returned_on or "")) for i in items])
    documents.doc_paragraph(doc, "")
    documents.doc_paragraph(doc, "移交单位（盖章）：　　　　　移交人（签字）：")
    documents.doc_paragraph(doc, "接收巡察组：　　　　　　　　接收人（签字）：")
    documents.doc_signature(doc, req.inspection.team.name, timezone.localdate())
    content = documents.doc_bytes(doc)
    audit_record(actor=actor, action="document_request.handover_export", obj=req, request=request,
                 summary=f"导出调阅资料第{req.number}号交接单（{len(items)}项）")
    return content


def documents_searched(*, actor: User, inspection: Inspection, q: str, hits: int, request: HttpRequest | None = None) -> None:
    """A search of the inspection's delivered documents by content is case-file reading: audited (the words searched included)."""
    audit_record(actor=actor, action="document.search", obj=inspection, request=request,
                 summary=f"按内容查找调阅资料：“{q[:50]}”，{hits} 个文件")
