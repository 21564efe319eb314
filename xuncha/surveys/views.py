"""The team's survey pages: list and create per inspection, the builder (settings, questions, publish,
codes), results with charts, free-text answers, exports. What the user may not see is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.http import AuthedRequest
from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.urls_public import public_url
from xuncha.web import attach_error, attachment, form_submit

from . import services
from .exports import results_docx, results_xlsx, slips_pdf
from .forms import ActionForm, CodesForm, QuestionForm, SettingsForm, SurveyForm, TextSearchForm, VoidForm, local_input, question_initial
from .models import Survey
from .results import POOLED, POOLED_LABEL, Results, survey_results
from .selectors import survey_get, survey_list, text_answers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _can(request: AuthedRequest, survey: Survey, purpose: Purpose) -> bool:
    return allows(request.user, Kind.SURVEY, purpose, survey.inspection)


@login_required
@require_http_methods(["GET"])
def survey_index(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=inspection_id, kind=Kind.SURVEY)
    surveys = survey_list(user=request.user).filter(inspection=inspection).order_by("-id")
    return render(request, "surveys/index.html", {
        "inspection": inspection, "surveys": surveys, "now": timezone.now(),
        "can_build": allows(request.user, Kind.SURVEY, Purpose.WORK, inspection)})


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=inspection_id, kind=Kind.SURVEY)
    if not allows(request.user, Kind.SURVEY, Purpose.WORK, inspection):
        raise NotFound
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        survey = form_submit(form, lambda d: services.survey_create(
            actor=request.user, inspection=inspection, template=d["template"], title=d["title"], intro=d["intro"],
            opens_at=d["opens_at"], closes_at=d["closes_at"], codes_required=d["codes_required"],
            min_group_size=d["min_group_size"], persons=form.persons_list()))
        if survey is not None:
            messages.success(request, f"已按模板新建测评“{survey.title}”（草稿）。请检查题目，报组长批准发布。")
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/new.html", {"inspection": inspection, "form": form})


@login_required
@require_http_methods(["GET"])
def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    questions = list(survey.questions.all())
    numbers = {q.pk: q.number for q in questions}
    for q in questions:
        q.show_if_number = numbers.get(q.show_if_question_id or 0)  # type: ignore[attr-defined]
        q.show_if_label = q.show_if_question.labels().get(q.show_if_value, "") if q.show_if_question else ""  # type: ignore[attr-defined]
    return render(request, "surveys/detail.html", {
        "survey": survey, "inspection": survey.inspection, "questions": questions, "batches": survey.batches.all(),
        "can_build": _can(request, survey, Purpose.WORK), "can_publish": _can(request, survey, Purpose.APPROVE),
        "codes_form": CodesForm(), "void_form": VoidForm(), "public_url": public_url(survey.inspection), "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    form = SettingsForm(request.POST or None, initial={
        "title": survey.title, "intro": survey.intro, "opens_at": local_input(survey.opens_at),
        "closes_at": local_input(survey.closes_at), "codes_required": survey.codes_required, "min_group_size": survey.min_group_size})
    if request.method == "POST" and form_submit(form, lambda d: services.survey_update(actor=request.user, survey=survey, **d)) is not None:
        messages.success(request, "测评设置已保存。")
        return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/settings.html", {"survey": survey, "inspection": survey.inspection, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthedRequest, pk: int, number: int = 0) -> HttpResponse:
    """Add a question (number 0) or edit question `number`; the whole list is written back through
    survey_questions_replace (one check of every rule, the show_if references included)."""
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    specs = services.question_specs(survey)
    if number and not 1 <= number <= len(specs):
        raise NotFound
    old = specs[number - 1] if number else None
    earlier = specs[: number - 1] if number else specs
    form = QuestionForm(request.POST or None, initial=question_initial(old, earlier) if old else {"required": True, "scale": 5})
    if request.method == "POST" and form.is_valid():
        spec = form.spec(old, earlier)
        new = [*specs[: number - 1], spec, *specs[number:]] if number else [*specs, spec]
        try:
            services.survey_questions_replace(actor=request.user, survey=survey, questions=new)
        except (Invalid, Conflict, NotAllowed) as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"第 {number or len(new)} 题已保存。")
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/question.html", {"survey": survey, "inspection": survey.inspection, "form": form,
                                                      "number": number, "earlier": earlier})


@login_required
@require_POST
def question_delete(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    specs = services.question_specs(survey)
    if not 1 <= number <= len(specs):
        raise NotFound
    rest: list[dict[str, Any]] = []
    for n, spec in enumerate(specs, start=1):
        if n == number:
            continue
        cond = spec["show_if"]
        if cond and cond["question"] == number:
            spec = {**spec, "show_if": None}
        elif cond and cond["question"] > number:
            spec = {**spec, "show_if": {**cond, "question": cond["question"] - 1}}
        rest.append(spec)
    try:
        services.survey_questions_replace(actor=request.user, survey=survey, questions=rest)
        messages.success(request, f"第 {number} 题已删除。")
    except (Invalid, Conflict, NotAllowed) as exc:
        messages.error(request, exc.detail)
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def survey_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    try:
        services.survey_publish(actor=request.user, survey=survey)
        messages.success(request, "测评已批准发布，开放期间显示在巡察公开页面（码上巡察）。")
    except (Invalid, Conflict, NotAllowed) as exc:
        messages.error(request, exc.detail)
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def codes_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    form = CodesForm(request.POST)
    made = form_submit(form, lambda d: services.codes_issue(actor=request.user, survey=survey, group=d["group"], count=d["count"]))
    if made is None:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    else:
        batch, _codes = made
        messages.success(request, f"已生成第 {batch.number} 批测评码（{batch.get_group_display()} {batch.count} 个）。"
                                  "请下载纸条打印：纸条只能下载一次，之后系统不再保留测评码明文。")
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def codes_void(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    form = VoidForm(request.POST)
    done = form_submit(form, lambda d: services.codes_void(actor=request.user, survey=survey, batch_number=number, reason=d["reason"]))
    if done is None:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, f"第 {number} 批测评码未作废：{e}")
    else:
        batch, voided = done
        messages.success(request, f"第 {batch.number} 批测评码已作废：其中未使用的 {voided} 个不能再提交答卷；"
                                  "已经提交的答卷照常计入结果。")
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def slips_download(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk, purpose=Purpose.WORK)
    form = ActionForm(request.POST)
    taken = form_submit(form, lambda d: services.slips_take(actor=request.user, survey=survey, batch_number=number))
    if taken is None:
        messages.error(request, "；".join(str(e) for e in form.non_field_errors()))
        return redirect("surveys:detail", survey.pk)
    batch, codes = taken
    response = attachment(slips_pdf(survey, batch, codes, public_url(survey.inspection)), "application/pdf",
                          f"测评码纸条-{survey.title}-第{batch.number}批.pdf")
    response["Cache-Control"] = "no-store, private"
    return response


def _charts(results: Results) -> dict[str, Any]:
    charts = []
    for r in results.questions:
        q = r.question
        if r.hidden_reason or not r.distribution:
            continue
        labels = q.labels()
        if q.kind == "matrix":
            rows = q.row_labels()
            datasets = [{"label": lbl, "data": [r.distribution.get(row, {}).get(v, 0) for row in rows]} for v, lbl in labels.items()]
            charts.append({"id": f"chart-q{q.number}", "type": "bar", "title": f"第 {q.number} 题", "labels": list(rows.values()),
                           "datasets": datasets, "horizontal": True, "stacked": True})
        else:
            charts.append({"id": f"chart-q{q.number}", "type": "bar", "title": f"第 {q.number} 题", "labels": list(labels.values()),
                           "datasets": [{"label": "人数", "data": [r.distribution.get(v, 0) for v in labels]}], "horizontal": True})
    return {"charts": charts}


def _rows(results: Results) -> list[dict[str, Any]]:
    """Each question's table rows for the template: label, count, share, flagged; per group."""
    out = []
    group_labels = {g.group: g.label for g in results.groups} | {POOLED: POOLED_LABEL}
    for r in results.questions:
        q = r.question
        labels = q.labels()
        table: list[dict[str, Any]] = []
        if not r.hidden_reason and q.kind != "text":
            row_items = list(q.row_labels().items()) if q.kind == "matrix" else [("", "")]
            for row, row_label in row_items:
                dist = r.distribution.get(row, {}) if q.kind == "matrix" else r.distribution
                total = (r.respondents if q.kind == "multiple" else sum(dist.values())) or 1
                cells = [{"n": dist.get(v, 0), "share": dist.get(v, 0) / total * 100, "flag": v in q.flag_values} for v in labels]
                groups = []
                for g, gdist in r.by_group.items():
                    gd = gdist.get(row, {}) if q.kind == "matrix" else gdist
                    gtotal = sum(gd.values()) or 1
                    groups.append({"label": group_labels.get(g, g),
                                   "cells": [{"n": gd.get(v, 0), "share": gd.get(v, 0) / gtotal * 100} for v in labels]})
                share = r.row_flags.get(row) if q.kind == "matrix" else r.flagged_share
                table.append({"label": row_label, "cells": cells, "groups": groups,
                              "flag_share": share * 100 if share is not None else None, "flagged": share is not None and share >= 0.1})
        out.append({"r": r, "labels": list(labels.values()), "table": table})
    return out


