"""Staff pages of triage: the team's work queue, a report's triage page (classification with its
evidence, subjects, scope, duplicates, disposition), the leader's approvals, duplicate groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINE_LABELS, focus_labels
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report, ReportStatus
from xuncha.intake.selectors import intake_inspection_get, report_get
from xuncha.paging import paginate
from xuncha.web import form_submit

from .. import services
from ..bulk import ACTIONS
from ..forms import BulkForm, DecisionForm, DispositionForm, LabelsForm, QueueFilterForm, ScopeForm, SubjectsForm
from ..highlight import LABELS, highlight
from ..models import Clue, Disposition, DispositionKind, DuplicateGroup, Referral, Scope, Triage
from ..selectors import (
    QueueFilters,
    disposition_get,
    dispositions_pending,
    first_line,
    group_get,
    group_list,
    groups_for,
    queue,
    queue_neighbours,
    queue_rows,
)


@login_required
def queue_page(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    selected = {int(v) for v in request.GET.getlist("selected") if v.isdigit()}
    return render_queue(request, inspection, request.GET, selected=selected)


def render_queue(request: AuthedRequest, inspection: Inspection, params: Any, *, selected: set[int],
                 bulk_form: BulkForm | None = None, status: int = 200) -> HttpResponse:
    """The queue filtered by `params` (the GET query), with the ticked reports `selected` and the bulk form."""
    filters = QueueFilters.from_query(params)
    # The total is not counted with every page (at a million reports the capped count cost more than the
    # page): a full page says "more than N"; the capped count is a separate request (?count=1).
    page = paginate(queue(user=request.user, inspection=inspection, filters=filters), params.get("page"),
                    count=params.get("count") == "1", wide=queue_rows)
    groups = groups_for(page.items)
    for report in page.items:
        t = getattr(report, "triage", None)
        report.group = groups.get(t.group_key) if t is not None and t.group_key is not None else None
        report.excerpt = first_line(report.excerpt_head)
    audit_record(actor=request.user, action="report.list", obj=inspection, request=request,
                 summary=f"查看研判工作台：{inspection}（第{page.number}页）",
                 data={k: v for k, v in vars(filters).items() if v and k != "sort"})
    query = urlencode({k: v for k, v in vars(filters).items() if v})
    filter_params = {k: v for k, v in params.items() if k in QueueFilters.__dataclass_fields__}
    return render(request, "triage/queue.html", {
        "inspection": inspection, "page": page, "form": QueueFilterForm(filter_params or None), "filters": filters,
        "query": query, "group": group_get(user=request.user, key=int(filters.group)) if filters.group.isdigit() else None,
        "pending": dispositions_pending(user=request.user, inspection=inspection).count(), "selected": selected,
        "bulk_form": bulk_form or BulkForm(initial={"query": query}, actions=bulk_actions()),
        "filtered": any(v for k, v in vars(filters).items() if k != "sort"),
    }, status=status)


def bulk_actions() -> list[tuple[str, str]]:
    return [(code, action.label) for code, action in ACTIONS.items()]


def _context(request: AuthedRequest, report: Report, **forms: Any) -> dict[str, Any]:
    triage = services.triage_for(report)
    group = DuplicateGroup.objects.filter(key=triage.group_key).first() if triage.group_key is not None else None
    members = []
    if group is not None:
        members = list(Report.objects.filter(triage__inspection_id=report.inspection_id, triage__group_key=group.key)
                       .exclude(pk=report.pk).order_by("received_at", "pk")[:50])
    effective = {"disciplines": triage.discipline_codes, "focuses": triage.focus_codes}
    dispositions = list(report.dispositions.select_related("body", "proposed_by", "decided_by"))
    pending = next((d for d in dispositions if d.state == Disposition.State.PROPOSED), None)
    subjects = [{"pk": s.pk, "name": s.name, "post": s.post, "category": s.category} for s in report.subjects.all()]
    wording = report.inspection.round.focus_wording
    focus_names = focus_labels(wording)
    return {
        "report": report, "triage": triage, "content": highlight(report.content), "labels": LABELS,
        "proposal": [(kind, e, (DISCIPLINE_LABELS if kind == "disciplines" else focus_names)[e["code"]])
                     for kind in ("disciplines", "focuses") for e in triage.proposal.get(kind, [])],
        "labels_form": forms.get("labels_form") or LabelsForm(initial=effective, focus_wording=wording),
        "subjects_form": forms.get("subjects_form") or SubjectsForm(initial=subjects),
        "scope_form": forms.get("scope_form") or ScopeForm(initial={
            "scope": triage.scope if triage.scope != Scope.PENDING else "", "reason": triage.scope_reason}),
        "disposition_form": forms.get("disposition_form") or DispositionForm(initial=_suggested(report, triage)),
        "decision_form": forms.get("decision_form") or DecisionForm(), "group": group, "members": members,
        "dispositions": dispositions, "pending": pending, "is_leader": services.is_team_leader(request.user, report),
        "handovers": [*Referral.objects.filter(report=report).select_related("body"),
                      *Clue.objects.filter(report=report).select_related("body", "batch")],
        "can_dispose": report.status not in services.FINAL_STATUSES and pending is None,
    }


def _suggested(report: Report, triage: Triage) -> dict[str, Any]:
    """The disposition the proposal points to (the team changes it freely)."""
    if triage.repeat_of_answered_id:
        return {"kind": DispositionKind.CLOSE, "reason": "重复件：同一事项已答复，不再重复答复。"}
    if triage.scope == Scope.IN and report.status == ReportStatus.REGISTERED:
        return {"kind": DispositionKind.ACCEPT, "reason": triage.scope_reason}
    if triage.scope in (Scope.OUT, Scope.OUT_OF_WINDOW):
        return {"kind": DispositionKind.REFER, "reason": triage.scope_reason}
    return {}


def _refused(request: AuthedRequest, report: Report, **forms: Any) -> HttpResponse:
    """The report's page again, the refused form showing why and what was typed."""
    return render(request, "triage/report.html", _context(request, report, **forms), status=400)


