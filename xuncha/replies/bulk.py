"""The replies app's action on the triage workbench: mark the selected reports as needing no reply
(each through `reply_exempt_set`, so each is checked and audited on its own)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xuncha.accounts.models import User
from xuncha.intake.models import ReplyExemption, Report
from xuncha.triage.bulk import BulkAction, register

from . import services


def _check(params: dict[str, Any]) -> list[str]:
    if params.get("reason") not in ReplyExemption.values:
        return ["请选择无需答复的原因。"]
    return []


def _apply(actor: User, report: Report, params: dict[str, Any], request: HttpRequest | None) -> object:
    return services.reply_exempt_set(actor=actor, report=report, reason=params["reason"],
                                     note=str(params.get("note", "")), request=request)


def register_bulk_actions() -> None:
    register(BulkAction("no_reply", "标记无需答复", _apply, _check))
