"""The liaison's pages of immediate-rectification notices: the notices issued to their organisation,
a notice with its .docx and the answer form (measures and evidence files), and the team's decisions.

The liaison sees the notice's text only: never its reports, reporters, duplicate group or finding.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.audit.services import audit_record
from xuncha.uploads import ALLOWED_HELP, MultipleFileField
from xuncha.web import attach_error

from . import services_findings as services
from .models import ImmediateNotice
from .selectors_findings import liaison_notice_get, liaison_notices, notice_answers, notice_evidence_get
from .views_findings import evidence_response, notice_docx_response


class AnswerForm(forms.Form):
    measures = forms.CharField(label="整改措施及成效", widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label="佐证材料", required=False, help_text=f"可上传{ALLOWED_HELP}")


def _render(request: HttpRequest, notice: ImmediateNotice, form: AnswerForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "rectification/notice_liaison.html", {
        "notice": notice, "answers": notice_answers(notice), "form": form or AnswerForm(),
        "can_answer": notice.state in services.ANSWERABLE, "today": timezone.localdate(),
    }, status=status)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    rows = list(liaison_notices(user=request.user))
    return render(request, "rectification/notice_liaison_list.html", {"notices": rows, "today": timezone.localdate()})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = liaison_notice_get(user=request.user, pk=pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="notice.view", obj=notice, request=request,
                     summary=f"被巡察单位查看立行立改通知第{notice.number}号")
    return _render(request, notice)


@login_required
@require_POST
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    notice = liaison_notice_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notice_answer(actor=request.user, notice=notice, measures=form.cleaned_data["measures"],
                                   files=form.cleaned_data["evidence"], request=request)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "整改情况已报送，待巡察组核查。")
            return redirect("liaison:notice", pk=notice.pk)
    return _render(request, notice, form, status=400)


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return notice_docx_response(request, liaison_notice_get(user=request.user, pk=pk))


@login_required
def notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = notice_evidence_get(user=request.user, pk=pk)
    if evidence.answer is None:
        raise Http404
    liaison_notice_get(user=request.user, pk=evidence.answer.notice_id)  # 404 unless addressed to their organisation
    return evidence_response(request, evidence)
