"""The liaison's pages (/target/): the immediate-rectification notices issued to their organisation (a
notice with its .docx, the answer form with measures and evidence files, and the team's decisions), and
the ledger items of their organisation (an item with its progress form, the office's return reason and
the history).

Only the liaison of the inspected organisation reaches them, and sees a notice's text and an item's
measures only: never its reports, reporters, duplicate group or finding. Anyone else gets a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.errors import NotFound
from xuncha.inspections.selectors import OfficeCalendars, calendar_of, live_q
from xuncha.paging import paginate
from xuncha.web import form_submit

from .. import services
from ..access import is_liaison
from ..forms import AnswerForm, ProgressForm
from ..models import ImmediateNotice, ItemStatus
from ..selectors import (
    LedgerFilters,
    evidence_get,
    flag_items,
    item_history,
    liaison_item_get,
    liaison_items,
    liaison_notice_get,
    liaison_notices,
    notice_answers,
    notice_evidence_get,
)
from .common import evidence_response, notice_docx_response, user_of

PAGE_SIZE = 50


# --- notices ----------------------------------------------------------------------------------------


def _notice_page(request: HttpRequest, notice: ImmediateNotice, form: AnswerForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "rectification/notice_liaison.html", {
        "notice": notice, "answers": notice_answers(notice), "form": form or AnswerForm(),
        "can_answer": notice.state in services.ANSWERABLE, "today": timezone.localdate(),
    }, status=status)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    qs = liaison_notices(user=user_of(request))
    waiting = request.GET.get("state") == "waiting"  # the to-do line: issued or returned, awaiting the answer
    if waiting:
        qs = qs.filter(live_q("inspection"), state__in=[ImmediateNotice.State.ISSUED, ImmediateNotice.State.RETURNED])
    return render(request, "rectification/notice_liaison_list.html", {
        "notices": list(qs), "today": timezone.localdate(), "waiting": waiting})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = liaison_notice_get(user=user, pk=pk)
    services.notice_viewed_by_liaison(actor=user, notice=notice, request=request)
    return _notice_page(request, notice)


@login_required
@require_POST
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = liaison_notice_get(user=user, pk=pk)
    form = AnswerForm(request.POST, request.FILES)
    answer = form_submit(form, lambda d: services.notice_answer(actor=user, notice=notice, measures=d["measures"],
                                                                files=d["evidence"], request=request))
    if answer is not None:
        messages.success(request, "整改情况已报送，待巡察组核查。")
        return redirect("liaison:notice", pk=notice.pk)
    return _notice_page(request, notice, form, status=400)


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = liaison_notice_get(user=user, pk=pk)
    return notice_docx_response(notice, services.notice_docx_export(actor=user, notice=notice, request=request))


@login_required
def notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    evidence = notice_evidence_get(user=user, pk=pk, liaison=True)
    return evidence_response(evidence, services.notice_evidence_read(actor=user, evidence=evidence, request=request))


# --- ledger items -----------------------------------------------------------------------------------


@login_required
def items(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not is_liaison(user):
        raise NotFound
    today = timezone.localdate()
    filters = LedgerFilters.from_query(request.GET)
    page = paginate(liaison_items(user=user, filters=filters, today=today, live=True), request.GET.get("page"), PAGE_SIZE)
    query = urlencode(filters.query())
    return render(request, "rectification/ledger_liaison_items.html", {
        "page": page, "rows": flag_items(page.items, today, OfficeCalendars()), "filters": filters, "query": query,
        "statuses": ItemStatus.choices,
    })


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    obj = liaison_item_get(user=user, pk=pk)
    form = ProgressForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if obj.status == ItemStatus.SIGNED_OFF:
            form.add_error(None, "该事项已销号，无需再报送进展。")
        elif form_submit(form, lambda d: services.progress_report(actor=user, item=obj, text=d["text"], status=d["status"],
                                                                   files=d["evidence"], request=request)) is not None:
            messages.success(request, f"已报送整改事项第{obj.number}项的进展。")
            return redirect("liaison:item", pk=obj.pk)
        status = 400
    row = flag_items([obj], timezone.localdate(), calendar_of(obj.inspection))[0]
    return render(request, "rectification/ledger_liaison_item.html", {
        "item": row, "inspection": obj.inspection, "history": item_history(obj), "form": form,
    }, status=status)


@login_required
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    evidence = evidence_get(user=user, pk=pk, liaison=True)
    return evidence_response(evidence, services.evidence_read(actor=user, evidence=evidence, request=request))
