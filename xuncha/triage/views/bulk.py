"""The workbench's bulk actions: the ticked reports, an action, a confirmation page, then the action
applied report by report (xuncha.triage.bulk) and the outcome said in Chinese; the queue comes back with
its filters and the same reports still ticked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Invalid
from xuncha.intake.models import ReplyExemption, Report
from xuncha.intake.selectors import intake_inspection_get
from xuncha.web import attach_error

from ..bulk import ACTIONS, MAX_SELECTED, reports_bulk
from ..forms import BulkForm
from ..models import DispositionKind, Scope
from ..selectors import first_line, queue_rows
from .reports import bulk_actions, render_queue


def _back(pk: int, query: str, ids: list[int]) -> str:
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    params.setlist("selected", [str(i) for i in ids])
    return f"{reverse('triage:queue', args=[pk])}?{params.urlencode()}"


def _details(form: BulkForm) -> list[str]:
    """What the action will record, in the words of the forms."""
    d, code = form.cleaned_data, form.cleaned_data["action"]
    out = []
    if code == "scope":
        out.append(f"受理范围：{dict(Scope.choices)[d['scope']]}")
    if code == "disposition":
        out.append(f"处置方式：{dict(DispositionKind.choices)[d['kind']]}" + (f"（{d['body']}）" if d.get("body") else ""))
    if code == "no_reply":
        out.append(f"无需答复原因：{dict(ReplyExemption.choices)[d['exempt']]}")
    if d.get("reason"):
        out.append(f"理由或说明：{d['reason']}")
    if code == "labels":
        out.append("按各件当前的分类建议确认问题类别（需要改动的，请到各件的研判页逐件确认）。")
    return out


@login_required
@require_POST
def bulk(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    form = BulkForm(request.POST, actions=bulk_actions())
    query = request.POST.get("query", "")[:1000]
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    problems: list[str] = []
    if form.is_valid():
        if not ids:
            problems.append("请先勾选要处理的信访件。")
        elif len(ids) > MAX_SELECTED:
            problems.append(f"一次最多处理 {MAX_SELECTED} 件，请分批操作。")
        problems += ACTIONS[form.cleaned_data["action"]].check(form.params())
        if problems:
            attach_error(form, Invalid(problems))
    if not form.is_valid():
        return render_queue(request, inspection, QueryDict(query), selected=set(ids), bulk_form=form, status=400)
    action = ACTIONS[form.cleaned_data["action"]]
    if not form.cleaned_data["confirmed"]:
        # Show what will be done to which reports (only those of this inspection the user may see are listed).
        reports: list[Any] = list(queue_rows(Report.objects.filter(inspection=inspection, pk__in=ids)).order_by("-received_at", "-id"))
        for r in reports:
            r.excerpt = first_line(r.excerpt_head)
        return render(request, "triage/bulk_confirm.html", {
            "inspection": inspection, "form": form, "action": action, "reports": reports, "ids": ids,
            "missing": len(ids) - len(reports), "back": _back(pk, query, ids), "details": _details(form),
            "hidden": [(k, request.POST.get(k, "")) for k in ("action", "scope", "kind", "body", "exempt", "reason", "query")]})
    result = reports_bulk(actor=request.user, inspection=inspection, report_ids=ids, action=action.code,
                          params=form.params(), request=request)
    (messages.warning if result.refused else messages.success)(request, result.message)
    return redirect(_back(pk, query, ids))
