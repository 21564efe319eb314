"""Bulk actions of the triage workbench: one action applied to the reports the team selected.

Each report goes through the same service as on its own page (`labels_confirm`, `scope_confirm`,
`disposition_propose`, and — registered by the replies app, which sits above triage — the reply
exemption), so each checks the actor's access to that report and writes that report's audit event.
The whole action is one transaction; each report runs in its own savepoint, so a report the service
refuses is left unchanged and reported back while the others are applied.

Reports the actor may not reach, or of another inspection, are refused like any other report
("不存在或无权处理"), never revealed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.errors import DomainError, Invalid, NotFound
from xuncha.inspections.models import Inspection, ReceivingBody
from xuncha.intake.models import Report

from . import services
from .models import DispositionKind, Scope

MAX_SELECTED = 200
UNREACHABLE = "不存在或无权处理"

# action code -> (Chinese name, function(actor, report, params, request)); the replies app adds "no_reply".
Apply = Callable[[User, Report, dict[str, Any], HttpRequest | None], object]


@dataclass(frozen=True)
class BulkAction:
    code: str
    label: str
    apply: Apply
    check: Callable[[dict[str, Any]], list[str]] = lambda params: []


ACTIONS: dict[str, BulkAction] = {}


def register(action: BulkAction) -> None:
    """Offer an action on the workbench (apps above triage register theirs in AppConfig.ready)."""
    ACTIONS[action.code] = action


@dataclass
class Refusal:
    report_id: int
    reference: str
    reason: str


@dataclass
class BulkResult:
    action: str
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def message(self) -> str:
        """“12 件已处理，2 件因……未处理”, in Chinese, naming each refused report and why."""
        label = ACTIONS[self.action].label if self.action in ACTIONS else self.action
        text = f"{label}：{len(self.done)} 件已处理"
        if self.refused:
            reasons = "；".join(f"{r.reference or '编号' + str(r.report_id)}：{r.reason}" for r in self.refused)
            text += f"，{len(self.refused)} 件因以下原因未处理：{reasons}"
        return text + "。"


def reports_bulk(*, actor: User, inspection: Inspection, report_ids: Sequence[int], action: str,
                 params: dict[str, Any] | None = None, request: HttpRequest | None = None) -> BulkResult:
    """Apply `action` to each selected report of `inspection`; returns what was done and what was refused."""
    params = params or {}
    if action not in ACTIONS:
        raise Invalid("请选择批量操作。")
    ids = list(dict.fromkeys(int(i) for i in report_ids))
    if not ids:
        raise Invalid("请先勾选信访件。")
    if len(ids) > MAX_SELECTED:
        raise Invalid(f"一次最多处理 {MAX_SELECTED} 件，请分批操作。")
    if not allows(actor, Kind.CASE, Purpose.WORK, inspection):
        raise NotFound
    bulk = ACTIONS[action]
    problems = bulk.check(params)
    if problems:
        raise Invalid(problems)
    found = {r.pk: r for r in Report.objects.filter(pk__in=ids, inspection=inspection).select_related("inspection")}
    result = BulkResult(action=action)
    with transaction.atomic():
        for pk in ids:
            report = found.get(pk)
            if report is None:
                result.refused.append(Refusal(pk, "", UNREACHABLE))
                continue
            try:
                with transaction.atomic():
                    bulk.apply(actor, report, params, request)
            except DomainError as error:
                reason = UNREACHABLE if isinstance(error, NotFound) else error.detail
                result.refused.append(Refusal(pk, report.reference, reason))
            else:
                result.done.append(pk)
    return result


# --- the triage app's own actions ----------------------------------------------------------------------


def _labels(actor: User, report: Report, params: dict[str, Any], request: HttpRequest | None) -> object:
    triage = services.triage_for(report)
    return services.labels_confirm(actor=actor, report=report, disciplines=triage.discipline_codes,
                                   focuses=triage.focus_codes, request=request)


def _scope_check(params: dict[str, Any]) -> list[str]:
    problems = []
    if params.get("scope") not in (Scope.IN, Scope.OUT, Scope.OUT_OF_WINDOW):
        problems.append("请选择是否属于受理范围。")
    if not str(params.get("reason", "")).strip():
        problems.append("请写明判断理由。")
    return problems


def _scope(actor: User, report: Report, params: dict[str, Any], request: HttpRequest | None) -> object:
    return services.scope_confirm(actor=actor, report=report, scope=params["scope"], reason=params["reason"], request=request)


def _disposition_check(params: dict[str, Any]) -> list[str]:
    problems = []
    kind, body = params.get("kind"), params.get("body")
    if kind not in DispositionKind.values:
        problems.append("请选择处置方式。")
    if kind in (DispositionKind.REFER, DispositionKind.TRANSFER) and not isinstance(body, ReceivingBody):
        problems.append("转办、移交须选择接收单位。")
    if not str(params.get("reason", "")).strip():
        problems.append("请写明处置理由。")
    return problems


def _disposition(actor: User, report: Report, params: dict[str, Any], request: HttpRequest | None) -> object:
    kind = params["kind"]
    body = params.get("body") if kind in (DispositionKind.REFER, DispositionKind.TRANSFER) else None
    return services.disposition_propose(actor=actor, report=report, kind=kind, reason=params["reason"], body=body, request=request)


register(BulkAction("labels", "确认问题类别（按系统建议）", _labels))
register(BulkAction("scope", "确认受理范围", _scope, _scope_check))
register(BulkAction("disposition", "提出处置意见", _disposition, _disposition_check))
