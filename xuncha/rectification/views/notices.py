"""Team pages of immediate rectification (立行立改): the candidates for a notice, the notices, a notice's
form and page (issue, .docx, answers with evidence, accept or return).

Candidates and drafting: the inspection's team only. Notices: the team, and the office reading.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xuncha.errors import NotFound
from xuncha.inspections.selectors_offices import office_limit
from xuncha.intake.models import Report
from xuncha.paging import paginate
from xuncha.triage.models import DuplicateGroup
from xuncha.web import form_submit

from .. import services
from ..access import is_team, is_team_leader, team_inspection_get
from ..forms import ActionForm, DecisionForm, NoticeForm
from ..models import ImmediateNotice
from ..selectors import (
    candidate_group_get,
    notice_answers,
    notice_candidates,
    notice_evidence_get,
    notice_group,
    notice_reports,
    reports_by_reference,
    team_notice_get,
    team_notice_inspection_get,
    team_notices,
)
from .common import act, evidence_response, notice_docx_response, user_of


@login_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_inspection_get(user=user, pk=pk)
    page = paginate(notice_candidates(user=user, inspection=inspection), request.GET.get("page"))
    services.candidates_viewed(actor=user, inspection=inspection, page=page.number, request=request)
    return render(request, "rectification/notice_candidates.html", {"inspection": inspection, "page": page, "query": ""})


@login_required
def notices(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_notice_inspection_get(user=user, pk=pk)
    rows = list(team_notices(user=user, inspection=inspection))
    return render(request, "rectification/notices.html", {
        "inspection": inspection, "notices": rows, "is_team": is_team(user, inspection)})


@login_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_inspection_get(user=user, pk=pk)
    key = (request.POST if request.method == "POST" else request.GET).get("group", "")
    group: DuplicateGroup | None = None
    if key:
        if not key.isdigit():
            raise NotFound
        group = candidate_group_get(user=user, inspection=inspection, key=int(key))
    if request.method == "POST":
        form = NoticeForm(request.POST, inspection=inspection)
        reports: list[Report] = []
        if form.is_valid() and group is None:
            reports, unknown = reports_by_reference(user=user, inspection=inspection, text=form.cleaned_data["reports"])
            if unknown:
                form.add_error("reports", f"未找到本巡察任务的信访件：{'、'.join(unknown)}")
        notice = form_submit(form, lambda d: services.notice_create(
            actor=user, inspection=inspection, data=form.notice_data(), group_key=group.key if group else None,
            reports=reports, finding=d.get("finding"), request=request))
        if notice is not None:
            messages.success(request, f"已起草立行立改通知第{notice.number}号，待组长签发。")
            return redirect("rectification:notice", pk=notice.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"deadline_days": office_limit(inspection.office_id, "notice_default_working_days")}
        if group is not None:
            # A neutral opening only: the reports' own words may identify their authors, and this text goes to the target.
            initial["problem"] = f"巡察期间，多名干部群众（{group.reporters}人，{group.channels}个渠道）反映："
        form, status = NoticeForm(initial=initial, inspection=inspection), 200
    return render(request, "rectification/notice_form.html", {"inspection": inspection, "form": form, "group": group,
                                                               "notice": None}, status=status)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = team_notice_get(user=user, pk=pk)
    inspection = team_inspection_get(user=user, pk=notice.inspection_id)
    if request.method == "POST":
        form = NoticeForm(request.POST, inspection=inspection)
        saved = form_submit(form, lambda d: services.notice_update(actor=user, notice=notice, data=form.notice_data(),
                                                                   finding=d.get("finding"), request=request))
        if saved is not None:
            messages.success(request, "通知已保存。")
            return redirect("rectification:notice", pk=notice.pk)
        status = 400
    else:
        form = NoticeForm(initial={f: getattr(notice, f) for f in ("title", "problem", "suggestion", "clear_violation",
                                                                   "fixable", "deadline_days", "finding")},
                          inspection=inspection)
        status = 200
    return render(request, "rectification/notice_form.html", {"inspection": inspection, "form": form, "group": None,
                                                               "notice": notice}, status=status)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = team_notice_get(user=user, pk=pk)
    team = is_team(user, notice.inspection)
    return render(request, "rectification/notice_detail.html", {
        "notice": notice, "inspection": notice.inspection, "is_team": team,
        "is_leader": team and is_team_leader(user, notice.inspection), "answers": notice_answers(notice),
        "reports": notice_reports(notice) if team else [], "group": notice_group(notice) if team else None,
    })


def _issued(notice: ImmediateNotice) -> str:
    return f"已签发立行立改通知第{notice.number}号，整改期限 {notice.due_on:%Y-%m-%d}。"


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = team_notice_get(user=user, pk=pk)
    act(request, ActionForm(request.POST), lambda _d: services.notice_issue(actor=user, notice=notice, request=request), _issued)
    return redirect("rectification:notice", pk=notice.pk)


@login_required
@require_POST
def notice_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = team_notice_get(user=user, pk=pk)
    act(request, DecisionForm(request.POST),
        lambda d: services.notice_decide(actor=user, notice=notice, accept=d["decision"] == "accept", note=d["note"],
                                         request=request),
        lambda a: "整改答复已通过。" if a.decision == a.Decision.ACCEPTED else "整改答复已退回，待被巡察单位重新整改答复。")
    return redirect("rectification:notice", pk=notice.pk)


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = team_notice_get(user=user, pk=pk)
    return notice_docx_response(notice, services.notice_docx_export(actor=user, notice=notice, request=request))


@login_required
def notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    evidence = notice_evidence_get(user=user, pk=pk)
    return evidence_response(evidence, services.notice_evidence_read(actor=user, evidence=evidence, request=request))
