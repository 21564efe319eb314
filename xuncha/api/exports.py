"""Background exports API (issue 17): a large export is started as a job (202 with its address), its
status polled, and its file fetched when done. Only the job's owner sees it (anyone else: 404); the file is
streamed, its download audited with the kind. The same jobs as the page 我的导出 (/exports/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.exports.models import ExportJob, ExportStatus
from xuncha.exports.selectors import job_get, jobs_for
from xuncha.exports.services import export_download, export_start
from xuncha.rectification.export_jobs import LEDGER_XLSX, ledger_params
from xuncha.rectification.selectors import ledger_export_allowed

from .intake import ErrorsOut

router = Router(tags=["导出"])

API_BASE = "/api/v1"


class ExportJobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    status_label: str
    done: int
    total: int | None
    percent: int
    error: str
    size: int | None
    filename: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expires_at: dt.datetime
    downloaded_at: dt.datetime | None
    url: str
    file_url: str | None


def job_out(job: ExportJob) -> dict[str, Any]:
    done = job.status == ExportStatus.DONE
    return {"id": job.pk, "kind": job.kind, "title": job.title, "status": job.status, "status_label": job.get_status_display(),
            "done": job.done, "total": job.total, "percent": job.percent, "error": job.error, "size": job.size,
            "filename": job.filename, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "expires_at": job.expires_at, "downloaded_at": job.downloaded_at,
            "url": f"{API_BASE}/exports/{job.pk}", "file_url": f"{API_BASE}/exports/{job.pk}/file" if done else None}


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


@router.post("/inspections/{inspection_id}/ledger.xlsx/jobs", response={202: ExportJobOut, 404: ErrorsOut, 409: ErrorsOut})
def ledger_xlsx_job(request: HttpRequest, inspection_id: int) -> Status[dict[str, Any]]:
    """开始在后台生成整改台账 Excel 文件：返回 202 和导出任务（`url` 查询进度，完成后从 `file_url` 下载）。
    同一调用者同一台账正在生成时返回该任务；同时生成的导出过多时 409。"""
    actor = _actor(request)
    inspection = ledger_export_allowed(user=actor, inspection_id=inspection_id)
    job = export_start(actor=actor, kind=LEDGER_XLSX, params=ledger_params(inspection), request=request)
    return Status(202, job_out(job))


@router.get("/me/exports", response=list[ExportJobOut])
def my_exports(request: HttpRequest) -> list[dict[str, Any]]:
    """调用者本人未过期的导出任务，最新的在前（最多 100 个）。"""
    return [job_out(job) for job in jobs_for(user=_actor(request))[:100]]


@router.get("/exports/{job_id}", response={200: ExportJobOut, 404: ErrorsOut})
def export_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    """一个导出任务的状态和进度（只有发起人可见，其他人 404）。"""
    return job_out(job_get(user=_actor(request), pk=job_id))


@router.get("/exports/{job_id}/file", response={200: None, 404: ErrorsOut, 409: ErrorsOut})
def export_file(request: HttpRequest, job_id: int) -> FileResponse:
    """已完成的导出文件，流式下载（只有发起人；尚未完成时 409）；下载记入审计日志。"""
    job = export_download(actor=_actor(request), pk=job_id, request=request)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type)
