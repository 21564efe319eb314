"""我的导出: the signed-in user's background exports with their progress, and downloading a finished one
(owner only: anyone else's job is a 404). Starting a job is a POST: a domain page's own (the ledger's,
which calls `xuncha.exports.services.export_start` and redirects here) or `start` here, for a kind whose
parameters are a form's text fields (the audit log's filters)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Conflict, Invalid
from xuncha.paging import paginate

from .models import ExportJob, ExportStatus
from .selectors import any_active, jobs_for
from .services import export_download, export_start

PAGE_SIZE = 30
POLL_SECONDS = 2


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The list; while a job is queued or running the table asks for itself again every few seconds
    (htmx, vendored; without script, the 刷新 link does the same)."""
    page = paginate(jobs_for(user=request.user), request.GET.get("page"), PAGE_SIZE)
    context = {"page": page, "query": "", "active": any_active(list(page.items)), "poll_seconds": POLL_SECONDS,
               "poll_url": request.get_full_path(), "keep_hours": settings.EXPORT_KEEP_HOURS}
    if request.headers.get("HX-Request"):
        return render(request, "exports/_jobs.html", context)
    return render(request, "exports/index.html", context)


@login_required
@require_POST
def start(request: AuthedRequest) -> HttpResponse:
    """生成导出 from a page's form: `kind`, and the kind's parameters as the form's other fields (text);
    the kind's own check decides (an unknown kind, or one the user may not have: 404)."""
    kind = request.POST.get("kind", "")
    params = {k: v for k, v in request.POST.items() if k not in ("kind", "csrfmiddlewaretoken")}
    try:
        job = export_start(actor=request.user, kind=kind, params=params, request=request)
    except (Conflict, Invalid) as e:
        messages.error(request, e.detail)
    else:
        tell_started(request, job)
    return redirect("exports:index")


def tell_started(request: HttpRequest, job: ExportJob) -> None:
    """The message on 我的导出 after a page started an export (this one or a domain app's)."""
    if job.status == ExportStatus.DONE:
        messages.success(request, f"“{job.title}”已生成，可以下载。")
    else:
        messages.success(request, f"正在后台生成“{job.title}”，完成后可在本页下载。")


@login_required
@require_GET
def download(request: AuthedRequest, pk: int) -> FileResponse:
    job = export_download(actor=request.user, pk=pk, request=request)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type)
