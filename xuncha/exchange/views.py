"""The exchange pages: export an inspection (download its package), upload a package, confirm or discard
its import. Only the office; everyone else 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from xuncha.access import Purpose
from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Invalid, NotFound, messages_of
from xuncha.inspections.models_offices import LIMITS
from xuncha.inspections.selectors import inspection_list
from xuncha.web import FORM_ERRORS, attach_error, attachment, form_submit

from .forms import ExportForm, UploadForm
from .rows import verbose_label
from .selectors import exchange_config_or_none, exportable_inspection, import_get, import_list, import_offices, imported_events, package_limits
from .services import imported_events_check, inspection_export, package_discard, package_import_confirm, package_upload


def _peers() -> tuple[list[tuple[str, str]], str]:
    config, problem = exchange_config_or_none()
    if config is None:
        return [], problem
    return [(p.code, f"{p.name}（{p.code}，密钥指纹 {p.fingerprint}）") for p in config.peers.values()], ""


@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = exportable_inspection(user=request.user, pk=pk)
    peers, problem = _peers()
    form = ExportForm(request.POST or None, peers=peers)
    if request.method == "POST":
        result = form_submit(form, lambda d: inspection_export(actor=request.user, inspection_id=inspection.pk, peer=d["peer"],
                                                                request=request))
        if result is not None:
            data, name, _ = result
            return attachment(data, "application/zip", name)
    return render(request, "exchange/export.html", {"inspection": inspection, "form": form, "problem": problem})


def _rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    counts = summary.get("counts") or {}
    preview = summary.get("preview") or {}
    return [{"label": verbose_label(label), "count": n, "new": (preview.get(label) or {}).get("new", n)}
            for label, n in counts.items() if n]


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: AuthedRequest) -> HttpResponse:
    records = import_list(user=request.user)
    offices = import_offices(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None, offices=offices)
    _, problem = exchange_config_or_none()
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["package"]
            if upload.size is not None and upload.size > settings.EXCHANGE_MAX_BYTES:  # refused before it is read
                raise Invalid(f"数据包超过 {settings.EXCHANGE_MAX_BYTES // (1024 * 1024)} MB 的上限。")
            record = package_upload(actor=request.user, office_id=form.cleaned_data["office"].pk, content=upload.read(),
                                    request=request)
        except FORM_ERRORS as exc:
            attach_error(form, exc)
        else:
            return redirect("exchange:import", record.pk)
    exportable = inspection_list(user=request.user, purpose=Purpose.APPROVE).order_by("-start_date", "id")[:200]
    return render(request, "exchange/imports.html", {"records": records[:100], "form": form, "problem": problem,
                                                     "exportable": exportable})


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = import_get(user=request.user, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                package_import_confirm(actor=request.user, import_id=record.pk, request=request)
                messages.success(request, "数据包已导入。")
            elif action == "discard":
                package_discard(actor=request.user, import_id=record.pk, request=request)
                messages.success(request, "已放弃导入该数据包。")
            else:
                raise NotFound("没有这个操作。")
        except FORM_ERRORS as exc:
            errors = messages_of(exc)
        else:
            return redirect("exchange:import", record.pk)
        record = import_get(user=request.user, pk=pk)
    return render(request, "exchange/import.html", {
        "record": record, "rows": _rows(record.summary), "errors": errors, "current": f"第 {record.pk} 号数据包",
        "events": imported_events(record=record)[:50] if record.state == record.State.DONE else [],
        "event_problems": imported_events_check(record=record),
        "sender_limits": [(LIMITS[k][1], v, LIMITS[k][2]) for k, v in package_limits(record=record).items() if k in LIMITS],
    })
