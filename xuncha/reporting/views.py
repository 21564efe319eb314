"""Pages of reporting: an inspection's reports (draft the 巡察报告, or a 专题报告 on chosen findings), one report
(its latest text, versions, differences, the trail, the step's decision form, the .docx), editing a version,
and the two feedback sessions (双反馈) with their documents.

The office and the inspection's team only; everyone else gets a 404. Downloads are audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.web import attachment, form_submit

from . import services
from .access import can_decide, can_draft, is_leader, report_inspection_get
from .forms import ActionForm, DecisionForm, MeetingForm, SpecialForm, VersionForm
from .models import Audience, InspectionReport, ReportKind, ReportState, Step
from .selectors import (
    approved_findings,
    feedback_of,
    main_report_get,
    meeting_get,
    meetings_of,
    report_get,
    reports_of,
    steps_of,
    version_diff,
    versions_of,
)


def _after(request: AuthedRequest, form: ActionForm, report: InspectionReport, ok: str) -> HttpResponse:
    """After a button's POST: the message (or the service's refusal) is shown on the report's page."""
    if form.errors:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, ok)
    return redirect("reporting:detail", pk=report.pk)


# --- the reports of an inspection -------------------------------------------------------------------------

@login_required
def report_list(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = report_inspection_get(user=request.user, pk=pk)
    team = can_draft(request.user, inspection)
    findings = approved_findings(inspection) if team else []
    special = SpecialForm(request.POST or None, findings=findings)
    status = 200
    if request.method == "POST":
        if not team:
            raise NotFound
        kind = request.POST.get("kind", "")
        if kind == ReportKind.SPECIAL:
            done = form_submit(special, lambda d: services.report_create(
                actor=request.user, inspection=inspection, kind=ReportKind.SPECIAL, topic=d["topic"],
                findings=list(d["findings"]), request=request))
        else:
            action = ActionForm(request.POST)
            done = form_submit(action, lambda d: services.report_create(
                actor=request.user, inspection=inspection, kind=ReportKind.COMPREHENSIVE, request=request))
            for error in action.non_field_errors():
                messages.error(request, str(error))
            if done is None:
                return redirect("reporting:list", pk=inspection.pk)
        if done is not None:
            messages.success(request, f"已生成{done.get_kind_display()}初稿（第1版）。")
            return redirect("reporting:detail", pk=done.pk)
        status = 400
    reports = reports_of(user=request.user, inspection=inspection).order_by("number")
    state = request.GET.get("state", "")
    # ?state= lists the reports of one state (the to-do lines link here)
    rows = list(reports.filter(state=state) if state in ReportState.values else reports)
    return render(request, "reporting/list.html", {
        "inspection": inspection, "rows": rows, "team": team, "approved": findings, "state": state,
        "has_main": reports.filter(kind=ReportKind.COMPREHENSIVE).exists(), "special_form": special,
    }, status=status)


@login_required
def report_detail(request: AuthedRequest, pk: int, decision_form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    inspection = report.inspection
    versions = versions_of(report)
    pending = services.PENDING_STEP.get(ReportState(report.state))
    decides = pending is not None and can_decide(request.user, inspection, pending)
    if decides and decision_form is None:
        decision_form = DecisionForm(initial={"step": pending})
    return render(request, "reporting/detail.html", {
        "inspection": inspection, "report": report, "versions": versions, "latest": versions[-1],
        "steps": steps_of(report), "pending": pending,
        # a refused decision is shown with its message, even when the step has moved on meanwhile
        "decision_form": decision_form if decides or (decision_form is not None and decision_form.errors) else None,
        "team": can_draft(request.user, inspection), "editable": report.state in services.EDITABLE,
        "is_leading_group": pending == Step.LEADING_GROUP,
    }, status=status)


@login_required
@require_POST
def report_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    done = form_submit(form, lambda d: services.report_decide(
        actor=request.user, report=report, request=request, data=services.DecisionData(
            step=d["step"], decision=d["decision"], opinion=d["opinion"], minutes=d["minutes"], meeting_on=d["meeting_on"])))
    if done is None:
        return report_detail(request, pk, decision_form=form, status=400)
    messages.success(request, f"已登记审核意见，报告{done.get_state_display()}。")
    return redirect("reporting:detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    if not can_draft(request.user, report.inspection):
        raise NotFound
    form = ActionForm(request.POST)
    form_submit(form, lambda d: services.report_submit(actor=request.user, report=report, request=request))
    return _after(request, form, report, "已提交组务会审议。")


@login_required
@require_POST
def report_regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    if not can_draft(request.user, report.inspection):
        raise NotFound
    form = ActionForm(request.POST)
    done = form_submit(form, lambda d: services.report_regenerate(actor=request.user, report=report, request=request))
    return _after(request, form, report, f"已按最新数据重新生成（第{done.number}版）。" if done else "")


@login_required
def report_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    if not can_draft(request.user, report.inspection):
        raise NotFound
    latest = versions_of(report)[-1]
    form = VersionForm(request.POST or None, initial={"text": latest.text})
    status = 200
    if request.method == "POST":
        done = form_submit(form, lambda d: services.report_revise(actor=request.user, report=report, text=d["text"],
                                                                   note=d["note"], request=request))
        if done is not None:
            messages.success(request, f"已保存为第{done.number}版。")
            return redirect("reporting:detail", pk=report.pk)
        status = 400
    return render(request, "reporting/edit.html", {"report": report, "inspection": report.inspection, "form": form,
                                                   "latest": latest, "editable": report.state in services.EDITABLE},
                  status=status)


def _number(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else default


@login_required
def report_diff(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    versions = {v.number: v for v in versions_of(report)}
    last = max(versions)
    new = versions.get(_number(request.GET.get("b"), last))
    old = versions.get(_number(request.GET.get("a"), max(1, last - 1)))
    if old is None or new is None:
        raise NotFound
    return render(request, "reporting/diff.html", {"report": report, "inspection": report.inspection, "old": old, "new": new,
                                                   "lines": version_diff(old, new), "versions": list(versions.values())})


@login_required
def report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    content = services.report_docx_export(actor=request.user, report=report, request=request)
    return attachment(content, documents.DOCX, f"{report.get_kind_display()}-{report.inspection.target.name}.docx")


# --- the feedback sessions (双反馈) -------------------------------------------------------------------------

@login_required
def feedback_meetings(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = report_inspection_get(user=request.user, pk=pk)
    leader = is_leader(request.user, inspection)
    meetings = meetings_of(inspection)
    posted = next((a for a in Audience.values if f"{a}-audience" in request.POST), None) if request.method == "POST" else None
    forms = {}
    for audience in Audience:
        current = meetings.get(audience.value)
        initial = ({"audience": audience.value, "held_on": current.held_on, "place": current.place, "host": current.host,
                    "attendees": current.attendees, "notes": current.notes} if current else {"audience": audience.value})
        forms[audience.value] = MeetingForm(request.POST if posted == audience.value else None, initial=initial,
                                            prefix=audience.value)
    status = 200
    if request.method == "POST":
        if not leader:
            raise NotFound
        form = forms.get(posted or "")
        if form is None:
            return redirect("reporting:feedback", pk=inspection.pk)
        done = form_submit(form, lambda d: services.feedback_meeting_record(
            actor=request.user, inspection=inspection, request=request, data=services.MeetingData(
                audience=d["audience"], held_on=d["held_on"], place=d["place"], host=d["host"], attendees=d["attendees"],
                notes=d["notes"])))
        if done is not None:
            messages.success(request, f"已登记反馈会（{done.get_audience_display()}）。")
            return redirect("reporting:feedback", pk=inspection.pk)
        status = 400
    try:
        report = main_report_get(user=request.user, inspection=inspection)
    except NotFound:
        report = None
    sessions = [(a, meetings.get(a.value), forms[a.value]) for a in Audience]
    return render(request, "reporting/feedback.html", {
        "inspection": inspection, "report": report, "approved": report is not None and report.state == ReportState.APPROVED,
        "sessions": sessions, "leader": leader, "feedback": feedback_of(inspection),
    }, status=status)


@login_required
def feedback_meeting_docx(request: AuthedRequest, pk: int, audience: str) -> HttpResponse:
    inspection = report_inspection_get(user=request.user, pk=pk)
    meeting = meeting_get(user=request.user, inspection=inspection, audience=audience)
    content = services.feedback_docx_export(actor=request.user, meeting=meeting, request=request)
    return attachment(content, documents.DOCX, f"反馈意见（{meeting.get_audience_display()}）-{inspection.target.name}.docx")