def _done(request: AuthedRequest, report: Report, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("triage:report", pk=report.pk)


@login_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    audit_record(actor=request.user, action="report.view", obj=obj, request=request, summary=f"研判信访件 {obj.reference}")
    # Previous / next in the queue the user came from: its filters travel in the query string.
    filters = QueueFilters.from_query(request.GET)
    query = urlencode({k: v for k, v in vars(filters).items() if v and filters.is_valid_value(k)})
    previous, following = queue_neighbours(user=request.user, report=obj, filters=filters)
    return render(request, "triage/report.html", {
        **_context(request, obj), "query": query, "previous": previous, "following": following})


@login_required
@require_POST
def labels(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = LabelsForm(request.POST, focus_wording=obj.inspection.round.focus_wording)
    if form_submit(form, lambda d: services.labels_confirm(actor=request.user, report=obj, disciplines=d["disciplines"],
                                                           focuses=d["focuses"], request=request)):
        return _done(request, obj, "问题类别已确认。")
    return _refused(request, obj, labels_form=form)


@login_required
@require_POST
def subjects(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = SubjectsForm(request.POST)
    if form_submit(form, lambda d: services.subjects_update(actor=request.user, report=obj, request=request, changes=[
            services.SubjectChange(pk=row.get("pk"), name=row["name"], post=row.get("post", ""), category=row["category"])
            for row in d["rows"]])):
        return _done(request, obj, "被反映人信息已保存，受理范围建议已更新。")
    return _refused(request, obj, subjects_form=form)


@login_required
@require_POST
def scope(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = ScopeForm(request.POST)
    if form_submit(form, lambda d: services.scope_confirm(actor=request.user, report=obj, scope=d["scope"],
                                                          reason=d["reason"], request=request)):
        return _done(request, obj, "受理范围已确认。")
    return _refused(request, obj, scope_form=form)


@login_required
@require_POST
def disposition(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = DispositionForm(request.POST)
    d = form_submit(form, lambda data: services.disposition_propose(
        actor=request.user, report=obj, kind=data["kind"], reason=data["reason"], body=data.get("body"),
        approve=data.get("approve", False), request=request))
    if d is not None:
        done = "已批准" if d.state == Disposition.State.APPROVED else "已提交组长审批"
        return _done(request, obj, f"处置意见（{d.get_kind_display()}）{done}。")
    return _refused(request, obj, disposition_form=form)


@login_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """The leader's decision (from the report's page or the approvals list); the rest of the team gets a 404."""
    pending = disposition_get(user=request.user, pk=pk, purpose=Purpose.APPROVE)
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    if form_submit(form, lambda d: services.disposition_decide(actor=request.user, disposition=pending, approve=approve,
                                                               note=d["note"], request=request)):
        messages.success(request, "已批准。" if approve else "已退回。")
        if request.POST.get("next") == "approvals":
            return redirect("triage:approvals", pk=pending.report.inspection_id)
        return redirect("triage:report", pk=pending.report_id)
    return _refused(request, report_get(user=request.user, pk=pending.report_id), decision_form=form)


@login_required
def approvals(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    pending = list(dispositions_pending(user=request.user, inspection=inspection))
    is_leader = allows(request.user, Kind.CASE, Purpose.APPROVE, inspection)
    return render(request, "triage/approvals.html", {"inspection": inspection, "pending": pending, "is_leader": is_leader})


@login_required
def groups(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    page = paginate(group_list(user=request.user, inspection=inspection), request.GET.get("page"))
    return render(request, "triage/groups.html", {"inspection": inspection, "page": page})


@login_required
def group_detail(request: AuthedRequest, key: int) -> HttpResponse:
    group = group_get(user=request.user, key=key)
    queue_url = reverse("triage:queue", args=[group.inspection_id])
    return redirect(f"{queue_url}?{urlencode({'group': str(group.key), 'sort': 'old'})}")
