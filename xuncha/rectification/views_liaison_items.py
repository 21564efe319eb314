"""The liaison's pages of the ledger (/target/): the items of their organisation, and an item with its
progress form (text, claimed status, evidence files), the office's return reason and the history.

Only the liaison of the inspected organisation reaches them; never a finding's facts or evidence, a
report or a reporter. Anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xuncha.accounts.selectors import org_ids
from xuncha.inspections.selectors import calendar_get
from xuncha.paging import paginate
from xuncha.uploads import ALLOWED_HELP, MultipleFileField
from xuncha.web import attach_error

from .models import ItemStatus
from .selectors_ledger import LedgerFilters, evidence_get, flag_items, item_history, liaison_item_get, liaison_items
from .services_ledger import PROGRESS_STATUSES, progress_report
from .views_ledger import evidence_download

PAGE_SIZE = 50


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label="整改状态", choices=[(s.value, s.label) for s in PROGRESS_STATUSES], widget=forms.RadioSelect)
    text = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="写明已采取的措施、取得的成效和下一步安排")
    evidence = MultipleFileField(label="佐证材料", required=False, help_text=f"可上传{ALLOWED_HELP}；销号须有佐证材料")


def _liaison_only(user: Any) -> None:
    if not org_ids(user):
        raise Http404


@login_required
def items(request: HttpRequest) -> HttpResponse:
    _liaison_only(request.user)
    today = timezone.localdate()
    filters = LedgerFilters.from_query(request.GET)
    page = paginate(liaison_items(user=request.user, filters=filters, today=today), request.GET.get("page"), PAGE_SIZE)
    query = urlencode({k: v for k, v in (("status", filters.status), ("overdue", "1" if filters.overdue else "")) if v})
    return render(request, "rectification/ledger_liaison_items.html", {
        "page": page, "rows": flag_items(page.items, today, calendar_get()), "filters": filters, "query": query,
        "statuses": ItemStatus.choices,
    })


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    obj = liaison_item_get(user=request.user, pk=pk)
    form = ProgressForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if obj.status == ItemStatus.SIGNED_OFF:
            form.add_error(None, "该事项已销号，无需再报送进展。")
        elif form.is_valid():
            try:
                progress_report(actor=request.user, item=obj, text=form.cleaned_data["text"], status=form.cleaned_data["status"],
                                files=form.cleaned_data["evidence"], request=request)
            except ValidationError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, f"已报送整改事项第{obj.number}项的进展。")
                return redirect("liaison:item", pk=obj.pk)
        status = 400
    row = flag_items([obj], timezone.localdate(), calendar_get())[0]
    return render(request, "rectification/ledger_liaison_item.html", {
        "item": row, "inspection": obj.inspection, "history": item_history(obj), "form": form,
    }, status=status)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_download(request, evidence_get(user=request.user, pk=pk, liaison=True))
