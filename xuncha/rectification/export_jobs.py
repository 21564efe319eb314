"""The rectification ledger as a background export (xuncha.exports, issue 17): at 100,000 items the .xlsx
takes about half a minute, longer than a proxy waits for a response, so the pages and the API start a job
and the file is downloaded from 我的导出 when it is ready. Registered in RectificationConfig.ready()."""

from __future__ import annotations

from typing import IO, Any

from xuncha import documents
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.exports.registry import Built, Progress, register
from xuncha.inspections.models import Inspection

from .selectors import ledger_export_allowed
from .services import ledger_xlsx_write

LEDGER_XLSX = "rectification.ledger_xlsx"


def ledger_params(inspection: Inspection) -> dict[str, Any]:
    return {"inspection": inspection.pk}


def _inspection(params: dict[str, Any], actor: User) -> Inspection:
    pk = params.get("inspection")
    if not isinstance(pk, int):
        raise NotFound
    return ledger_export_allowed(user=actor, inspection_id=pk)  # NotFound unless the actor may read the ledger


def ledger_xlsx_check(*, params: dict[str, Any], actor: User) -> str:
    inspection = _inspection(params, actor)
    return f"整改台账（Excel）：{inspection}"


def ledger_xlsx_build(*, params: dict[str, Any], actor: User, progress: Progress, out: IO[bytes]) -> Built:
    inspection = _inspection(params, actor)
    ledger_xlsx_write(actor=actor, inspection=inspection, out=out, progress=progress)
    return Built(filename=f"整改台账-{inspection.target.name}.xlsx", content_type=documents.XLSX)


def register_exports() -> None:
    register(LEDGER_XLSX, title="整改台账（Excel）", check=ledger_xlsx_check, builder=ledger_xlsx_build)
