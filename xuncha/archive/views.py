"""Pages of the archive: the inspection's filing page (file, download, verify, reopen), for the office
that runs the inspection; anyone else 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Conflict
from xuncha.web import attachment, form_submit

from . import services
from .forms import ReopenForm
from .package import INDEX, STEPS
from .selectors import archive_inspection_get, filing_list


def _page(request: AuthedRequest, pk: int, reopen_form: ReopenForm | None = None, status: int = 200) -> HttpResponse:
    inspection = archive_inspection_get(user=request.user, pk=pk)
    filings = filing_list(inspection)
    current = filings[0] if filings else None
    steps = []
    if current is not None:
        for code, label in [(INDEX, "目录与清单"), *STEPS.items()]:
            rows = [f for f in current.files if f["step"] == code]
            if rows:
                steps.append((label, rows))
    return render(request, "archive/inspection.html", {
        "inspection": inspection, "filings": filings, "current": current, "steps": steps,
        "reopen_form": reopen_form or ReopenForm(),
        "crumbs": [(str(inspection), reverse("inspections:detail", args=[inspection.pk]))],
    }, status=status)


@login_required
@require_GET
def archive_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


@login_required
@require_POST
def archive_file_view(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = archive_inspection_get(user=request.user, pk=pk)
    try:
        filing = services.archive_file(actor=request.user, inspection=inspection, request=request)
    except Conflict as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已立卷归档（第{filing.version}次，{len(filing.files)}个文件）；该巡察任务从现在起只能查阅。")
    return redirect("archive:inspection", pk=pk)


@login_required
@require_POST
def archive_reopen_view(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = archive_inspection_get(user=request.user, pk=pk)
    form = ReopenForm(request.POST)
    done = form_submit(form, lambda data: services.archive_reopen(actor=request.user, inspection=inspection,
                                                                  reason=data["reason"], request=request))
    if done is None:
        return _page(request, pk, reopen_form=form, status=400)
    messages.success(request, "已重新打开：可以修改了；修改完成后请再次立卷归档。")
    return redirect("archive:inspection", pk=pk)


@login_required
@require_POST
def archive_verify_view(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = archive_inspection_get(user=request.user, pk=pk)
    results = services.archive_verify(actor=request.user, inspection=inspection, request=request)
    bad = [r for r in results if r.problems]
    if not results:
        messages.info(request, "该巡察任务尚未立卷归档，没有档案包可核验。")
    elif bad:
        for r in bad:
            messages.error(request, f"第{r.filing.version}次归档的档案包有问题：" + "；".join(r.problems[:10]))
    else:
        messages.success(request, f"已核验{len(results)}个档案包：每个文件的 SM3 与签名的清单一致。")
    return redirect("archive:inspection", pk=pk)


@login_required
@require_GET
def archive_zip(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = archive_inspection_get(user=request.user, pk=pk)
    content, name = services.archive_download(actor=request.user, inspection=inspection, request=request)
    return attachment(content, "application/zip", name)


