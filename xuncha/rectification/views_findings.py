"""Team pages of findings (问题底稿) and immediate rectification (立行立改): per inspection the findings
with their form, a finding's page (submit, approve, return), the candidates for a notice, the notices,
a notice's page (issue, .docx, answers with evidence, accept or return).

Findings and candidates: the inspection's team only. Notices: the team, and the office reading.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xuncha.audit.services import audit_record
from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS
from xuncha.intake.models import Attachment
from xuncha.paging import paginate
from xuncha.triage.models import DuplicateGroup
from xuncha.web import attach_error, attachment

from . import services_findings as services
from .access import is_team_leader, team_inspection_get, team_inspections
from .documents_notice import immediate_notice_docx
from .models import Evidence, Finding, ImmediateNotice
from .selectors_findings import (
    attachments_of,
    finding_get,
    finding_list,
    finding_reports,
    notice_answers,
    notice_candidates,
    notice_evidence_get,
    reports_by_reference,
    team_notice_get,
    team_notice_inspection_get,
    team_notices,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REFS_HELP = "填写信访件编号，多个用逗号或空格分隔，如：12-00003、12-00007（也可只写序号 3、7）"


class FindingForm(forms.Form):
    title = forms.CharField(label="问题", max_length=200)
    facts = forms.CharField(label="事实", widget=forms.Textarea(attrs={"rows": 5}))
    rule_broken = forms.CharField(label="违反的规定", widget=forms.Textarea(attrs={"rows": 3}))
    focus = forms.ChoiceField(label="聚焦领域", choices=[("", "——"), *FOCUS_LABELS.items()])
    disciplines = forms.MultipleChoiceField(label="违反纪律", required=False, widget=forms.CheckboxSelectMultiple,
                                            choices=[(c, DISCIPLINE_LABELS[c]) for c in DISCIPLINES])
    reports = forms.CharField(label="相关信访件", required=False, max_length=2000, help_text=REFS_HELP)
    interview_notes = forms.CharField(label="谈话、调阅记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class NoticeForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200, help_text="如：食堂饭菜价格上涨、质量下降")
    problem = forms.CharField(label="反映的问题", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="将送达被巡察党组织：请概括问题，不得写入反映人信息或信访件编号。")
    suggestion = forms.CharField(label="处理建议", widget=forms.Textarea(attrs={"rows": 4}))
    clear_violation = forms.BooleanField(label="明显违反规定", required=False)
    fixable = forms.BooleanField(label="能够立即整改", required=False)
    deadline_days = forms.IntegerField(label="整改期限（工作日）", min_value=1, max_value=services.MAX_DEADLINE_DAYS)
    reports = forms.CharField(label="相关信访件", required=False, max_length=2000, help_text=REFS_HELP)
    finding = forms.ModelChoiceField(label="对应的问题底稿（可选）", queryset=Finding.objects.none(), required=False,
                                     empty_label="——")

    def __init__(self, *args: Any, inspection: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["finding"]
        field.queryset = Finding.objects.filter(inspection=inspection).order_by("number")


def _data(cleaned: dict[str, Any]) -> services.NoticeData:
    return services.NoticeData(title=cleaned["title"], problem=cleaned["problem"], suggestion=cleaned["suggestion"],
                               clear_violation=cleaned["clear_violation"], fixable=cleaned["fixable"],
                               deadline_days=cleaned["deadline_days"])


def _is_team(user: Any, inspection_id: int) -> bool:
    return team_inspections(user=user).filter(pk=inspection_id).exists()


def _labels(finding: Finding) -> Finding:
    row: Any = finding  # attributes for the templates only
    row.discipline_labels = [DISCIPLINE_LABELS[c] for c in finding.disciplines if c in DISCIPLINE_LABELS]
    return finding


# Findings

@login_required
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = team_inspection_get(user=request.user, pk=pk)
    rows = [_labels(f) for f in finding_list(user=request.user, inspection=inspection)]
    with transaction.atomic():
        audit_record(actor=request.user, action="finding.list", obj=inspection, request=request,
                     summary=f"查看问题底稿：{inspection}")
    return render(request, "rectification/findings.html", {
        "inspection": inspection, "findings": rows, "is_leader": is_team_leader(request.user, inspection),
        "candidates": notice_candidates(user=request.user, inspection=inspection).count(),
        "notices": team_notices(user=request.user, inspection=inspection).count(),
    })


def _finding_form(request: HttpRequest, inspection: Any, finding: Finding | None) -> HttpResponse:
    if request.method == "POST":
        form = FindingForm(request.POST)
        reports: list[Any] = []
        selected = {int(v) for v in request.POST.getlist("attachments") if v.isdigit()}
        if form.is_valid():
            reports, unknown = reports_by_reference(user=request.user, inspection=inspection, text=form.cleaned_data["reports"])
            if unknown:
                form.add_error("reports", f"未找到本巡察任务的信访件：{'、'.join(unknown)}")
            else:
                data = services.FindingData(
                    title=form.cleaned_data["title"], facts=form.cleaned_data["facts"],
                    rule_broken=form.cleaned_data["rule_broken"], focus=form.cleaned_data["focus"],
                    disciplines=form.cleaned_data["disciplines"], reports=reports,
                    attachments=list(Attachment.objects.filter(pk__in=selected, report__inspection=inspection)),
                    interview_notes=form.cleaned_data["interview_notes"])
                try:
                    if finding is None:
                        finding = services.finding_create(actor=request.user, inspection=inspection, data=data, request=request)
                    else:
                        finding = services.finding_update(actor=request.user, finding=finding, data=data, request=request)
                except ValidationError as exc:
                    attach_error(form, exc)
                else:
                    messages.success(request, f"问题底稿（问题{finding.number}）已保存。")
                    return redirect("rectification:finding", pk=finding.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        reports = []
        selected = set()
        if finding is not None:
            reports = finding_reports(finding)
            selected = set(finding.attachments.values_list("pk", flat=True))
            initial = {f: getattr(finding, f) for f in ("title", "facts", "rule_broken", "focus", "disciplines", "interview_notes")}
            initial["reports"] = "、".join(r.reference for r in reports)
        form, status = FindingForm(initial=initial), 200
    return render(request, "rectification/findings_form.html", {
        "inspection": inspection, "finding": finding, "form": form,
        "attachment_choices": list(attachments_of(reports)) if reports else [], "selected": selected,
    }, status=status)


@login_required
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_form(request, team_inspection_get(user=request.user, pk=pk), None)


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_get(user=request.user, pk=pk)
    if finding.state not in services.EDITABLE_FINDING:
        messages.error(request, f"问题底稿{finding.get_state_display()}，不能修改。")
        return redirect("rectification:finding", pk=finding.pk)
    return _finding_form(request, finding.inspection, finding)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _labels(finding_get(user=request.user, pk=pk))
    reports = finding_reports(finding)
    with transaction.atomic():
        audit_record(actor=request.user, action="finding.view", obj=finding, request=request,
                     summary=f"查看问题底稿：问题{finding.number}（{finding.inspection}）")
    return render(request, "rectification/findings_detail.html", {
        "finding": finding, "inspection": finding.inspection, "reports": reports,
        "attachments": list(finding.attachments.select_related("report").order_by("report__number", "id")),
        "focus_label": FOCUS_LABELS.get(finding.focus, ""), "is_leader": is_team_leader(request.user, finding.inspection),
        "editable": finding.state in services.EDITABLE_FINDING, "notices": list(finding.notices.all()),
    })


def _report_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def finding_submit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_get(user=request.user, pk=pk)
    try:
        services.finding_submit(actor=request.user, finding=finding, request=request)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, "已提交组长审定。")
    return redirect("rectification:finding", pk=finding.pk)


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    finding = finding_get(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.finding_decide(actor=request.user, finding=finding, approve=approve, note=request.POST.get("note", ""),
                                request=request)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, "问题底稿已审定。" if approve else "问题底稿已退回。")
    return redirect("rectification:finding", pk=finding.pk)


# Immediate rectification: candidates and notices

@login_required
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = team_inspection_get(user=request.user, pk=pk)
    page = paginate(notice_candidates(user=request.user, inspection=inspection), request.GET.get("page"))
    with transaction.atomic():
        audit_record(actor=request.user, action="notice.candidates", obj=inspection, request=request,
                     summary=f"查看立行立改候选事项：{inspection}（第{page.number}页）")
    return render(request, "rectification/notice_candidates.html", {"inspection": inspection, "page": page, "query": ""})


@login_required
def notices(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = team_notice_inspection_get(user=request.user, pk=pk)
    rows = list(team_notices(user=request.user, inspection=inspection))
    return render(request, "rectification/notices.html", {
        "inspection": inspection, "notices": rows, "is_team": _is_team(request.user, inspection.pk)})


@login_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = team_inspection_get(user=request.user, pk=pk)
    key = (request.POST if request.method == "POST" else request.GET).get("group", "")
    group = DuplicateGroup.objects.filter(key=int(key), inspection=inspection).select_related("first_report").first() if key.isdigit() else None
    if key and group is None:
        raise Http404
    if request.method == "POST":
        form = NoticeForm(request.POST, inspection=inspection)
        if form.is_valid():
            reports: list[Any] = []
            unknown: list[str] = []
            if group is None:
                reports, unknown = reports_by_reference(user=request.user, inspection=inspection, text=form.cleaned_data["reports"])
            if unknown:
                form.add_error("reports", f"未找到本巡察任务的信访件：{'、'.join(unknown)}")
            else:
                try:
                    notice = services.notice_create(actor=request.user, inspection=inspection, data=_data(form.cleaned_data),
                                                    group_key=group.key if group else None, reports=reports,
                                                    finding=form.cleaned_data.get("finding"), request=request)
                except ValidationError as exc:
                    attach_error(form, exc)
                else:
                    messages.success(request, f"已起草立行立改通知第{notice.number}号，待组长签发。")
                    return redirect("rectification:notice", pk=notice.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"deadline_days": settings.NOTICE_DEFAULT_WORKING_DAYS}
        if group is not None:
            # A neutral opening only: the reports' own words may identify their authors, and this text goes to the target.
            initial["problem"] = f"巡察期间，多名干部群众（{group.reporters}人，{group.channels}个渠道）反映："
        form, status = NoticeForm(initial=initial, inspection=inspection), 200
    return render(request, "rectification/notice_form.html", {"inspection": inspection, "form": form, "group": group,
                                                               "notice": None}, status=status)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = team_notice_get(user=request.user, pk=pk)
    inspection = team_inspection_get(user=request.user, pk=notice.inspection_id)
    if request.method == "POST":
        form = NoticeForm(request.POST, inspection=inspection)
        if form.is_valid():
            try:
                services.notice_update(actor=request.user, notice=notice, data=_data(form.cleaned_data),
                                       finding=form.cleaned_data.get("finding"), request=request)
            except ValidationError as exc:
                attach_error(form, exc)
            else:
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
    notice = team_notice_get(user=request.user, pk=pk)
    is_team = _is_team(request.user, notice.inspection_id)
    return render(request, "rectification/notice_detail.html", {
        "notice": notice, "inspection": notice.inspection, "is_team": is_team,
        "is_leader": is_team and is_team_leader(request.user, notice.inspection), "answers": notice_answers(notice),
        "reports": list(notice.reports.order_by("number")) if is_team else [],
        "group": DuplicateGroup.objects.filter(key=notice.group_key).first() if is_team and notice.group_key else None,
    })


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    notice = team_notice_get(user=request.user, pk=pk)
    try:
        notice = services.notice_issue(actor=request.user, notice=notice, request=request)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        assert notice.due_on is not None
        messages.success(request, f"已签发立行立改通知第{notice.number}号，整改期限 {notice.due_on:%Y-%m-%d}。")
    return redirect("rectification:notice", pk=notice.pk)


@login_required
@require_POST
def notice_decide(request: HttpRequest, pk: int) -> HttpResponse:
    notice = team_notice_get(user=request.user, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.notice_decide(actor=request.user, notice=notice, accept=accept, note=request.POST.get("note", ""),
                               request=request)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, "整改答复已通过。" if accept else "整改答复已退回，待被巡察单位重新整改答复。")
    return redirect("rectification:notice", pk=notice.pk)


def notice_docx_response(request: HttpRequest, notice: ImmediateNotice) -> HttpResponse:
    """The notice as .docx; the export is audited (shared by the team and the liaison pages)."""
    content = immediate_notice_docx(notice)
    with transaction.atomic():
        audit_record(actor=request.user, action="notice.export", obj=notice, request=request,
                     summary=f"导出立行立改通知书第{notice.number}号（{notice.inspection.target.name}）")
    return attachment(content, DOCX, f"立行立改通知书-第{notice.number}号-{notice.inspection.target.name}.docx")


def evidence_response(request: HttpRequest, evidence: Evidence) -> HttpResponse:
    """An evidence file of an answer; the download is audited (shared by the team and the liaison pages)."""
    with evidence.file.open("rb") as f:
        content = f.read()
    notice = evidence.answer.notice if evidence.answer else None
    with transaction.atomic():
        audit_record(actor=request.user, action="notice.evidence_download", obj=evidence, request=request,
                     summary=f"下载立行立改通知第{notice.number if notice else '?'}号的佐证材料“{evidence.original_name}”")
    return attachment(content, evidence.content_type, evidence.original_name)


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return notice_docx_response(request, team_notice_get(user=request.user, pk=pk))


@login_required
def notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = notice_evidence_get(user=request.user, pk=pk)
    if evidence.answer is None or not _is_team(request.user, evidence.answer.notice.inspection_id):
        raise Http404
    return evidence_response(request, evidence)
