"""The auditor's pages: browse and filter the log, verify the chain, export, anchors to print or send."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest

from .csvexport import HEADER, audit_csv_rows
from .forms import AuditFilterForm
from .selectors import audit_anchor_list, audit_event_list
from .services import audit_anchor_create, audit_anchor_export, audit_chain_check, audit_record


def _filtered(request: AuthedRequest) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_event_list(user=request.user, **{k: v for k, v in filters.items() if v})


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_POST
def verify(request: AuthedRequest) -> HttpResponse:
    report = audit_chain_check(actor=request.user, request=request)
    return render(request, "audit/verify.html", {"report": report})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export_csv(request: AuthedRequest) -> StreamingHttpResponse:
    form, events = _filtered(request)  # the auditor only: anyone else, not found
    audit_record(actor=request.user, action="export.audit_csv", summary="导出审计日志", request=request,
                 data={k: str(v) for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v})
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(HEADER)
        for row in audit_csv_rows(events):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=audit-log.csv"
    return response


@login_required
def anchors(request: AuthedRequest) -> HttpResponse:
    """GET: the latest anchors, each to download; POST: write an anchor now (then back here)."""
    if request.method == "POST":
        audit_anchor_create(actor=request.user, request=request)
        return redirect("audit:anchors")
    return render(request, "audit/anchors.html", {"anchors": audit_anchor_list(user=request.user)})


@login_required
def anchor_download(request: AuthedRequest, seq: int) -> HttpResponse:
    """One anchor as a small text page to print or send elsewhere (it can be given to audit_verify --anchors)."""
    anchor = audit_anchor_export(actor=request.user, seq=seq, request=request)
    text = render_to_string("audit/anchor.txt", {"anchor": anchor, "local_at": timezone.localtime(anchor.at)})
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=audit-anchor-{timezone.localtime(anchor.at):%Y-%m-%d}-{anchor.seq}.txt"
    return response
