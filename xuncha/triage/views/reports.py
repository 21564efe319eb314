"""Staff pages of triage: the team's work queue, a report's triage page (classification with its
evidence, subjects, scope, duplicates, disposition), the leader's approvals, duplicate groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from xuncha.access import Kind, Purpose, allows
from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.intake.models import Report, ReportStatus
from xuncha.intake.selectors import intake_inspection_get, report_get
from xuncha.paging import paginate
from xuncha.web import form_submit

from . import services, services_disposition
from .forms import DecisionForm, DispositionForm, LabelsForm, QueueFilterForm, ScopeForm, SubjectFormSet
from .highlight import LABELS, highlight
from .models import Clue, Disposition, DispositionKind, DuplicateGroup, Referral, Scope, Triage
from .selectors import QueueFilters, dispositions_pending, group_get, group_list, groups_for, queue, queue_rows


@login_required
def queue_page(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    filters = QueueFilters.from_query(request.GET)
    page = paginate(queue_rows(queue(user=request.user, inspection=inspection, filters=filters)), request.GET.get("page"))
    groups = groups_for(page.items)
    for report in page.items:
        t = getattr(report, "triage", None)
        report.group = groups.get(t.group_key) if t is not None and t.group_key is not None else None
    with transaction.atomic():
        audit_record(actor=request.user, action="report.list", obj=inspection, request=request,
                     summary=f"查看研判工作台：{inspection}（第{page.number}页）",
                     data={k: v for k, v in vars(filters).items() if v and k != "sort"})
    query = {k: v for k, v in vars(filters).items() if v}
    return render(request, "triage/queue.html", {
        "inspection": inspection, "page": page, "form": QueueFilterForm(request.GET or None), "filters": filters,
        "query": urlencode(query), "group": group_get(user=request.user, key=int(filters.group)) if filters.group.isdigit() else None,
        "pending": dispositions_pending(user=request.user, inspection=inspection).count(),
    })


def _context(request: HttpRequest, report: Report, **forms: Any) -> dict[str, Any]:
    triage = services.triage_for(report)
    group = DuplicateGroup.objects.filter(key=triage.group_key).first() if triage.group_key is not None else None
    members = []
    if group is not None:
        members = list(Report.objects.filter(triage__inspection_id=report.inspection_id, triage__group_key=group.key)
                       .exclude(pk=report.pk).order_by("received_at", "pk")[:50])
    effective = {"disciplines": triage.discipline_codes, "focuses": triage.focus_codes}
    dispositions = list(report.dispositions.select_related("body", "proposed_by", "decided_by"))
    pending = next((d for d in dispositions if d.state == Disposition.State.PROPOSED), None)
    is_leader = services_disposition.is_team_leader(request.user, report)
    subjects = [{"pk": s.pk, "name": s.name, "post": s.post, "category": s.category} for s in report.subjects.all()]
    return {
        "report": report, "triage": triage, "content": highlight(report.content), "labels": LABELS,
        "proposal": [(kind, e, (DISCIPLINE_LABELS if kind == "disciplines" else FOCUS_LABELS)[e["code"]])
                     for kind in ("disciplines", "focuses") for e in triage.proposal.get(kind, [])],
        "labels_form": forms.get("labels_form") or LabelsForm(initial=effective),
        "subjects_formset": forms.get("subjects_formset") or SubjectFormSet(prefix="subjects", initial=subjects),
        "scope_form": forms.get("scope_form") or ScopeForm(initial={
            "scope": triage.scope if triage.scope != Scope.PENDING else "", "reason": triage.scope_reason}),
        "disposition_form": forms.get("disposition_form") or DispositionForm(initial=_suggested(report, triage)),
        "decision_form": DecisionForm(), "group": group, "members": members, "dispositions": dispositions,
        "pending": pending, "is_leader": is_leader,
        "handovers": [*Referral.objects.filter(report=report).select_related("body"),
                      *Clue.objects.filter(report=report).select_related("body", "batch")],
        "can_dispose": report.status not in services_disposition.FINAL_STATUSES and pending is None,
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


def _render(request: HttpRequest, report: Report, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "triage/report.html", _context(request, report, **forms), status=status)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="report.view", obj=obj, request=request, summary=f"研判信访件 {obj.reference}")
    return _render(request, obj)


def _done(request: HttpRequest, report: Report, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("triage:report", pk=report.pk)


@login_required
@require_POST
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = LabelsForm(request.POST)
    if form_submit(form, lambda d: services.labels_confirm(actor=request.user, report=obj, disciplines=d["disciplines"],
                                                           focuses=d["focuses"], request=request)):
        return _done(request, obj, "问题类别已确认。")
    return _render(request, obj, status=400, labels_form=form)


@login_required
@require_POST
def subjects(request: HttpRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    formset = SubjectFormSet(request.POST, prefix="subjects")
    if formset.is_valid():
        changes = [services.SubjectChange(pk=f.cleaned_data.get("pk"), name=f.cleaned_data["name"],
                                          post=f.cleaned_data.get("post", ""), category=f.cleaned_data["category"])
                   for f in formset.forms if f.cleaned_data.get("name")]
        try:
            services.subjects_update(actor=request.user, report=obj, changes=changes, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return _render(request, obj, status=400, subjects_formset=formset)
        return _done(request, obj, "被反映人信息已保存，受理范围建议已更新。")
    return _render(request, obj, status=400, subjects_formset=formset)


@login_required
@require_POST
def scope(request: HttpRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = ScopeForm(request.POST)
    if form_submit(form, lambda d: services.scope_confirm(actor=request.user, report=obj, scope=d["scope"],
                                                          reason=d["reason"], request=request)):
        return _done(request, obj, "受理范围已确认。")
    return _render(request, obj, status=400, scope_form=form)


@login_required
@require_POST
def disposition(request: HttpRequest, pk: int) -> HttpResponse:
    obj = report_get(user=request.user, pk=pk)
    form = DispositionForm(request.POST)
    d = form_submit(form, lambda data: services_disposition.disposition_propose(
        actor=request.user, report=obj, kind=data["kind"], reason=data["reason"], body=data.get("body"),
        approve=data.get("approve", False), request=request))
    if d is not None:
        done = "已批准" if d.state == Disposition.State.APPROVED else "已提交组长审批"
        return _done(request, obj, f"处置意见（{d.get_kind_display()}）{done}。")
    return _render(request, obj, status=400, disposition_form=form)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    d = Disposition.objects.filter(pk=pk).first()
    if d is None:
        raise Http404
    obj = report_get(user=request.user, pk=d.report_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services_disposition.disposition_decide(actor=request.user, disposition=d, approve=approve,
                                                note=request.POST.get("note", ""), request=request)
    except PermissionError:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已批准。" if approve else "已退回。")
    if request.POST.get("next") == "approvals":
        return redirect("triage:approvals", pk=obj.inspection_id)
    return redirect("triage:report", pk=obj.pk)


@login_required
def approvals(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    pending = list(dispositions_pending(user=request.user, inspection=inspection))
    is_leader = allows(request.user, Kind.CASE, Purpose.APPROVE, inspection)
    return render(request, "triage/approvals.html", {"inspection": inspection, "pending": pending, "is_leader": is_leader})


@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    page = paginate(group_list(user=request.user, inspection=inspection), request.GET.get("page"))
    return render(request, "triage/groups.html", {"inspection": inspection, "page": page})


@login_required
def group_detail(request: HttpRequest, key: int) -> HttpResponse:
    group = group_get(user=request.user, key=key)
    return redirect(f"{_queue_url(group.inspection_id)}?{urlencode({'group': str(group.key), 'sort': 'old'})}")


def _queue_url(inspection_id: int) -> str:
    from django.urls import reverse

    return reverse("triage:queue", args=[inspection_id])
