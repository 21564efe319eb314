"""Pages of the rectification plan (整改方案) and the rectification reports (整改报告).

The liaison (/target/…): the inspections of their organisation after the feedback with the plan's and the
reports' due dates; the plan editor (tasks per problem of the feedback, the overall arrangements, submit); a
report's editor (generate the draft from the ledger, edit, submit). The office and the team (/rectification/…):
the submitted plan and reports with their trail; the office approves or returns them. Anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.web import attachment, form_submit

from .. import services
from ..access import can_review_plan, is_liaison, staff_inspection_get
from ..forms import ActionForm
from ..forms_plan import ReportForm, ReviewForm, SummaryForm, TaskForm
from ..models import Feedback, Finding, PlanState, PlanTask, RectificationPlan, RectificationReport, ReportKind, ReportState
from ..selectors_plan import (
    TargetRow,
    liaison_inspection_get,
    liaison_report_get,
    liaison_targets,
    plan_of,
    plan_tasks,
    reports_of,
    staff_report_get,
    target_rows,
    trail,
    visible_plan,
)
from .common import act, user_of

# --- the liaison ---------------------------------------------------------------------------------------------


def _rows(request: HttpRequest, inspections: object) -> list[TargetRow]:
    return target_rows(inspections=inspections, today=timezone.localdate())  # type: ignore[arg-type]


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """The liaison's inspections after feedback; ?todo=plan or ?todo=report: only those where that waits (the
    to-do lines link here, and count these rows)."""
    user = user_of(request)
    if not is_liaison(user):
        raise NotFound
    todo = request.GET.get("todo", "")
    rows = _rows(request, liaison_targets(user=user))
    if todo == "plan":
        rows = [r for r in rows if r.plan_waiting]
    elif todo == "report":
        rows = [r for r in rows if r.reports_waiting]
    return render(request, "rectification/plan_targets.html", {"rows": rows, "todo": todo})


def _feedback(inspection: Inspection) -> Feedback:
    feedback = Feedback.objects.filter(inspection=inspection).first()
    if feedback is None:
        raise NotFound
    return feedback


def _grouped(findings: list[Finding], tasks: list[PlanTask]) -> list[tuple[Finding, list[PlanTask]]]:
    by: dict[int, list[PlanTask]] = {}
    for t in tasks:
        by.setdefault(t.finding_id, []).append(t)
    return [(f, by.get(f.pk, [])) for f in findings]


def _plan_page(request: HttpRequest, inspection: Inspection, task_form: TaskForm | None = None,
               summary_form: SummaryForm | None = None, submit_form: ActionForm | None = None) -> HttpResponse:
    feedback = _feedback(inspection)
    findings = list(feedback.findings.order_by("number"))
    plan = plan_of(inspection)
    editable = plan is None or plan.state in (PlanState.DRAFT, PlanState.RETURNED)
    row = _rows(request, Inspection.objects.filter(pk=inspection.pk))[0]
    failed = any(f is not None and f.errors for f in (task_form, summary_form, submit_form))
    return render(request, "rectification/plan_liaison.html", {
        "inspection": inspection, "feedback": feedback, "plan": plan, "groups": _grouped(findings, plan_tasks(plan)),
        "editable": editable, "due": row.plan_due, "trail": trail(plan=plan),
        "task_form": task_form or TaskForm(findings=findings),
        "summary_form": summary_form or SummaryForm(initial={"summary": plan.summary if plan else ""}),
        "submit_form": submit_form,
    }, status=400 if failed else 200)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan editor; a POST adds a task."""
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    if request.method != "POST":
        return _plan_page(request, inspection)
    form = TaskForm(request.POST, findings=list(_feedback(inspection).findings.all()))
    task = form_submit(form, lambda _d: services.plan_task_add(actor=user, inspection=inspection, data=form.task_data(), request=request))
    if task is not None:
        messages.success(request, f"已为问题{task.finding.number}增加整改任务。")
        return redirect("liaison:plan", pk=inspection.pk)
    return _plan_page(request, inspection, task_form=form)


