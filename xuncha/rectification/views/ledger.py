"""Team and office pages of the feedback and the rectification ledger: the feedback (date, .docx), the
ledger of an inspection (filters, overdue flags in working days, the team's item form, sign-off and
return for the office and the team leader), an item with its progress history and evidence, the
.xlsx and PDF exports, and the overdue list.

The team (leader, member) and the office only; the liaison has their own pages (views.liaison).
Everyone else gets a 404. Downloads are audited.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.errors import Conflict, NotFound
from xuncha.exports.services import export_start
from xuncha.exports.views import tell_started
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import OfficeCalendars, calendar_of
from xuncha.paging import paginate
from xuncha.web import attachment, form_submit

from .. import services
from ..access import can_sign_off, is_team, is_team_leader, staff_inspection_get
from ..evidence_reads import open_leads
from ..export_jobs import LEDGER_XLSX, ledger_params
from ..forms import ActionForm, FeedbackForm, ItemForm, ReturnForm
from ..models import ItemStatus, RectificationItem
from ..selectors import (
    LedgerFilters,
    evidence_get,
    feedback_findings,
    feedback_get,
    flag_items,
    item_history,
    ledger_items,
    ledger_status_counts,
    overdue_items,
    staff_item_get,
)
from .common import act, evidence_response, user_of

PAGE_SIZE = 50


# --- feedback ---------------------------------------------------------------------------------------


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    current = feedback_get(inspection=inspection)
    leader = is_team_leader(user, inspection)
    # Once the round's report was approved here, the date comes only from the 双反馈 record (xuncha.reporting).
    from_report = services.feedback_direct_refusal(inspection)
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={"feedback_on": current.feedback_on if current else today})
    status = 200
    if request.method == "POST":
        if not leader:
            raise NotFound
        done = form_submit(form, lambda d: services.feedback_record(actor=user, inspection=inspection,
                                                                    feedback_on=d["feedback_on"], request=request))
        if done is not None:
            messages.success(request, f"已登记反馈，整改报告应于{done.report_due:%Y-%m-%d}前报送。")
            return redirect("rectification:feedback", pk=inspection.pk)
        status = 400
    return render(request, "rectification/feedback.html", {
        "inspection": inspection, "feedback": current, "findings": feedback_findings(inspection=inspection, feedback=current),
        "form": form if leader and (not from_report or form.errors) else None, "from_report": from_report, "today": today,
        "report_due_preview": services.report_due_for(today, inspection.office_id),
        # Leads are the team's (the office sees the feedback, never a lead).
        "open_leads": list(open_leads(inspection)) if is_team(user, inspection) else [],
    }, status=status)


@login_required
def feedback_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    current = feedback_get(inspection=inspection)
    if current is None:
        raise NotFound
    content = services.feedback_docx_export(actor=user, feedback=current, request=request)
    return attachment(content, documents.DOCX, f"巡察反馈意见-{inspection.target.name}.docx")


# --- the ledger -------------------------------------------------------------------------------------


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    today = timezone.localdate()
    filters = LedgerFilters.from_query(request.GET)
    page = paginate(ledger_items(user=user, inspection=inspection, filters=filters, today=today), request.GET.get("page"),
                    PAGE_SIZE)
    rows = flag_items(page.items, today, calendar_of(inspection))
    counts, overdue_count = ledger_status_counts(inspection=inspection, today=today)
    team = is_team(user, inspection)
    query = urlencode(filters.query())
    return render(request, "rectification/ledger.html", {
        "inspection": inspection, "page": page, "rows": rows, "filters": filters, "query": query,
        "statuses": ItemStatus.choices, "counts": [(label, counts.get(value, 0)) for value, label in ItemStatus.choices],
        "overdue_count": overdue_count, "total": sum(counts.values()),
        "feedback": feedback_get(inspection=inspection), "item_form": ItemForm(inspection=inspection) if team else None,
        "can_sign_off": can_sign_off(user, inspection), "return_form": ReturnForm(),
    })


def _item_form_page(request: HttpRequest, inspection: Inspection, form: ItemForm, item: RectificationItem | None = None) -> HttpResponse:
    return render(request, "rectification/ledger_item_form.html", {"inspection": inspection, "form": form, "item": item},
                  status=400 if request.method == "POST" else 200)


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    if not is_team(user, inspection):
        raise NotFound
    form = ItemForm(request.POST or None, inspection=inspection)
    if request.method == "POST":
        item = form_submit(form, lambda d: services.item_create(actor=user, finding=d["finding"], data=form.item_data(),
                                                                request=request))
        if item is not None:
            messages.success(request, f"已新增整改事项第{item.number}项。")
            return redirect("rectification:ledger", pk=inspection.pk)
    return _item_form_page(request, inspection, form)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    item = staff_item_get(user=user, pk=pk)
    if not is_team(user, item.inspection):
        raise NotFound
    initial = {k: getattr(item, k) for k in ("measures", "responsible_leader", "responsible_dept", "deadline", "long_term")}
    form = ItemForm(request.POST or None, inspection=item.inspection, with_finding=False, initial=initial)
    if request.method == "POST":
        saved = form_submit(form, lambda _d: services.item_update(actor=user, item=item, data=form.item_data(), request=request))
        if saved is not None:
            messages.success(request, f"已修改整改事项第{item.number}项。")
            return redirect("rectification:ledger_item", pk=item.pk)
    return _item_form_page(request, item.inspection, form, item)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    item = staff_item_get(user=user, pk=pk)
    row = flag_items([item], timezone.localdate(), calendar_of(item.inspection))[0]
    return render(request, "rectification/ledger_item.html", {
        "item": row, "inspection": item.inspection, "history": item_history(item), "return_form": ReturnForm(),
        "can_sign_off": can_sign_off(user, item.inspection), "can_edit": is_team(user, item.inspection),
    })


def _decided_item(request: HttpRequest, pk: int) -> RectificationItem:
    """An item the user may sign off or return; a 404 for anyone else (a member does not learn more)."""
    user = user_of(request)
    item = staff_item_get(user=user, pk=pk)
    if not can_sign_off(user, item.inspection):
        raise NotFound
    return item


def _back(request: HttpRequest, item: RectificationItem) -> HttpResponse:
    if request.POST.get("next") == "ledger":
        return redirect("rectification:ledger", pk=item.inspection_id)
    return redirect("rectification:ledger_item", pk=item.pk)


@login_required
@require_POST
def item_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    item = _decided_item(request, pk)
    act(request, ActionForm(request.POST),
        lambda _d: services.item_sign_off(actor=user_of(request), item=item, request=request),
        lambda _i: f"整改事项第{item.number}项已销号。")
    return _back(request, item)


@login_required
@require_POST
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    item = _decided_item(request, pk)
    act(request, ReturnForm(request.POST),
        lambda d: services.item_return(actor=user_of(request), item=item, reason=d["reason"], request=request),
        lambda _i: f"已退回整改事项第{item.number}项，联络员将看到退回原因。")
    return _back(request, item)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = evidence_get(user=user, pk=pk)
    return evidence_response(found, services.evidence_read(actor=user, evidence=found, request=request))


# --- exports ----------------------------------------------------------------------------------------


@login_required
@require_POST
def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """生成导出: the .xlsx is built in the background (xuncha.exports; 100,000 items take about half a
    minute), then downloaded from 我的导出, where this sends the user."""
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    try:
        job = export_start(actor=user, kind=LEDGER_XLSX, params=ledger_params(inspection), request=request)
    except Conflict as e:
        messages.error(request, e.detail)
        return redirect("rectification:ledger", pk=inspection.pk)
    tell_started(request, job)
    return redirect("exports:index")


@login_required
def ledger_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    content = services.ledger_pdf_export(actor=user, inspection=inspection, request=request)
    return attachment(content, documents.PDF, f"整改台账-{inspection.target.name}.pdf")


# --- overdue list ------------------------------------------------------------------


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = paginate(overdue_items(user=user_of(request), today=today), request.GET.get("page"), PAGE_SIZE)
    return render(request, "rectification/ledger_overdue.html", {
        "page": page, "rows": flag_items(page.items, today, OfficeCalendars()), "query": "", "today": today,
    })
