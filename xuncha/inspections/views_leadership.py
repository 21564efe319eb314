"""Office pages for a target's leadership data (the source of the 必谈 list) and the 必谈 rule. Everyone
but the office finds none of them (404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.web import form_submit

from . import services_leadership
from .models import LeadershipCategory, LeadershipMember, MustTalkRule
from .selectors import can_plan, target_get

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeadershipForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    post = forms.CharField(label="职务", max_length=120)
    category = forms.ChoiceField(label="类别", choices=LeadershipCategory.choices)
    in_office_since = forms.DateField(label="任职时间", widget=DATE, required=False)
    left_on = forms.DateField(label="离任时间（仍在任的不填）", widget=DATE, required=False)


class MustRuleForm(forms.Form):
    categories = forms.MultipleChoiceField(label="必谈的人员类别", choices=LeadershipCategory.choices, widget=forms.CheckboxSelectMultiple)
    left_within_years = forms.IntegerField(label="离任几年内的领导班子成员也列为必谈", min_value=0, max_value=10)


def _planner(request: AuthedRequest) -> None:
    if not can_plan(request.user):
        raise NotFound


@login_required
def leadership(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    form = LeadershipForm(request.POST or None)
    if request.method == "POST" and form_submit(form, lambda d: services_leadership.leadership_save(
            actor=request.user, org=target, request=request, **d)) is not None:
        messages.success(request, "已增加。")
        return redirect("inspections:leadership", pk=target.pk)
    return render(request, "inspections/leadership.html", {
        "target": target, "rows": target.leadership.all(), "form": form,
        "crumbs": [("被巡察党组织", reverse("inspections:targets")), (target.name, reverse("inspections:target", args=[target.pk]))]},
        status=400 if form.errors else 200)


@login_required
def leadership_edit(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    member = LeadershipMember.objects.filter(org=target, pk=member_id).first()
    if member is None:
        raise NotFound
    initial = {f: getattr(member, f) for f in ("name", "post", "category", "in_office_since", "left_on")}
    form = LeadershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_submit(form, lambda d: services_leadership.leadership_save(
            actor=request.user, org=target, member=member, request=request, **d)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:leadership", pk=target.pk)
    crumbs = [("被巡察党组织", reverse("inspections:targets")), (target.name, reverse("inspections:target", args=[target.pk])),
              ("领导班子", reverse("inspections:leadership", args=[target.pk]))]
    return render(request, "inspections/master_form.html", {"form": form, "title": f"修改：{member.name}", "crumbs": crumbs},
                  status=400 if form.errors else 200)


@login_required
def must_rule(request: AuthedRequest) -> HttpResponse:
    _planner(request)
    rule = MustTalkRule.objects.filter(pk=1).first() or MustTalkRule(pk=1)
    form = MustRuleForm(request.POST or None, initial={"categories": rule.categories, "left_within_years": rule.left_within_years})
    if request.method == "POST" and form_submit(form, lambda d: services_leadership.must_rule_save(
            actor=request.user, categories=d["categories"], left_within_years=d["left_within_years"], request=request)) is not None:
        messages.success(request, "已保存必谈规则。巡察组再次生成必谈名单时按新规则增加人员。")
        return redirect("inspections:must_rule")
    crumbs = [("被巡察党组织", reverse("inspections:targets"))]
    return render(request, "inspections/master_form.html", {"form": form, "title": "必谈规则", "crumbs": crumbs},
                  status=400 if form.errors else 200)
