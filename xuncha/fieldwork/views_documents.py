"""Pages of document requests (调阅资料): the team's register (调阅台账) with its requests and the
content search, a request's page (items, the leader's approval, where kept, the 交接单), and the
liaison's list and delivery page. What the user may not see is a 404 (selectors_documents)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.access import actor_of
from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.inspections.selectors import calendar_of
from xuncha.web import attachment, form_submit

from . import selectors_documents as sel
from . import services_documents as svc
from .forms_documents import DecisionForm, DeliveryForm, RecordForm, RequestForm
from .models.documents import DocumentRequest


@login_required
def register(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection, team = sel.register_inspection_get(user=request.user, pk=pk)
    today = timezone.localdate()
    context: dict[str, Any] = {"inspection": inspection, "team": team, "counts": sel.request_counts(inspection=inspection, today=today)}
    if team:
        overdue = request.GET.get("overdue") == "1"
        state = request.GET.get("state", "")
        state = state if state in DocumentRequest.State.values else ""
        requests = sel.request_list(user=request.user, inspection=inspection)
        if state:
            requests = requests.filter(state=state)
        context.update(overdue=overdue, requests=requests, state_label=DocumentRequest.State(state).label if state else "",
                       rows=sel.register_rows(user=request.user, inspection=inspection, today=today, calendar=calendar_of(inspection),
                                              overdue_only=overdue))
    return render(request, "fieldwork/documents_register.html", context)


@login_required
def request_new(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.team_inspection_get(user=request.user, pk=pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        def save(d: dict[str, Any]) -> DocumentRequest:
            items = [svc.ItemData(d[f"item{n}_name"], d[f"item{n}_period"], d[f"item{n}_form"] or "copy") for n in range(len(form.item_rows()))]
            return svc.document_request_create(actor=request.user, inspection=inspection, items=items, due_days=d["due_days"],
                                               sensitive=d["sensitive"], purpose=d["purpose"], request=request)

        req = form_submit(form, save)
        if req is not None:
            messages.success(request, f"调阅资料第{req.number}号已{'提交组长批准' if req.state == req.State.PENDING else '发出'}。")
            return redirect("fieldwork:request", pk=req.pk)
    return render(request, "fieldwork/documents_request_form.html", {"inspection": inspection, "form": form},
                  status=400 if form.errors else 200)


def _detail(request: AuthedRequest, req: DocumentRequest, template: str, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    return render(request, template, {
        "req": req, "inspection": req.inspection, "items": sel.request_items(req),
        "overdue_days": sel.overdue_days(req.due_on, today, calendar_of(req.inspection)), **extra,
    }, status=400 if any(getattr(f, "errors", None) for f in extra.values()) else 200)


@login_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    req = sel.request_get(user=request.user, pk=pk)
    if not sel.is_team(request.user, req.inspection):
        return redirect("fieldwork:liaison_request", pk=req.pk)
    return _detail(request, req, "fieldwork/documents_request.html", is_leader=sel.is_leader(request.user, req.inspection))


@login_required
@require_POST
def request_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    req = sel.request_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    done = form_submit(form, lambda d: svc.document_request_decide(actor=request.user, req=req, approve=d["decision"] == "approve",
                                                                    note=d["note"], request=request))
    if done is None:
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, str(m))
    else:
        messages.success(request, "已批准并发出。" if done.state == done.State.SENT else "已退回，不发出。")
    return redirect("fieldwork:request", pk=req.pk)


@login_required
def item_record(request: AuthedRequest, pk: int) -> HttpResponse:
    item = sel.item_get(user=request.user, pk=pk)
    if not sel.is_team(request.user, item.request.inspection):
        return redirect("fieldwork:liaison_request", pk=item.request_id)
    form = RecordForm(request.POST or None, initial={"kept_at": item.kept_at, "returned_on": item.returned_on})
    if request.method == "POST":
        saved = form_submit(form, lambda d: svc.document_item_record(actor=request.user, item=item, kept_at=d["kept_at"],
                                                                      returned_on=d["returned_on"], request=request))
        if saved is not None:
            messages.success(request, f"第{item.number}项已登记。")
            return redirect("fieldwork:request", pk=item.request_id)
    return render(request, "fieldwork/documents_item_record.html", {"item": item, "req": item.request,
                                                                     "inspection": item.request.inspection, "form": form},
                  status=400 if form.errors else 200)


@login_required
def handover(request: AuthedRequest, pk: int) -> HttpResponse:
    req = sel.request_get(user=request.user, pk=pk)
    if not sel.is_team(request.user, req.inspection):
        return redirect("fieldwork:liaison_request", pk=req.pk)
    content = form_submit(DecisionForm({"decision": "approve"}), lambda _d: svc.handover_docx(actor=request.user, req=req, request=request))
    if content is None:
        messages.error(request, "本通知还没有纸质移交的资料。")
        return redirect("fieldwork:request", pk=req.pk)
    return attachment(content, documents.DOCX, f"调阅资料交接单-第{req.number}号-{req.inspection.target.name}.docx")


@login_required
def file_download(request: AuthedRequest, pk: int) -> HttpResponse:
    f = sel.file_get(user=request.user, pk=pk)
    return attachment(svc.document_file_read(actor=request.user, file=f, request=request), f.content_type, f.original_name)


@login_required
def search(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.team_inspection_get(user=request.user, pk=pk)
    q = request.GET.get("q", "").strip()[:100]
    hits = sel.document_search(user=request.user, inspection=inspection, q=q) if q else []
    if q:
        svc.documents_searched(actor=request.user, inspection=inspection, q=q, hits=len(hits), request=request)
    return render(request, "fieldwork/documents_search.html", {"inspection": inspection, "q": q, "hits": hits})


# --- the liaison -------------------------------------------------------------------------------

@login_required
def liaison_requests(request: AuthedRequest) -> HttpResponse:
    if not actor_of(request.user).orgs:
        raise NotFound
    reqs = list(sel.liaison_requests(user=request.user))
    return render(request, "fieldwork/documents_liaison_list.html", {"requests": reqs})


@login_required
def liaison_request(request: AuthedRequest, pk: int) -> HttpResponse:
    req = sel.request_get(user=request.user, pk=pk)
    if not sel.is_liaison(request.user, req.inspection) or req.state != req.State.SENT:
        return redirect("fieldwork:request", pk=req.pk)
    return _detail(request, req, "fieldwork/documents_liaison_request.html", form=None, form_item=None)


@login_required
def liaison_deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    item = sel.item_get(user=request.user, pk=pk)
    req = item.request
    if not sel.is_liaison(request.user, req.inspection):
        return redirect("fieldwork:request", pk=req.pk)
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        def deliver(d: dict[str, Any]) -> Any:
            how = d["how"]
            return svc.document_item_deliver(
                actor=request.user, item=item, files=d["uploads"] if how == "files" else [], on_paper=how == "paper",
                handed_over_on=d["handed_over_on"] if how == "paper" else None,
                handed_over_by=d["handed_over_by"] if how == "paper" else "",
                decline_reason=d["decline_reason"] if how == "decline" else "", request=request)

        if form_submit(form, deliver) is not None:
            messages.success(request, f"第{item.number}项已报送。")
            return redirect("fieldwork:liaison_request", pk=req.pk)
    return _detail(request, req, "fieldwork/documents_liaison_request.html", form=form, form_item=item)
