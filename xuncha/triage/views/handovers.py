"""Team pages after a leader approves a 转办 or a 移交: the referrals with their letters, the clues
waiting to be listed, and the transfer batches (lists) with their sign status. Team members and
leaders of the inspection's team only; everyone else gets a 404 from the selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection, ReceivingBody
from xuncha.intake.models import Report
from xuncha.intake.selectors import intake_inspection_get
from xuncha.web import attachment, form_submit

from .. import documents
from ..forms import BatchForm
from ..models import Clue, Referral, TransferBatch
from ..selectors import (
    overdue_cutoff,
    result_due,
    result_months_map,
    team_batch_get,
    team_batches,
    team_clues,
    team_referral_get,
    team_referrals,
)
from ..services import referral_send, transfer_batch_create

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _office_ids(items: list[Referral | Clue]) -> dict[int, int | None]:
    """report id → the office of its inspection: from the loaded relations, else one query for the rest."""
    out: dict[int, int | None] = {}
    for item in items:
        if type(item).report.is_cached(item) and Report.inspection.is_cached(item.report):
            out[item.report_id] = item.report.inspection.office_id
    missing = {i.report_id for i in items} - set(out)
    if missing:
        out.update(Report.objects.filter(pk__in=missing).values_list("pk", "inspection__office_id"))
    return out


def flag_items(items: Iterable[Referral | Clue], today: dt.date | None = None,
               months: dict[int | None, int] | None = None) -> list[Any]:
    """Set the flags the pages show on each referral or clue: `result_due` (acknowledged + the feedback time
    limit of its inspection's office; `months`: every office's, read when needed and not given),
    `result_overdue` (acknowledged before that office's cutoff, still no result) and, for a referral,
    `send_overdue` (its letter not sent and the passing-on time limit past)."""
    today = today or timezone.localdate()
    items = list(items)
    acknowledged = [i for i in items if i.acknowledged_at is not None]
    offices = _office_ids(acknowledged) if acknowledged else {}
    if acknowledged and months is None:
        months = result_months_map()
    cutoffs: dict[int, dt.datetime] = {}
    out = []
    for item in items:
        row: Any = item  # the flags are attributes for the templates only
        row.result_due, row.result_overdue = None, False
        if item.acknowledged_at is not None and months is not None:
            limit = months.get(offices.get(item.report_id), months[None])
            cutoff = cutoffs.setdefault(limit, overdue_cutoff(limit))
            row.result_due = result_due(item, limit)
            row.result_overdue = item.result_at is None and item.acknowledged_at < cutoff
        row.send_overdue = isinstance(item, Referral) and item.sent_at is None and item.due_on < today
        out.append(row)
    return out


def _page(request: AuthedRequest, inspection: Inspection, batch_form: BatchForm | None = None, status: int = 200) -> HttpResponse:
    referrals = flag_items(team_referrals(user=request.user, inspection=inspection).order_by("number"))
    clues = flag_items(team_clues(user=request.user, inspection=inspection).prefetch_related("report__subjects")
                       .order_by("body__name", "report__number", "id"))
    waiting: dict[ReceivingBody, list[Clue]] = {}
    for clue in clues:
        if clue.batch_id is None:
            waiting.setdefault(clue.body, []).append(clue)
    batches = team_batches(user=request.user, inspection=inspection).annotate(clue_count=Count("clues")).order_by("-number")
    return render(request, "triage/handovers.html", {
        "inspection": inspection, "referrals": referrals, "waiting": list(waiting.items()), "batches": batches,
        "clue_count": len(clues), "today": timezone.localdate(), "batch_form": batch_form,
    }, status=status)


@login_required
def handovers(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, intake_inspection_get(user=request.user, pk=pk))


@login_required
@require_POST
def referral_sent(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = team_referral_get(user=request.user, pk=pk)
    was_sent = referral.sent_at is not None
    referral_send(actor=request.user, referral=referral, request=request)
    if was_sent:
        messages.info(request, f"转办函第{referral.number}号此前已登记发出。")
    else:
        messages.success(request, f"已登记转办函第{referral.number}号发出（{referral.body}）。")
    return redirect("triage:handovers", pk=referral.report.inspection_id)


@login_required
def referral_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = team_referral_get(user=request.user, pk=pk)
    content = documents.referral_letter_docx(referral)
    audit_record(actor=request.user, action="referral.letter_export", obj=referral, request=request,
                 summary=f"导出转办函第{referral.number}号（{referral.body}，信访件 {referral.report.reference}）")
    return attachment(content, DOCX, f"转办函-第{referral.number}号-{referral.body.name}.docx")


@login_required
@require_POST
def batch_create(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    body_id = request.POST.get("body", "")
    body = ReceivingBody.objects.filter(pk=int(body_id)).first() if body_id.isdigit() else None
    if body is None:
        raise NotFound
    form = BatchForm(request.POST)
    batch = form_submit(form, lambda d: transfer_batch_create(actor=request.user, inspection=inspection, body=body,
                                                              clue_ids=d["clues"], request=request))
    if batch is None:
        return _page(request, inspection, batch_form=form, status=400)
    messages.success(request, f"已生成问题线索移交清单第{batch.number}号（{body}），请下载清单并交接收单位签收。")
    return redirect("triage:batch", pk=batch.pk)


@login_required
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = team_batch_get(user=request.user, pk=pk)
    clues = flag_items(documents.batch_clues(batch))
    return render(request, "triage/batch.html", {"batch": batch, "clues": clues})


@login_required
def batch_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return batch_download(request, team_batch_get(user=request.user, pk=pk))


def batch_download(request: AuthedRequest, batch: TransferBatch) -> HttpResponse:
    """The transfer list as .docx; the export is audited (shared by the team and the recipient pages)."""
    content = documents.transfer_list_docx(batch)
    audit_record(actor=request.user, action="transfer_batch.export", obj=batch, request=request,
                 summary=f"导出问题线索移交清单第{batch.number}号（{batch.body}）")
    return attachment(content, DOCX, f"问题线索移交清单-第{batch.number}号-{batch.body.name}.docx")


@login_required
def clue_attachments_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team leader chooses which of the report's attachments go with the clue (before it is listed)."""
    from xuncha.access import Kind, Purpose, allows
    from xuncha.intake.attachments import attachment_list

    from ..handover_files import clue_attachments_choose, team_clue_get

    clue = team_clue_get(user=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("attachments") if v.isdigit()]
        try:
            clue_attachments_choose(actor=request.user, clue=clue, attachment_ids=ids, request=request)
        except (Invalid, Conflict, NotAllowed) as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "已保存随线索移交的附件。")
            return redirect("triage:handovers", pk=clue.report.inspection_id)
    chosen = set(clue.attachments.values_list("pk", flat=True))
    return render(request, "triage/clue_attachments.html", {
        "clue": clue, "inspection": clue.report.inspection, "error": error, "chosen": chosen,
        "attachments": attachment_list(user=request.user, report=clue.report),
        "can_choose": clue.batch_id is None and allows(request.user, Kind.CASE, Purpose.APPROVE, clue.report.inspection),
    }, status=400 if error else 200)
