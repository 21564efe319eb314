"""Team pages of findings (问题底稿): per inspection the findings with their form, and a finding's page
(submit, approve, return). The inspection's team only; everyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.fieldwork.evidence import kind_labels
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.web import form_submit

from .. import services
from ..access import is_team_leader, team_inspection_get
from ..evidence_reads import citable_documents, citable_records, evidence_rows, open_leads, review_trail
from ..forms import DecisionForm, FindingForm, SubmitForm
from ..models import Finding
from ..selectors import (
    attachments_of,
    finding_attachments,
    finding_get,
    finding_list,
    finding_reports,
    notice_candidates,
    report_attachments,
    reports_by_reference,
    team_notices,
)
from .common import act, user_of


def _labels(finding: Finding) -> Finding:
    row: Any = finding  # attributes for the templates only
    row.discipline_labels = [DISCIPLINE_LABELS[c] for c in finding.disciplines if c in DISCIPLINE_LABELS]
    return finding


@login_required
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_inspection_get(user=user, pk=pk)
    qs = finding_list(user=user, inspection=inspection)
    # The to-do lines open this list filtered: ?state=submitted (to approve), ?state=returned&mine=1 (mine, returned).
    state = request.GET.get("state", "")
    state = state if state in Finding.State.values else ""
    mine = request.GET.get("mine") == "1"
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(created_by=user)
    rows = [_labels(f) for f in qs]
    services.findings_viewed(actor=user, inspection=inspection, request=request)
    return render(request, "rectification/findings.html", {
        "inspection": inspection, "deputy_step": services.deputy_step_on(inspection), "findings": rows, "is_leader": is_team_leader(user, inspection),
        "state_label": Finding.State(state).label if state else "", "mine": mine, "filtered": bool(state or mine),
        "candidates": notice_candidates(user=user, inspection=inspection).count(),
        "notices": team_notices(user=user, inspection=inspection).count(),
    })


def _finding_form(request: HttpRequest, inspection: Inspection, finding: Finding | None) -> HttpResponse:
    user = user_of(request)
    reports: list[Report] = []
    selected: set[int] = set()
    if request.method == "POST":
        form = FindingForm(request.POST)
        selected = {int(v) for v in request.POST.getlist("attachments") if v.isdigit()}
        if form.is_valid():
            reports, unknown = reports_by_reference(user=user, inspection=inspection, text=form.cleaned_data["reports"])
            if unknown:
                form.add_error("reports", f"未找到本巡察任务的信访件：{'、'.join(unknown)}")

        def save(d: dict[str, Any]) -> Finding:
            data = services.FindingData(
                title=d["title"], facts=d["facts"], rule_broken=d["rule_broken"], focus=d["focus"],
                disciplines=d["disciplines"], reports=reports, interview_notes=d["interview_notes"],
                attachments=report_attachments(user=user, inspection=inspection, ids=selected))
            if finding is None:
                return services.finding_create(actor=user, inspection=inspection, data=data, request=request)
            return services.finding_update(actor=user, finding=finding, data=data, request=request)

        saved = form_submit(form, save)
        if saved is not None:
            messages.success(request, f"问题底稿（问题{saved.number}）已保存。")
            return redirect("rectification:finding", pk=saved.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        if finding is not None:
            reports = finding_reports(finding)
            selected = {a.pk for a in finding_attachments(finding)}
            initial = {f: getattr(finding, f) for f in ("title", "facts", "rule_broken", "focus", "disciplines", "interview_notes")}
            initial["reports"] = "、".join(r.reference for r in reports)
        form, status = FindingForm(initial=initial), 200
    return render(request, "rectification/findings_form.html", {
        "inspection": inspection, "finding": finding, "form": form,
        "attachment_choices": list(attachments_of(reports)) if reports else [], "selected": selected,
    }, status=status)


@login_required
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_form(request, team_inspection_get(user=user_of(request), pk=pk), None)


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_get(user=user_of(request), pk=pk)
    if finding.state not in services.EDITABLE_FINDING:
        messages.error(request, f"问题底稿{finding.get_state_display()}，不能修改。")
        return redirect("rectification:finding", pk=finding.pk)
    return _finding_form(request, finding.inspection, finding)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = _labels(finding_get(user=user, pk=pk))
    reports = finding_reports(finding)
    services.finding_viewed(actor=user, finding=finding, request=request)
    return render(request, "rectification/findings_detail.html", {
        "finding": finding, "inspection": finding.inspection, "reports": reports,
        "attachments": finding_attachments(finding), "focus_label": FOCUS_LABELS.get(finding.focus, ""),
        "is_leader": is_team_leader(user, finding.inspection), "editable": finding.state in services.EDITABLE_FINDING,
        "notices": list(finding.notices.all()),
        "evidence": evidence_rows(user=user, finding=finding), "reviews": review_trail(finding),
        "kind_labels": sorted(kind_labels().items()), "documents": list(citable_documents(finding.inspection)),
        "records": citable_records(finding.inspection),
        "merged_leads": list(finding.leads.order_by("number")), "open_leads": list(open_leads(finding.inspection)),
        "locked": finding.state == Finding.State.APPROVED,
    })


@login_required
@require_POST
def finding_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    act(request, SubmitForm(request.POST),
        lambda d: services.finding_submit(actor=user, finding=finding, opinion=d["opinion"], request=request),
        lambda f: "已提交副组长审核。" if f.state == Finding.State.DEPUTY else "已提交组长审定。")
    return redirect("rectification:finding", pk=finding.pk)


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    act(request, DecisionForm(request.POST),
        lambda d: services.finding_decide(actor=user, finding=finding, approve=d["decision"] == "approve", note=d["note"],
                                          request=request),
        lambda f: {Finding.State.APPROVED: "问题底稿已审定。", Finding.State.SUBMITTED: "已审核同意，报组长审定。"}.get(
            Finding.State(f.state), "问题底稿已退回。"))
    return redirect("rectification:finding", pk=finding.pk)
