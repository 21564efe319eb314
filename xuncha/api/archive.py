"""Archive API (docs/api.md, "立卷归档"): file an inspection, download its package, reopen it.

The office that runs the inspection only; anyone else who can see the inspection gets 403, anyone
who cannot 404. Writes to a filed inspection are refused by the access policy on every endpoint (409)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.archive.selectors import archive_inspection_get
from xuncha.archive.services import archive_download, archive_file, archive_reopen
from xuncha.errors import NotFound
from xuncha.inspections.selectors import inspection_get
from xuncha.web import attachment

from .intake import ErrorsOut

router = Router(tags=["立卷归档"])


class ArchiveOut(Schema):
    archive_id: int
    version: int
    files: int
    manifest_sm3: str
    filed_at: str


class ReopenIn(Schema):
    reason: str


class ReopenOut(Schema):
    archive_id: int
    reopened_at: str


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


@router.post("/inspections/{inspection_id}/archive",
             response={201: ArchiveOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def inspection_archive(request: HttpRequest, inspection_id: int) -> Status[dict[str, Any]]:
    """立卷归档（巡察办）：生成档案包（卷内目录、保管期限、每个文件的 SM3、签名的 manifest.json、移交清单），
    此后该巡察任务只读。已归档的答 409。"""
    inspection = inspection_get(user=request.user, pk=inspection_id)
    filing = archive_file(actor=_actor(request), inspection=inspection, request=request)
    return Status(201, {"archive_id": filing.pk, "version": filing.version, "files": len(filing.files),
                        "manifest_sm3": filing.manifest_sm3, "filed_at": filing.filed_at.isoformat()})


@router.post("/inspections/{inspection_id}/archive/reopen",
             response={200: ReopenOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut})
def inspection_archive_reopen(request: HttpRequest, inspection_id: int, payload: ReopenIn) -> Status[dict[str, Any]]:
    """重新打开已归档的巡察任务（巡察办，须写明理由，记入审计）。未归档的答 409。"""
    inspection = inspection_get(user=request.user, pk=inspection_id)
    filing = archive_reopen(actor=_actor(request), inspection=inspection, reason=payload.reason, request=request)
    assert filing.reopened_at is not None
    return Status(200, {"archive_id": filing.pk, "reopened_at": filing.reopened_at.isoformat()})


@router.get("/inspections/{inspection_id}/archive.zip", response={200: None, 404: ErrorsOut})
def inspection_archive_zip(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """档案包 .zip（巡察办；归档前 404）：说明、卷内目录、移交清单、按工作环节的文件和 manifest.json。下载记入审计。"""
    inspection = archive_inspection_get(user=request.user, pk=inspection_id)
    content, name = archive_download(actor=_actor(request), inspection=inspection, via="接口", request=request)
    return attachment(content, "application/zip", name)
