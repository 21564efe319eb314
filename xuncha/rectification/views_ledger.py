"""Team and office pages of the feedback and the rectification ledger: the feedback (date, .docx), the
ledger of an inspection (filters, overdue flags in working days, the team's item form, sign-off and
return for the office and the team leader), an item with its progress history and evidence, the
.xlsx and PDF exports, the overdue list, and every user's notifications.

The team (leader, member) and the office only; the liaison has their own pages (views_liaison_items).
Everyone else gets a 404. Downloads are audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.audit.services import audit_record
from xuncha.inspections.selectors import calendar_get
from xuncha.paging import paginate
from xuncha.web import attach_error, attachment

from . import exports
from .access import can_sign_off, is_team_leader, team_inspections
from .models import Evidence, Finding, ItemStatus, RectificationItem
from .selectors_ledger import (
    LedgerFilters,
    evidence_get,
    feedback_get,
    flag_items,
    item_history,
    ledger_items,
    notifications_for,
    overdue_items,
    staff_inspection_get,
    staff_item_get,
)
from .services_ledger import (
    ItemData,
    feedback_record,
    item_create,
    item_return,
    item_sign_off,
    item_update,
    notifications_mark_read,
    overdue_q,
    report_due_for,
)

PAGE_SIZE = 50


class FeedbackForm(forms.Form):
    feedback_on = forms.DateField(label="反馈日期", widget=forms.DateInput(attrs={"type": "date"}))


class ItemForm(forms.Form):
    finding = forms.ModelChoiceField(label="问题", queryset=Finding.objects.none(), empty_label="请选择已审定的问题")
    measures = forms.CharField(label="整改措施", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_leader = forms.CharField(label="责任领导", max_length=64)
    responsible_dept = forms.CharField(label="责任部门", max_length=120)
    deadline = forms.DateField(label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    long_term = forms.BooleanField(label="长期坚持", required=False, help_text="长期坚持的事项不填写完成时限")

    def __init__(self, *args: Any, inspection: Any, with_finding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_finding:
            field: Any = self.fields["finding"]
            field.queryset = Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number")
        else:
            del self.fields["finding"]

    def item_data(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(measures=d["measures"], responsible_leader=d["responsible_leader"], responsible_dept=d["responsible_dept"],
                        deadline=d["deadline"], long_term=d["long_term"])


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


def _is_team(user: Any, inspection: Any) -> bool:
    return team_inspections(user=user).filter(pk=inspection.pk).exists()


# --- feedback ---------------------------------------------------------------------------------------


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    current = feedback_get(inspection=inspection)
    leader = is_team_leader(request.user, inspection)
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={"feedback_on": current.feedback_on if current else today})
    status = 200
    if request.method == "POST":
        if not leader:
            raise Http404
        if form.is_valid():
            try:
                done = feedback_record(actor=request.user, inspection=inspection, feedback_on=form.cleaned_data["feedback_on"],
                                       request=request)
            except ValidationError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, f"已登记反馈，整改报告应于{done.report_due:%Y-%m-%d}前报送。")
                return redirect("rectification:feedback", pk=inspection.pk)
        status = 400
    findings = list(current.findings.order_by("number") if current else
                    Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number"))
    return render(request, "rectification/feedback.html", {
        "inspection": inspection, "feedback": current, "findings": findings, "form": form if leader else None,
        "today": today, "report_due_preview": report_due_for(today),
    }, status=status)


@login_required
def feedback_docx(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    current = feedback_get(inspection=inspection)
    if current is None:
        raise Http404
    content = exports.feedback_docx(current)
    with transaction.atomic():
        audit_record(actor=request.user, action="feedback.export", obj=current, request=request,
                     summary=f"导出巡察反馈意见：{inspection}")
    return attachment(content, documents.DOCX, f"巡察反馈意见-{inspection.target.name}.docx")


# --- the ledger -------------------------------------------------------------------------------------


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    today = timezone.localdate()
    filters = LedgerFilters.from_query(request.GET)
    page = paginate(ledger_items(user=request.user, inspection=inspection, filters=filters, today=today), request.GET.get("page"),
                    PAGE_SIZE)
    rows = flag_items(page.items, today, calendar_get())
    items = RectificationItem.objects.filter(inspection=inspection)
    counts = dict(items.order_by().values_list("status").annotate(n=Count("pk")))
    team = _is_team(request.user, inspection)
    query = urlencode({k: v for k, v in (("status", filters.status), ("overdue", "1" if filters.overdue else ""),
                                          ("dept", filters.dept)) if v})
    return render(request, "rectification/ledger.html", {
        "inspection": inspection, "page": page, "rows": rows, "filters": filters, "query": query,
        "statuses": ItemStatus.choices, "counts": [(label, counts.get(value, 0)) for value, label in ItemStatus.choices],
        "overdue_count": items.filter(overdue_q(today)).count(), "total": sum(counts.values()),
        "feedback": feedback_get(inspection=inspection), "item_form": ItemForm(inspection=inspection) if team else None,
        "can_sign_off": can_sign_off(request.user, inspection), "return_form": ReturnForm(),
    })


def _item_form_page(request: HttpRequest, inspection: Any, form: ItemForm, item: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "rectification/ledger_item_form.html", {"inspection": inspection, "form": form, "item": item}, status=status)


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    if not _is_team(request.user, inspection):
        raise Http404
    form = ItemForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            item = item_create(actor=request.user, finding=form.cleaned_data["finding"], data=form.item_data(), request=request)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已新增整改事项第{item.number}项。")
            return redirect("rectification:ledger", pk=inspection.pk)
    return _item_form_page(request, inspection, form, status=400 if request.method == "POST" else 200)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = staff_item_get(user=request.user, pk=pk)
    if not _is_team(request.user, item.inspection):
        raise Http404
    initial = {k: getattr(item, k) for k in ("measures", "responsible_leader", "responsible_dept", "deadline", "long_term")}
    form = ItemForm(request.POST or None, inspection=item.inspection, with_finding=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item_update(actor=request.user, item=item, data=form.item_data(), request=request)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已修改整改事项第{item.number}项。")
            return redirect("rectification:ledger_item", pk=item.pk)
    return _item_form_page(request, item.inspection, form, item, status=400 if request.method == "POST" else 200)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = staff_item_get(user=request.user, pk=pk)
    row = flag_items([item], timezone.localdate(), calendar_get())[0]
    return render(request, "rectification/ledger_item.html", {
        "item": row, "inspection": item.inspection, "history": item_history(item), "return_form": ReturnForm(),
        "can_sign_off": can_sign_off(request.user, item.inspection), "can_edit": _is_team(request.user, item.inspection),
    })


def _back(request: HttpRequest, item: RectificationItem) -> HttpResponse:
    if request.POST.get("next") == "ledger":
        return redirect("rectification:ledger", pk=item.inspection_id)
    return redirect("rectification:ledger_item", pk=item.pk)


@login_required
@require_POST
def item_sign_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = staff_item_get(user=request.user, pk=pk)
    try:
        item_sign_off(actor=request.user, item=item, request=request)
    except PermissionError:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"整改事项第{item.number}项已销号。")
    return _back(request, item)


@login_required
@require_POST
def item_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = staff_item_get(user=request.user, pk=pk)
    try:
        item_return(actor=request.user, item=item, reason=request.POST.get("reason", ""), request=request)
    except PermissionError:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已退回整改事项第{item.number}项，联络员将看到退回原因。")
    return _back(request, item)


def evidence_download(request: HttpRequest, evidence: Evidence) -> HttpResponse:
    """An evidence file as a download; the read is audited (shared by the staff and the liaison pages)."""
    with evidence.file.open("rb") as f:
        content = f.read()
    assert evidence.progress is not None
    item = evidence.progress.item
    with transaction.atomic():
        audit_record(actor=request.user, action="evidence.download", obj=evidence, request=request,
                     summary=f"下载整改事项第{item.number}项的佐证材料“{evidence.original_name}”",
                     data={"item": item.pk, "sha256": evidence.sha256})
    return attachment(content, evidence.content_type, evidence.original_name)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_download(request, evidence_get(user=request.user, pk=pk))


# --- exports ----------------------------------------------------------------------------------------


def _audit_export(request: HttpRequest, inspection: Any, kind: str, count: int | None = None) -> None:
    with transaction.atomic():
        audit_record(actor=request.user, action="ledger.export", obj=inspection, request=request,
                     summary=f"导出整改台账（{kind}）：{inspection}" + (f"，{count}项" if count is not None else ""),
                     data={"format": kind})


@login_required
def ledger_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    stream, count = exports.ledger_xlsx_file(inspection)
    _audit_export(request, inspection, "xlsx", count)
    return FileResponse(stream, as_attachment=True, filename=f"整改台账-{inspection.target.name}.xlsx", content_type=documents.XLSX)


@login_required
def ledger_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = staff_inspection_get(user=request.user, pk=pk)
    content = exports.ledger_pdf(inspection)
    _audit_export(request, inspection, "pdf")
    return attachment(content, documents.PDF, f"整改台账-{inspection.target.name}.pdf")


# --- overdue list and notifications ------------------------------------------------------------------


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = paginate(overdue_items(user=request.user, today=today), request.GET.get("page"), PAGE_SIZE)
    return render(request, "rectification/ledger_overdue.html", {
        "page": page, "rows": flag_items(page.items, today, calendar_get()), "query": "", "today": today,
    })


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
        count = notifications_mark_read(actor=request.user, ids=ids or None, request=request)
        messages.success(request, f"已将{count}条提醒标记为已读。")
        return redirect("rectification:notifications")
    page = paginate(notifications_for(user=request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "rectification/notifications.html", {"page": page, "query": ""})
