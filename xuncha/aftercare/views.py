"""Staff pages of aftercare: the publication (preview, exemptions, publish, .docx), the assessment (score
sheet, report .docx), the indicators, and 回头看 (create, starting point, 整改不到位 marks). The office and the
inspection's team only (everyone else: 404); the office decides. The public page is views_public."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha import documents as doc_types
from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.inspections.models import Round, Team
from xuncha.inspections.selectors_offices import office_q
from xuncha.rectification.models import RectificationItem
from xuncha.web import attachment, form_submit

from . import services, services_assessment, services_revisit
from .access import can_assess, can_publish, staff_inspection_get
from .content import build_content
from .forms import ActionForm, ExemptionForm, IndicatorForm, MarkForm, PublishForm, RevisitForm, ScoreSheetForm
from .models import Indicator, RevisitMark
from .selectors import (
    assessment_figures,
    assessment_get,
    earlier_findings,
    earlier_open_items,
    grade_of,
    indicator_total,
    indicators_current,
    item_average,
    latest_publication,
    ledger_for_publication,
    own_findings,
    revisit_get,
    revisit_marks,
)


def user_of(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


def _refusals(request: HttpRequest, form: ActionForm | ExemptionForm | MarkForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


# --- publication ------------------------------------------------------------------------------------


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    office = can_publish(user, inspection)
    form = PublishForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not office:
            raise NotFound
        done = form_submit(form, lambda d: services.publication_publish(actor=user, inspection=inspection, intro=d["intro"], request=request))
        if done is not None:
            messages.success(request, f"已公开整改情况（第{done.version}版）。")
            return redirect("aftercare:publication", pk=inspection.pk)
        status = 400
    current = latest_publication(inspection)
    preview, _ = build_content(inspection, intro="", published_on=timezone.localdate())
    return render(request, "aftercare/publication.html", {
        "inspection": inspection, "publication": current, "preview": preview, "items": ledger_for_publication(inspection),
        "office": office, "form": form if office else None, "exemption_form": ExemptionForm(),
    }, status=status)


def _office_item(request: HttpRequest, pk: int, item_id: int) -> tuple[User, RectificationItem]:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    item = RectificationItem.objects.filter(inspection=inspection, pk=item_id).select_related("inspection").first()
    if item is None:
        raise NotFound
    return user, item


@login_required
@require_POST
def exemption_set(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    user, item = _office_item(request, pk, item_id)
    form = ExemptionForm(request.POST)
    if form_submit(form, lambda d: services.exemption_set(actor=user, item=item, reason=d["reason"], note=d["note"], request=request)):
        messages.success(request, f"整改事项{item.number}将不予公开。")
    else:
        _refusals(request, form)
    return redirect("aftercare:publication", pk=pk)


@login_required
@require_POST
def exemption_clear(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    user, item = _office_item(request, pk, item_id)
    form = ActionForm(request.POST)
    if form_submit(form, lambda d: services.exemption_clear(actor=user, item=item, request=request)) is not None:
        messages.success(request, f"整改事项{item.number}恢复公开。")
    else:
        _refusals(request, form)
    return redirect("aftercare:publication", pk=pk)


@login_required
def publication_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = staff_inspection_get(user=user, pk=pk)
    current = latest_publication(inspection)
    if current is None:
        raise NotFound
    content = services.publication_docx_export(actor=user, publication=current, request=request)
    return attachment(content, doc_types.DOCX, f"整改公开-{inspection.target.name}.docx")


# --- assessment -------------------------------------------------------------------------------------


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection, current = assessment_get(user=user, inspection_id=pk)
    office = can_assess(user, inspection)
    status = 200
    sheet = ScoreSheetForm(request.POST or None, assessment=current) if current is not None else None
    if request.method == "POST":
        if not office:
            raise NotFound
        action = request.POST.get("action", "")
        if current is None:
            start = ActionForm(request.POST)
            if form_submit(start, lambda d: services_assessment.assessment_start(actor=user, inspection=inspection, request=request)):
                messages.success(request, "已开始评估，请填写评分表。")
            else:
                _refusals(request, start)
            return redirect("aftercare:assessment", pk=pk)
        assert sheet is not None
        if action == "finish":
            finish = ActionForm(request.POST)
            if form_submit(finish, lambda d: services_assessment.assessment_finish(actor=user, assessment=current, request=request)):
                messages.success(request, "评估已完成。")
            else:
                _refusals(request, finish)
            return redirect("aftercare:assessment", pk=pk)

        def save(d: dict[str, str]) -> object:
            return services_assessment.assessment_score(
                actor=user, assessment=current, conclusion=d.get("conclusion", ""), request=request,
                indicators={line.pk: services_assessment.ScoreIn(score=d.get(f"ind_{line.pk}", ""), note=d.get(f"ind_{line.pk}_note", ""))
                            for line in sheet.lines},
                items={s.item_id: services_assessment.ItemScoreIn(rating=d.get(f"item_{s.item_id}_rating", ""),
                                                                  score=d.get(f"item_{s.item_id}", ""),
                                                                  note=d.get(f"item_{s.item_id}_note", ""))
                       for s in sheet.scores})

        if form_submit(sheet, save) is not None:
            messages.success(request, "评分表已保存。")
            return redirect("aftercare:assessment", pk=pk)
        status = 400
    lines = list(current.indicator_scores.all()) if current else []
    total, maximum = indicator_total(lines)
    return render(request, "aftercare/assessment.html", {
        "inspection": inspection, "assessment": current, "office": office, "sheet": sheet,
        "editable": office and current is not None and current.state == current.State.DRAFT,
        "figures": assessment_figures(inspection), "lines": lines, "total": total, "maximum": maximum,
        "grade": grade_of(total, maximum), "average": item_average(list(current.item_scores.all())) if current else None,
        "indicators": indicators_current(),
    }, status=status)


@login_required
def assessment_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection, current = assessment_get(user=user, inspection_id=pk)
    if current is None:
        raise NotFound
    content = services_assessment.assessment_docx_export(actor=user, assessment=current, request=request)
    return attachment(content, doc_types.DOCX, f"整改评估报告-{inspection.target.name}.docx")


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not allows(user, Kind.INSPECTION, Purpose.WORK, None):
        raise NotFound
    editing = Indicator.objects.filter(pk=request.GET.get("edit") or request.POST.get("id") or 0).first() \
        if (request.GET.get("edit") or request.POST.get("id") or "").isdigit() else None
    initial = {"name": editing.name, "max_score": editing.max_score, "hint": editing.hint, "order": editing.order,
               "active": editing.active} if editing else None
    form = IndicatorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        done = form_submit(form, lambda d: services_assessment.indicator_save(
            actor=user, name=d["name"], max_score=d["max_score"], hint=d["hint"], order=d["order"] or 0, active=d["active"],
            indicator=editing, request=request))
        if done is not None:
            messages.success(request, f"已保存评估指标：{done}")
            return redirect("aftercare:indicators")
        status = 400
    rows = list(Indicator.objects.all())
    return render(request, "aftercare/indicators.html", {
        "rows": rows, "defaults": indicators_current() if not rows else [], "form": form, "editing": editing,
    }, status=status)


# --- 回头看 -------------------------------------------------------------------------------------------


@login_required
def revisit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    earlier = staff_inspection_get(user=user, pk=pk)
    # Any office that reads the earlier inspection may follow it up in a round of its own (the service checks the round's office).
    if not allows(user, Kind.INSPECTION, Purpose.WORK, None):
        raise NotFound
    rounds = Round.objects.filter(office_q(user), archived_at__isnull=True, closed_at__isnull=True).order_by("-year", "-id")
    teams = Team.objects.filter(office_q(user, "round__office_id"), round__in=rounds).select_related("round").order_by("round", "name")
    form = RevisitForm(request.POST or None, rounds=rounds, teams=teams)
    status = 200
    if request.method == "POST":
        done = form_submit(form, lambda d: services_revisit.revisit_create(
            actor=user, earlier=earlier, round=d["round"], team=d["team"], start_date=d["start_date"], end_date=d["end_date"],
            working_days=d["working_days"], request=request))
        if done is not None:
            messages.success(request, f"已创建回头看巡察任务：{done}")
            return redirect("aftercare:revisit", pk=done.pk)
        status = 400
    return render(request, "aftercare/revisit_new.html", {"earlier": earlier, "form": form}, status=status)


@login_required
def revisit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = revisit_get(user=user, pk=pk)
    team = allows(user, Kind.CASE, Purpose.WORK, inspection)
    own, earlier = own_findings(inspection), earlier_findings(inspection)
    form = MarkForm(request.POST or None, inspection=inspection, own=own, earlier=earlier)
    status = 200
    if request.method == "POST":
        if not team:
            raise NotFound
        if request.POST.get("unmark", "").isdigit():
            mark = RevisitMark.objects.filter(pk=int(request.POST["unmark"]), finding__inspection=inspection).first()
            if mark is None:
                raise NotFound
            action = ActionForm(request.POST)
            if form_submit(action, lambda d: services_revisit.revisit_unmark(actor=user, mark=mark, request=request)) is not None:
                messages.success(request, "已取消标记。")
            else:
                _refusals(request, action)
            return redirect("aftercare:revisit", pk=pk)
        done = form_submit(form, lambda d: services_revisit.revisit_mark(actor=user, finding=d["finding"], earlier=d["earlier"],
                                                                         note=d["note"], request=request))
        if done is not None:
            messages.success(request, f"问题{done.finding.number}已标记为整改不到位（对照原问题{done.earlier.number}）。")
            return redirect("aftercare:revisit", pk=pk)
        status = 400
    return render(request, "aftercare/revisit.html", {
        "inspection": inspection, "earlier_findings": earlier, "open_items": earlier_open_items(inspection),
        "marks": revisit_marks(inspection), "form": form if team else None,
    }, status=status)
