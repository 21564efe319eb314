"""Team pages around a finding's evidence: cite or remove evidence, merge a lead, close a lead, the
per-inspection approval setting (deputy step) and the approval form (问题底稿审批单, .docx)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xuncha import documents
from xuncha.errors import NotFound
from xuncha.fieldwork.models import Lead
from xuncha.web import attachment

from ..access import team_inspection_get
from ..evidence_reads import evidence_rows
from ..selectors import finding_get
from ..services import evidence as svc
from .common import act, user_of


class CiteForm(forms.Form):
    ref = forms.CharField(max_length=40)          # "kind:id" from the select, or the kind with `object_id`
    object_id = forms.IntegerField(required=False, min_value=1)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    note = forms.CharField(required=False, max_length=200)


class IdForm(forms.Form):
    id = forms.IntegerField(min_value=1)


class CloseForm(forms.Form):
    id = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=300)


class SettingForm(forms.Form):
    deputy_step = forms.BooleanField(required=False)


def _cite(d: dict[str, object]) -> svc.Cite:
    kind, _, ident = str(d["ref"]).partition(":")
    object_id = int(ident) if ident.isdigit() else (d["object_id"] if isinstance(d["object_id"], int) else 0)
    page = d["page"] if isinstance(d["page"], int) else None
    return svc.Cite(kind, object_id, page, str(d["note"] or ""))


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    act(request, CiteForm(request.POST), lambda d: svc.finding_evidence_add(actor=user, finding=finding, cite=_cite(d), request=request),
        lambda _f: "已引用证据。")
    return redirect("rectification:finding", pk=finding.pk)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    act(request, IdForm(request.POST), lambda d: svc.finding_evidence_remove(actor=user, finding=finding, evidence_id=d["id"],
                                                                            request=request), lambda _f: "已移除证据。")
    return redirect("rectification:finding", pk=finding.pk)


def _lead(finding_inspection_id: int, lead_id: int) -> Lead:
    lead = Lead.objects.filter(pk=lead_id, inspection_id=finding_inspection_id).first()
    if lead is None:
        raise NotFound
    return lead


@login_required
@require_POST
def lead_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    act(request, IdForm(request.POST), lambda d: svc.finding_lead_merge(actor=user, finding=finding, lead=_lead(finding.inspection_id, d["id"]),
                                                                       request=request), lambda lead: f"线索{lead.number}已并入本问题。")
    return redirect("rectification:finding", pk=finding.pk)


@login_required
@require_POST
def lead_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_inspection_get(user=user, pk=pk)
    act(request, CloseForm(request.POST), lambda d: svc.lead_close(actor=user, lead=_lead(inspection.pk, d["id"]), reason=d["reason"],
                                                                  request=request), lambda lead: f"线索{lead.number}已了结。")
    return redirect("rectification:feedback", pk=inspection.pk)


@login_required
@require_POST
def review_setting(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    inspection = team_inspection_get(user=user, pk=pk)
    act(request, SettingForm(request.POST), lambda d: svc.review_setting_set(actor=user, inspection=inspection,
                                                                            deputy_step=d["deputy_step"], request=request),
        lambda _r: "审批流程已保存。")
    return redirect("rectification:findings", pk=inspection.pk)


@login_required
def review_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = finding_get(user=user, pk=pk)
    labels = [r.label for r in evidence_rows(user=user, finding=finding)]
    content = svc.finding_review_docx(actor=user, finding=finding, labels=labels, request=request)
    return attachment(content, documents.DOCX, f"问题底稿审批单-问题{finding.number}-{finding.inspection.target.name}.docx")