@login_required
@require_POST
def plan_summary(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    form = SummaryForm(request.POST)
    if form_submit(form, lambda d: services.plan_save(actor=user, inspection=inspection, summary=d["summary"], request=request)):
        messages.success(request, "已保存总体安排。")
        return redirect("liaison:plan", pk=inspection.pk)
    return _plan_page(request, inspection, summary_form=form)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    form = ActionForm(request.POST)
    if form_submit(form, lambda _d: services.plan_submit(actor=user, inspection=inspection, request=request)):
        messages.success(request, "整改方案已报送巡察办审核。")
        return redirect("liaison:plan", pk=inspection.pk)
    return _plan_page(request, inspection, submit_form=form)


def _own_task(request: HttpRequest, pk: int) -> PlanTask:
    task = PlanTask.objects.select_related("plan__inspection__target", "plan__inspection__team", "finding").filter(pk=pk).first()
    if task is None:
        raise NotFound
    liaison_inspection_get(user=user_of(request), pk=task.plan.inspection_id)
    return task


@login_required
def plan_task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    task = _own_task(request, pk)
    inspection = task.plan.inspection
    findings = list(_feedback(inspection).findings.all())
    initial = {"finding": task.finding_id, **{k: getattr(task, k) for k in
                                              ("task", "measures", "responsible_leader", "responsible_dept", "deadline", "long_term")}}
    form = TaskForm(request.POST or None, findings=findings, initial=initial)
    if request.method == "POST":
        done = form_submit(form, lambda _d: services.plan_task_update(actor=user, task=task, data=form.task_data(), request=request))
        if done is not None:
            messages.success(request, "已修改整改任务。")
            return redirect("liaison:plan", pk=inspection.pk)
    return render(request, "rectification/plan_task_form.html", {"inspection": inspection, "task": task, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def plan_task_remove(request: HttpRequest, pk: int) -> HttpResponse:
    task = _own_task(request, pk)
    act(request, ActionForm(request.POST), lambda _d: services.plan_task_remove(actor=user_of(request), task=task, request=request),
        lambda _r: "已删除整改任务。")
    return redirect("liaison:plan", pk=task.plan.inspection_id)


@login_required
def plan_docx_liaison(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    found = plan_of(inspection)
    if found is None:
        raise NotFound
    return _plan_docx(request, found)


def _plan_docx(request: HttpRequest, found: RectificationPlan) -> HttpResponse:
    content = services.plan_docx_export(actor=user_of(request), plan=found, request=request)
    return attachment(content, documents.DOCX, f"整改方案-{found.inspection.target.name}.docx")


def _kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise NotFound
    return kind


@login_required
def report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A report's editor: the draft generated from the ledger, edited here (POST saves it)."""
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    kind = _kind(kind)
    found = liaison_report_get(user=user, inspection=inspection, kind=kind)
    form = ReportForm(request.POST or None, initial={"title": found.title, "body": found.body} if found else None)
    status = 200
    if request.method == "POST":
        if found is None:
            raise NotFound
        saved = form_submit(form, lambda d: services.rectification_report_update(actor=user, report=found, title=d["title"],
                                                                                 body=d["body"], request=request))
        if saved is not None:
            messages.success(request, f"已保存{saved.get_kind_display()}。")
            return redirect("liaison:rectification_report", pk=inspection.pk, kind=kind)
        status = 400
    row = _rows(request, Inspection.objects.filter(pk=inspection.pk))
    return render(request, "rectification/report_liaison.html", {
        "inspection": inspection, "kind": kind, "kind_label": ReportKind(kind).label, "report": found, "form": form,
        "editable": found is None or found.state in (ReportState.DRAFT, ReportState.RETURNED), "trail": trail(report=found),
        "due": row[0].report_due if row else None, "has_items": bool(row and row[0].has_items),
    }, status=status)


@login_required
@require_POST
def report_generate(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    kind = _kind(kind)
    act(request, ActionForm(request.POST),
        lambda _d: services.rectification_report_generate(actor=user, inspection_id=inspection.pk, kind=kind, request=request),
        lambda r: f"已由整改台账生成{r.get_kind_display()}草稿，请修改补充后报送。")
    return redirect("liaison:rectification_report", pk=inspection.pk, kind=kind)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    found = liaison_report_get(user=user, inspection=inspection, kind=_kind(kind))
    if found is None:
        raise NotFound
    act(request, ActionForm(request.POST), lambda _d: services.rectification_report_submit(actor=user, report=found, request=request),
        lambda r: f"{r.get_kind_display()}已报送巡察办审核。")
    return redirect("liaison:rectification_report", pk=inspection.pk, kind=kind)


@login_required
def report_docx_liaison(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = user_of(request)
    inspection = liaison_inspection_get(user=user, pk=pk)
    found = liaison_report_get(user=user, inspection=inspection, kind=_kind(kind))
    if found is None:
        raise NotFound
    return _report_docx(request, found)


def _report_docx(request: HttpRequest, found: RectificationReport) -> HttpResponse:
    content = services.rectification_report_docx_export(actor=user_of(request), report=found, request=request)
    return attachment(content, documents.DOCX, f"{found.get_kind_display()}-{found.inspection.target.name}.docx")


# --- the office and the team ---------------------------------------------------------------------------------


def _staff_plan_page(request: HttpRequest, inspection: Inspection, form: ReviewForm | None = None) -> HttpResponse:
    user = user_of(request)
    found = visible_plan(user=user, inspection=inspection)
    feedback = Feedback.objects.filter(inspection=inspection).first()
    findings = list(feedback.findings.order_by("number")) if feedback else []
    reviewer = can_review_plan(user, inspection)
    row = _rows(request, Inspection.objects.filter(pk=inspection.pk))
    return render(request, "rectification/plan_staff.html", {
        "inspection": inspection, "feedback": feedback, "plan": found, "groups": _grouped(findings, plan_tasks(found)),
        "trail": trail(plan=found), "due": row[0].plan_due if row else None,
        "rows": [found] if found is not None else [],  # the one plan shown (the office's to-do line counts it)
        "form": (form or ReviewForm()) if reviewer and found is not None and found.state == PlanState.SUBMITTED else None,
    }, status=400 if form is not None else 200)


@login_required
def staff_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_plan_page(request, staff_inspection_get(user=user_of(request), pk=pk))


@login_required
@require_POST
def staff_plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    found = visible_plan(user=user, inspection=inspection)
    if found is None or not can_review_plan(user, inspection):
        raise NotFound
    form = ReviewForm(request.POST)
    done = form_submit(form, lambda d: services.plan_decide(actor=user, plan=found, approve=d["decision"] == "approve",
                                                            opinion=d["opinion"], request=request))
    if done is None:
        return _staff_plan_page(request, inspection, form)
    if done.state == PlanState.APPROVED:
        messages.success(request, f"已批准整改方案，生成整改事项{done.tasks.count()}项。")
    else:
        messages.success(request, "已退回整改方案，联络员将看到审核意见。")
    return redirect("rectification:plan", pk=inspection.pk)


@login_required
def staff_plan_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = visible_plan(user=user, inspection=staff_inspection_get(user=user, pk=pk))
    if found is None:
        raise NotFound
    return _plan_docx(request, found)


@login_required
def staff_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """Both reports of the inspection as submitted (?state=submitted: only those awaiting review, the to-do line's)."""
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    found = reports_of(user=user, inspection=inspection)
    waiting = request.GET.get("state") == "submitted"
    rows = [(k, label, found.get(k)) for k, label in ReportKind.choices]
    if waiting:
        rows = [(k, label, r) for k, label, r in rows if r is not None and r.state == ReportState.SUBMITTED]
    reviewer = can_review_plan(user, inspection)
    row = _rows(request, Inspection.objects.filter(pk=inspection.pk))
    return render(request, "rectification/reports_staff.html", {
        "inspection": inspection, "waiting": waiting, "reviewer": reviewer,
        "rows": [(k, label, r, trail(report=r) if r else [], ReviewForm(auto_id=f"id_{k}_%s")) for k, label, r in rows],
        "due": row[0].report_due if row else None,
    })


@login_required
@require_POST
def staff_report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = staff_report_get(user=user, pk=pk)
    if not can_review_plan(user, found.inspection):
        raise NotFound
    act(request, ReviewForm(request.POST),
        lambda d: services.rectification_report_decide(actor=user, report=found, accept=d["decision"] == "approve",
                                                       opinion=d["opinion"], request=request),
        lambda r: f"{r.get_kind_display()}{'已审核通过' if r.state == ReportState.ACCEPTED else '已退回，联络员将看到审核意见'}。")
    return redirect("rectification:rectification_reports", pk=found.inspection_id)


@login_required
def staff_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_docx(request, staff_report_get(user=user_of(request), pk=pk))
