"""Staff pages of intake: the team's reports, registration by channel, a report with its masked
reporter and its replies, the leader's reasoned reveal."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.crypto import format_receipt_code, seal
from xuncha.errors import NotFound
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.keys import key_ring
from xuncha.web import form_submit

from . import services
from .forms import KIND_TITLES, RegisterForm, RevealForm, SubjectFormSet
from .models import ReplyKind, Report
from .search import search_filter
from .selectors import intake_inspection_get, report_can_reveal, report_get, report_list, reporter_masked

IDENTITY_LABELS = {"name": "姓名", "phone": "电话", "id_number": "身份证号", "unit": "单位", "address": "地址", "email": "邮箱"}
REGISTER_KINDS = [ChannelKind.PHONE, ChannelKind.POST, ChannelKind.LETTERBOX, ChannelKind.VISIT, ChannelKind.EMAIL,
                  ChannelKind.SMS, ChannelKind.ONLINE]


def _user(request: HttpRequest) -> User:
    """The signed-in user of a login_required view."""
    return cast(User, request.user)


@login_required
def reports(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=_user(request), pk=pk)
    qs = report_list(user=_user(request), inspection=inspection)
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
    audit_record(actor=request.user, action="report.list", obj=inspection, request=request,
                 summary=f"查看信访件列表：{inspection}（第{page.number}页）")
    return render(request, "intake/reports.html", {
        "inspection": inspection, "page": page, "kinds": [(k, KIND_TITLES[k]) for k in kinds],
        "kind_choices": ChannelKind.choices, "kind": channel_kind, "window": window, "q": q,
    })


def _subjects(formset: Any) -> list[services.SubjectData]:
    return [services.SubjectData(name=f.cleaned_data["name"], post=f.cleaned_data.get("post", ""), category=f.cleaned_data["category"])
            for f in formset.forms if f.cleaned_data.get("name")]


def _register(request: HttpRequest, inspection: Inspection, kind: str, data: dict[str, Any], formset: Any) -> services.Registered:
    source = {k: data[k] for k in ("received_by", "room") if data.get(k)}
    if data.get("caller_number"):
        source["caller_number_sealed"] = seal(key_ring(), data["caller_number"], context="caller_number")
    reporter = None
    if data.get("real_name"):
        reporter = services.ReporterData(name=data["name"], phone=data.get("phone", ""), id_number=data.get("id_number", ""),
                                         unit=data.get("unit", ""), address=data.get("address", ""),
                                         email=data.get("email", ""), role=data.get("role", ""))
    return services.report_register(actor=_user(request), request=request, data=services.ReportInput(
        inspection=inspection, content=data["content"], kind=kind, channel=data["channel"],
        received_at=data["received_at"], postmarked_on=data.get("postmarked_on"), reporter=reporter,
        subjects=_subjects(formset), files=data.get("attachments") or [], source=source,
        submission_key=data.get("submission") or ""))


@login_required
@never_cache
def register(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    inspection = intake_inspection_get(user=_user(request), pk=pk)
    if kind not in ChannelKind.values or not inspection.channels.filter(kind=kind).exists():
        raise NotFound
    kind = ChannelKind(kind)
    form = RegisterForm(request.POST or None, request.FILES or None, inspection=inspection, kind=kind,
                        initial={"submission": uuid.uuid4().hex})
    formset = SubjectFormSet(request.POST or None, prefix="subjects")
    if request.method == "POST":
        subjects_valid = formset.is_valid()
        result = form_submit(form, lambda d: _register(request, inspection, kind, d, formset)) if subjects_valid else None
        if result is not None:
            # POST/redirect/GET: reloading the result page registers nothing. The receipt code never goes in a
            # URL: the session holds it until the result page shows it, once.
            if result.repeat:
                messages.info(request, f"该来件已于刚才登记为信访件 {result.report.reference}，没有重复登记。")
            else:
                request.session[_receipt_key(result.report.pk)] = result.receipt_code
            return redirect("intake:registered", pk=result.report.pk)
        form.is_valid()  # the form's own errors show beside the subjects' ones
    return render(request, "intake/register.html", {"form": form, "formset": formset, "inspection": inspection,
                                                    "title": KIND_TITLES[kind]})


def _receipt_key(report_id: int) -> str:
    return f"xuncha:receipt:{report_id}"


@login_required
@never_cache
def registered(request: AuthedRequest, pk: int) -> HttpResponse:
    """The result of a registration: the receipt code the first time only (popped from the session)."""
    report = report_get(user=request.user, pk=pk)
    code = request.session.pop(_receipt_key(report.pk), "")
    return render(request, "intake/registered.html", {
        "report": report, "inspection": report.inspection, "code": format_receipt_code(code) if code else ""})


def _report_page(request: HttpRequest, report: Report, *, can_reveal: bool, reveal_form: RevealForm,
                 identity: list[tuple[str, str]] | None) -> HttpResponse:
    return render(request, "intake/report.html", {
        "report": report, "masked": reporter_masked(report), "can_reveal": can_reveal, "reveal_form": reveal_form,
        "reply_kinds": ReplyKind.choices, "identity": identity,
    })


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=_user(request), pk=pk)
    audit_record(actor=request.user, action="report.view", obj=report, request=request, summary=f"查看信访件 {report.reference}")
    return _report_page(request, report, can_reveal=report_can_reveal(user=_user(request), report=report),
                        reveal_form=RevealForm(), identity=None)


@login_required
@require_POST
@never_cache
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=_user(request), pk=pk)
    if not report_can_reveal(user=_user(request), report=report):
        raise NotFound
    form = RevealForm(request.POST)
    revealed = form_submit(form, lambda d: services.identity_reveal(actor=_user(request), report=report, reason=d["reason"],
                                                                    request=request))
    identity = [(IDENTITY_LABELS[k], v) for k, v in revealed.items()] if revealed is not None else None
    return _report_page(request, report, can_reveal=True, reveal_form=form, identity=identity)