@login_required
@require_http_methods(["GET"])
def survey_results_page(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    results = survey_results(survey)
    return render(request, "surveys/results.html", {
        "survey": survey, "inspection": survey.inspection, "results": results, "rows": _rows(results),
        "charts": _charts(results), "text_count": text_answers(survey=survey).count()})


@login_required
@require_http_methods(["GET"])
def survey_texts(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    form = TextSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = list(text_answers(survey=survey, query=filters.get("q", ""), discipline=filters.get("discipline", ""),
                              focus=filters.get("focus", ""))[:500])
    for t in found:
        t.discipline_labels = [DISCIPLINE_LABELS.get(c, c) for c in t.disciplines]  # type: ignore[attr-defined]
        t.focus_labels = [FOCUS_LABELS.get(c, c) for c in t.focuses]  # type: ignore[attr-defined]
    return render(request, "surveys/texts.html", {"survey": survey, "inspection": survey.inspection, "form": form,
                                                   "texts": found, "filtered": bool(request.GET)})


@login_required
@require_http_methods(["GET"])
def results_export_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    return attachment(results_xlsx(survey_results(survey)), XLSX, f"{survey.title}-结果.xlsx")


@login_required
@require_http_methods(["GET"])
def results_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=pk)
    return attachment(results_docx(survey_results(survey)), DOCX, f"{survey.title}情况报告.docx")
