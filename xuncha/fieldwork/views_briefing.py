"""Pages of the briefing before entry (巡前情况通报): the list of bodies asked with their answers and the
team's summary; asking a body (its request letter .docx); registering an answer with attachments. The
team's only (Kind.FIELDWORK): anyone else gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.uploads import MultipleFileField
from xuncha.web import ChineseErrorsMixin, attachment, form_submit

from . import documents_briefing
from . import selectors_briefing as bsel
from . import selectors_talks as sel
from .forms_talks import DATE
from .models.briefing import DEFAULT_ASKS, BriefingBody
from .services_briefing import (
    briefing_answer_register,
    briefing_attachment_read,
    briefing_request_create,
    briefing_summary_save,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BriefingRequestForm(ChineseErrorsMixin, forms.Form):
    body_kind = forms.ChoiceField(label="单位类别", choices=BriefingBody.choices)
    body_name = forms.CharField(label="单位名称", max_length=120, required=False, help_text="不填则用类别名称，如“纪委监委”。")
    asks = forms.CharField(label="请求通报的内容", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="不填则用该类单位的常用内容。")
    requested_on = forms.DateField(label="发函日期", widget=DATE)
    due_on = forms.DateField(label="回复期限", required=False, widget=DATE)


class BriefingAnswerForm(ChineseErrorsMixin, forms.Form):
    answered_on = forms.DateField(label="回复日期", widget=DATE)
    answer = forms.CharField(label="通报情况", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label="通报材料", required=False)


class BriefingSummaryForm(ChineseErrorsMixin, forms.Form):
    text = forms.CharField(label="综合分析", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6}))
    problems = forms.CharField(label="需重点关注的问题（每行一个，转为待核实问题）", required=False, max_length=20_000,
                               widget=forms.Textarea(attrs={"rows": 4}))


def _crumbs(inspection: object, pk: int) -> list[tuple[str, str]]:
    return [(str(inspection), reverse("inspections:detail", args=[pk])), ("巡察工作", reverse("fieldwork:overview", args=[pk]))]


@login_required
@never_cache
def briefings(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    summary = bsel.summary_of(inspection.pk)
    ask = BriefingRequestForm(request.POST if request.POST.get("action") == "request" else None, prefix="r",
                              initial={"requested_on": timezone.localdate()})
    sum_form = BriefingSummaryForm(request.POST if request.POST.get("action") == "summary" else None, prefix="s",
                                   initial={"text": summary.text if summary else ""})
    if request.method == "POST":
        if request.POST.get("action") == "request":
            made = form_submit(ask, lambda d: briefing_request_create(
                actor=request.user, inspection=inspection, body_kind=d["body_kind"], body_name=d["body_name"], asks=d["asks"],
                requested_on=d["requested_on"], due_on=d["due_on"], request=request))
            if made is not None:
                messages.success(request, f"已登记{made.label}，请下载函件。")
                return redirect("fieldwork:briefings", pk=pk)
        elif request.POST.get("action") == "summary":
            saved = form_submit(sum_form, lambda d: briefing_summary_save(
                actor=request.user, inspection=inspection, text=d["text"], problems=d["problems"].splitlines(), request=request))
            if saved is not None:
                messages.success(request, "已保存综合分析。")
                return redirect("fieldwork:briefings", pk=pk)
    bound = ask.is_bound or sum_form.is_bound
    return render(request, "fieldwork/briefings.html", {
        "inspection": inspection, "briefings": bsel.briefing_queryset(request.user).filter(inspection=inspection),
        "summary": summary, "leads": bsel.briefing_leads(inspection.pk), "ask": ask, "sum_form": sum_form,
        "default_asks": [(BriefingBody(k).label, v) for k, v in DEFAULT_ASKS.items()], "crumbs": _crumbs(inspection, pk)},
        status=400 if bound else 200)


@login_required
@never_cache
def briefing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    briefing = bsel.briefing_get(user=request.user, pk=pk)
    inspection = briefing.inspection
    form = BriefingAnswerForm(request.POST or None, request.FILES or None,
                              initial={"answered_on": briefing.answered_on or timezone.localdate(), "answer": briefing.answer})
    if request.method == "POST":
        done = form_submit(form, lambda d: briefing_answer_register(
            actor=request.user, briefing=briefing, answered_on=d["answered_on"], answer=d["answer"], files=d["attachments"],
            request=request))
        if done is not None:
            messages.success(request, f"已登记{briefing.label}的回复。")
            return redirect("fieldwork:briefing", pk=pk)
    return render(request, "fieldwork/briefing.html", {
        "briefing": briefing, "inspection": inspection, "form": form,
        "crumbs": [*_crumbs(inspection, inspection.pk), ("巡前情况通报", reverse("fieldwork:briefings", args=[inspection.pk]))]},
        status=400 if form.is_bound else 200)


@login_required
def briefing_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    briefing = bsel.briefing_get(user=request.user, pk=pk)
    audit_record(actor=request.user, action="briefing.letter", obj=briefing, request=request, summary=f"下载{briefing.label}的函件")
    return attachment(documents_briefing.letter_docx(briefing), DOCX, f"{documents_briefing.letter_title(briefing)}.docx")


@login_required
@never_cache
def briefing_attachment_download(request: AuthedRequest, pk: int) -> HttpResponse:
    found = bsel.briefing_attachment_get(user=request.user, pk=pk)
    content = briefing_attachment_read(actor=request.user, attachment=found, request=request)
    return attachment(content, found.content_type, found.original_name)
