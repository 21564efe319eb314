"""Staff pages of intake: the team's reports, registration by channel, a report with its masked
reporter, the leader's reasoned reveal, replies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.audit.services import audit_record
from xuncha.core.crypto import format_receipt_code, seal
from xuncha.inspections.models import ChannelKind
from xuncha.keys import key_ring
from xuncha.triage.search import search_filter
from xuncha.web import attach_error

from . import services
from .forms import KIND_TITLES, RegisterForm, RevealForm, SubjectFormSet
from .models import Reply
from .selectors import intake_inspection_get, report_can_reveal, report_get, report_list, reporter_masked

IDENTITY_LABELS = {"name": "姓名", "phone": "电话", "id_number": "身份证号", "unit": "单位", "address": "地址", "email": "邮箱"}
REGISTER_KINDS = [ChannelKind.PHONE, ChannelKind.POST, ChannelKind.LETTERBOX, ChannelKind.VISIT, ChannelKind.EMAIL,
                  ChannelKind.SMS, ChannelKind.ONLINE]


@login_required
def reports(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    qs = report_list(user=request.user, inspection=inspection)
    channel_kind = request.GET.get("kind", "")
    if channel_kind in ChannelKind.values:
        qs = qs.filter(channel_kind=channel_kind)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = search_filter(qs, q)
    window = request.GET.get("window", "")
    if window in ("in", "out"):
        qs = qs.filter(in_window=window == "in")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    present = set(inspection.channels.values_list("kind", flat=True))
    kinds = [k for k in REGISTER_KINDS if k in present]
    with transaction.atomic():
        audit_record(actor=request.user, action="report.list", obj=inspection, request=request,
                     summary=f"查看信访件列表：{inspection}（第{page.number}页）")
    return render(request, "intake/reports.html", {
        "inspection": inspection, "page": page, "kinds": [(k, KIND_TITLES[k]) for k in kinds],
        "kind_choices": ChannelKind.choices, "kind": channel_kind, "window": window, "q": q,
    })


def _subjects(formset: Any) -> list[services.SubjectData]:
    return [services.SubjectData(name=f.cleaned_data["name"], post=f.cleaned_data.get("post", ""), category=f.cleaned_data["category"])
            for f in formset.forms if f.cleaned_data.get("name")]


@login_required
@never_cache
def register(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    if kind not in ChannelKind.values or not inspection.channels.filter(kind=kind).exists():
        raise Http404
    kind = ChannelKind(kind)
    form = RegisterForm(request.POST or None, request.FILES or None, inspection=inspection, kind=kind)
    formset = SubjectFormSet(request.POST or None, prefix="subjects")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        source = {k: data[k] for k in ("received_by", "room") if data.get(k)}
        if data.get("caller_number"):
            source["caller_number_sealed"] = seal(key_ring(), data["caller_number"], context="caller_number")
        reporter = None
        if data.get("real_name"):
            reporter = services.ReporterData(name=data["name"], phone=data.get("phone", ""), id_number=data.get("id_number", ""),
                                             unit=data.get("unit", ""), address=data.get("address", ""),
                                             email=data.get("email", ""), role=data.get("role", ""))
        try:
            result = services.report_register(actor=request.user, request=request, data=services.ReportInput(
                inspection=inspection, content=data["content"], kind=kind, channel=data["channel"],
                received_at=data["received_at"], postmarked_on=data.get("postmarked_on"), reporter=reporter,
                subjects=_subjects(formset), files=data.get("attachments") or [], source=source))
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            report = result.report
            return render(request, "intake/registered.html", {
                "report": report, "inspection": inspection, "code": format_receipt_code(result.receipt_code)})
    return render(request, "intake/register.html", {"form": form, "formset": formset, "inspection": inspection,
                                                    "title": KIND_TITLES[kind]})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="report.view", obj=report, request=request, summary=f"查看信访件 {report.reference}")
    return render(request, "intake/report.html", {
        "report": report, "masked": reporter_masked(report), "can_reveal": report_can_reveal(user=request.user, report=report),
        "reveal_form": RevealForm(), "reply_kinds": Reply.Kind.choices, "identity": None,
    })


@login_required
@require_POST
@never_cache
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    if not report_can_reveal(user=request.user, report=report):
        raise Http404
    form = RevealForm(request.POST)
    identity: list[tuple[str, str]] | None = None
    if form.is_valid():
        try:
            revealed = services.identity_reveal(actor=request.user, report=report, reason=form.cleaned_data["reason"], request=request)
            identity = [(IDENTITY_LABELS[k], v) for k, v in revealed.items()]
        except ValidationError as exc:
            attach_error(form, exc)
    return render(request, "intake/report.html", {
        "report": report, "masked": reporter_masked(report), "can_reveal": True, "reveal_form": form,
        "reply_kinds": Reply.Kind.choices, "identity": identity,
    })


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    try:
        services.reply_create(actor=request.user, report=report, kind=request.POST.get("kind", ""),
                              content=request.POST.get("content", ""), request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "答复已保存，反映人可凭查询码查看。")
    return redirect("intake:report", pk=report.pk)
