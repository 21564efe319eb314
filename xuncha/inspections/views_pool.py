"""The inspectors' pool page (巡察人员库, the office's): people by expertise, each one's conflict with a chosen
target, suggestions for a team at that target, assigning someone to a team (refused with the reason on a
conflict) and recording their authorisation for the round (一次一授权)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Invalid
from xuncha.web import ChineseErrorsMixin, form_submit

from . import services, services_offices
from .models import Expertise, TargetOrg, Team, TeamMember
from .selectors import target_search, team_search
from .selectors_offices import people_for_target, person_list, team_suggestions


class PoolFilterForm(ChineseErrorsMixin, forms.Form):
    expertise = forms.ChoiceField(label="专长", choices=[("", "全部")] + list(Expertise.choices), required=False)
    target = forms.ModelChoiceField(label="拟巡察单位（检查回避）", queryset=TargetOrg.objects.none(), required=False)


class AssignForm(ChineseErrorsMixin, forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label="加入巡察组", queryset=Team.objects.none())


class AuthoriseForm(ChineseErrorsMixin, forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label="巡察组", queryset=Team.objects.none())
    pledge_signed_on = forms.DateField(label="保密承诺签署日期", widget=forms.DateInput(attrs={"type": "date"}))
    declaration = forms.CharField(label="回避声明", max_length=500, help_text="无利益冲突的填写“无”")
    document = forms.CharField(label="签署件编号", max_length=120, required=False)


def _forms(request: AuthedRequest, data: Any = None) -> tuple[PoolFilterForm, AssignForm, AuthoriseForm]:
    teams = team_search(user=request.user)  # NotFound for anyone but the office
    filters = PoolFilterForm(request.GET or None)
    filters.fields["target"].queryset = target_search(user=request.user)  # type: ignore[attr-defined]
    assign = AssignForm(data if data and data.get("action") == "assign" else None, prefix="a")
    authorise = AuthoriseForm(data if data and data.get("action") == "authorise" else None, prefix="z")
    assign.fields["team"].queryset = teams  # type: ignore[attr-defined]
    authorise.fields["team"].queryset = teams  # type: ignore[attr-defined]
    return filters, assign, authorise


def _assign(request: AuthedRequest, data: dict[str, Any]) -> TeamMember:
    person = person_list(user=request.user).filter(pk=data["person"]).first()
    if person is None:
        raise Invalid("该人员不在本巡察办的人员库中。")
    return services.team_member_add(actor=request.user, team=data["team"], name=person.name, position=TeamMember.Position.MEMBER,
                                    title=f"{person.unit}{person.post}", person=person, request=request)


def _authorise(request: AuthedRequest, data: dict[str, Any]) -> object:
    person = person_list(user=request.user).filter(pk=data["person"]).first()
    if person is None:
        raise Invalid("该人员不在本巡察办的人员库中。")
    return services_offices.authorisation_record(actor=request.user, person=person, team=data["team"],
                                                 pledge_signed_on=data["pledge_signed_on"], declaration=data["declaration"],
                                                 document=data["document"], request=request)


@login_required
def pool(request: AuthedRequest) -> HttpResponse:
    filters, assign, authorise = _forms(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign" and form_submit(assign, lambda d: _assign(request, d)) is not None:
            messages.success(request, "已加入巡察组。")
            return redirect(request.get_full_path())
        if action == "authorise" and form_submit(authorise, lambda d: _authorise(request, d)) is not None:
            messages.success(request, "已登记本轮授权。")
            return redirect(request.get_full_path())
    expertise, target = "", None
    if filters.is_valid():
        expertise, target = filters.cleaned_data["expertise"] or "", filters.cleaned_data["target"]
    today: dt.date = timezone.localdate()
    rows = people_for_target(user=request.user, target=target, expertise=expertise, today=today)
    suggestions = (team_suggestions(user=request.user, target=target, wanted=[expertise] if expertise else [], size=5, today=today)
                   if target is not None else [])
    return render(request, "inspections/pool.html", {
        "filters": filters, "assign": assign, "authorise": authorise, "rows": rows, "target": target,
        "suggestions": suggestions, "teams": list(team_search(user=request.user)), "crumbs": [("轮次与巡察组", reverse("inspections:rounds"))]})
