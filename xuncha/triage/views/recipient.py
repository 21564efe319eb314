"""Pages of receiving bodies (纪委监委, 组织部, other departments): the transfer lists to sign for, the
clues and referrals handed to the user's bodies with their time limits, and the handling and result.

Only a user with the `recipient` role for the body sees an item (the selectors give 404 otherwise);
a clue appears only once it is listed in a transfer batch. The reporter's identity is never shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xuncha.access import FILED_MESSAGE, actor_of, is_filed
from xuncha.accounts.http import AuthedRequest
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import NotFound
from xuncha.web import form_submit

from ..forms import HandlingForm
from ..handover_files import clue_attachment_open, clue_attachments
from ..models import Clue, Referral, TransferBatch
from ..selectors import (
    offices_q,
    recipient_batch_get,
    recipient_batches,
    recipient_clue_get,
    recipient_clues,
    recipient_referral_get,
    recipient_referrals,
    result_months_map,
)
from ..services import handover_acknowledge, handover_result, transfer_batch_sign
from .handovers import batch_download, flag_items

FILTERS = {"unsigned": "待签收", "progress": "办理中", "overdue": "逾期未反馈", "done": "已反馈"}
LIMIT = 100


def _item_q(state: str) -> Q | None:
    """The condition on a referral or clue for one filter (None: no filter); overdue against the time limit
    of each item's inspection's office."""
    if state == "unsigned":
        return Q(acknowledged_at__isnull=True)
    if state == "progress":
        return offices_q(overdue=False)
    if state == "overdue":
        return offices_q(overdue=True)
    if state == "done":
        return Q(result_at__isnull=False)
    return None


def _batches(user: User, state: str) -> QuerySet[TransferBatch]:
    qs = recipient_batches(user=user).select_related("signed_by").annotate(clue_count=Count("clues"))
    if state == "unsigned":
        qs = qs.filter(signed_at__isnull=True)
    elif state == "done":
        qs = qs.filter(signed_at__isnull=False).exclude(Exists(Clue.objects.filter(batch=OuterRef("pk"), result_at__isnull=True)))
    elif state in FILTERS:
        condition = _item_q(state)
        qs = qs.filter(Exists(Clue.objects.filter(condition, batch=OuterRef("pk"))))
    return qs.order_by("signed_at", "-created_at", "-id")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if not actor_of(request.user).bodies:  # the page of receiving bodies' recipients only
        raise NotFound
    state = request.GET.get("state", "")
    state = state if state in FILTERS else ""
    condition = _item_q(state)
    referrals = recipient_referrals(user=request.user).prefetch_related("report__subjects").order_by("-created_at", "-id")
    clues = recipient_clues(user=request.user).prefetch_related("report__subjects").order_by("-created_at", "-id")
    if condition is not None:
        referrals, clues = referrals.filter(condition), clues.filter(condition)
    shown_referrals, shown_clues = list(referrals[:LIMIT]), list(clues[:LIMIT])
    # Every office's time limit, read once for both lists (only when an item has one running).
    months = result_months_map() if any(i.acknowledged_at for i in [*shown_referrals, *shown_clues]) else None
    return render(request, "triage/recipient_home.html", {
        "state": state, "filters": FILTERS.items(), "limit": LIMIT,
        "batches": list(_batches(request.user, state)[:LIMIT]),
        "referrals": flag_items(shown_referrals, months=months),
        "clues": flag_items(shown_clues, months=months),
    })


@login_required
def batch(request: AuthedRequest, pk: int) -> HttpResponse:
    item = recipient_batch_get(user=request.user, pk=pk)
    clues = flag_items(item.clues.select_related("report__triage").prefetch_related("report__subjects").order_by("report__number", "id"))
    return render(request, "triage/recipient_batch.html", {"batch": item, "clues": clues})


@login_required
@require_POST
def batch_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    item = recipient_batch_get(user=request.user, pk=pk)
    transfer_batch_sign(actor=request.user, batch=item, request=request)
    messages.success(request, f"已签收问题线索移交清单第{item.number}号，请在规定期限内反馈处置情况和结果。")
    return redirect("recipient:batch", pk=item.pk)


@login_required
def batch_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return batch_download(request, recipient_batch_get(user=request.user, pk=pk))


def _detail(request: AuthedRequest, item: Referral | Clue, form: HandlingForm | None = None, status: int = 200) -> HttpResponse:
    kind = "referral" if isinstance(item, Referral) else "clue"
    audit_record(actor=request.user, action=f"{kind}.view", obj=item, request=request,
                 summary=f"接收单位查看{item._meta.verbose_name}（信访件 {item.report.reference}）")
    initial = {"handling": item.handling, "result": item.result}
    return render(request, "triage/recipient_item.html", {
        "item": flag_items([item])[0], "kind": kind, "report": item.report,
        "form": form or HandlingForm(initial=initial),
        "files": clue_attachments(item) if isinstance(item, Clue) else [],
        "filed": is_filed(item.report.inspection), "filed_message": FILED_MESSAGE,
    }, status=status)


@login_required
def referral(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, recipient_referral_get(user=request.user, pk=pk))


@login_required
def clue(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, recipient_clue_get(user=request.user, pk=pk))


@login_required
def clue_attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """An attachment the team leader chose to hand over with the clue: downloaded (audited)."""
    from xuncha.intake.views_attachments import file_response

    opened = clue_attachment_open(actor=request.user, clue_id=pk, attachment_id=attachment_pk, request=request)
    return file_response(opened.content, opened.content_type, opened.name, inline=False)


@login_required
@require_POST
def referral_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    item = recipient_referral_get(user=request.user, pk=pk)
    handover_acknowledge(actor=request.user, item=item, request=request)
    messages.success(request, f"已签收转办件（转办函第{item.number}号）。")
    return redirect("recipient:referral", pk=item.pk)


def _record(request: AuthedRequest, item: Referral | Clue, url_name: str) -> HttpResponse:
    form = HandlingForm(request.POST)
    if form_submit(form, lambda d: handover_result(actor=request.user, item=item, handling=d["handling"], result=d["result"],
                                                   request=request)):
        messages.success(request, "办理结果已反馈巡察组。" if form.cleaned_data["result"].strip() else "处置方式已保存。")
        return redirect(url_name, pk=item.pk)
    return _detail(request, item, form, status=400)


@login_required
@require_POST
def referral_result(request: AuthedRequest, pk: int) -> HttpResponse:
    return _record(request, recipient_referral_get(user=request.user, pk=pk), "recipient:referral")


@login_required
@require_POST
def clue_result(request: AuthedRequest, pk: int) -> HttpResponse:
    return _record(request, recipient_clue_get(user=request.user, pk=pk), "recipient:clue")
