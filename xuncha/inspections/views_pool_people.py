"""The pool's people pages (巡察人员库): a new person, and a person's page where the office edits them,
records the relations they declare (spouse, relative, former post) or withdraws one with a reason, rates
them after a round, and sees their authorisations (一次一授权). Office admins only; others get 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Invalid, NotFound
from xuncha.web import ChineseErrorsMixin, form_submit

from . import services_offices
from .forms import DATE
from .models import Expertise, Office, Person, PersonRelation, Round, TargetOrg
from .selectors import round_list, target_list
from .selectors_offices import own_office_list, person_get, person_list


class PersonForm(ChineseErrorsMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    unit = forms.CharField(label="工作单位", max_length=120)
    post = forms.CharField(label="职务", max_length=120, required=False)
    expertise = forms.MultipleChoiceField(label="专长", choices=Expertise.choices, required=False, widget=forms.CheckboxSelectMultiple)
    unit_org = forms.ModelChoiceField(label="所在被巡察单位", queryset=TargetOrg.objects.none(), required=False,
                                      help_text="本人单位属于被巡察党组织时选择（交叉巡察时回避本单位）")


class PersonCreateForm(PersonForm):
    office = forms.ModelChoiceField(label="所属巡察办", queryset=Office.objects.none())


class RelationForm(ChineseErrorsMixin, forms.Form):
    org = forms.ModelChoiceField(label="单位", queryset=TargetOrg.objects.none())
    kind = forms.ChoiceField(label="关系", choices=PersonRelation.Kind.choices)
    detail = forms.CharField(label="说明", max_length=200, required=False, help_text="如：弟弟在该单位财务处任职")
    start_date = forms.DateField(label="起始日期", required=False, widget=DATE)
    end_date = forms.DateField(label="终止日期", required=False, widget=DATE)


class RelationRemoveForm(ChineseErrorsMixin, forms.Form):
    relation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销理由", max_length=200)


class RateForm(ChineseErrorsMixin, forms.Form):
    round = forms.ModelChoiceField(label="巡察轮次", queryset=Round.objects.none())
    rating = forms.IntegerField(label="评价（1–5分）", min_value=1, max_value=5)
    note = forms.CharField(label="评价说明", max_length=200, required=False)


def _crumbs() -> list[tuple[str, str]]:
    return [("巡察人员库", reverse("inspections:pool"))]


@login_required
def person_new(request: AuthedRequest) -> HttpResponse:
    person_list(user=request.user)  # NotFound for anyone but the office
    offices = own_office_list(user=request.user)
    form = PersonCreateForm(request.POST or None, initial={"office": offices.first()})
    form.fields["office"].queryset = offices  # type: ignore[attr-defined]
    form.fields["unit_org"].queryset = target_list(user=request.user)  # type: ignore[attr-defined]
    if request.method == "POST":
        made = form_submit(form, lambda d: services_offices.person_create(
            actor=request.user, office=d["office"], name=d["name"], unit=d["unit"], post=d["post"], expertise=d["expertise"],
            unit_org=d["unit_org"], request=request))
        if made is not None:
            messages.success(request, f"已将{made.name}加入巡察人员库。")
            return redirect("inspections:pool_person", pk=made.pk)
    return render(request, "inspections/office_form.html", {"form": form, "title": "加入巡察人员库", "crumbs": _crumbs()},
                  status=400 if form.errors else 200)


def _relation(request: AuthedRequest, person: Person, pk: int) -> PersonRelation:
    found = person.relations.filter(pk=pk).select_related("org", "person").first()
    if found is None:
        raise Invalid("该申报不存在。")
    return found


@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    targets = target_list(user=request.user)
    edit = PersonForm(request.POST if action == "edit" else None, prefix="e", initial={
        "name": person.name, "unit": person.unit, "post": person.post, "expertise": person.expertise_codes, "unit_org": person.unit_org_id})
    edit.fields["unit_org"].queryset = targets  # type: ignore[attr-defined]
    relation = RelationForm(request.POST if action == "relation" else None, prefix="r")
    relation.fields["org"].queryset = targets  # type: ignore[attr-defined]
    remove = RelationRemoveForm(request.POST if action == "remove" else None, prefix="d")
    rate = RateForm(request.POST if action == "rate" else None, prefix="s")
    rate.fields["round"].queryset = round_list(user=request.user)  # type: ignore[attr-defined]
    handlers: dict[str, tuple[forms.Form, Any, str]] = {
        "edit": (edit, lambda d: services_offices.person_update(
            actor=request.user, person=person, name=d["name"], unit=d["unit"], post=d["post"], expertise=d["expertise"],
            unit_org=d["unit_org"], request=request), "已保存。"),
        "relation": (relation, lambda d: services_offices.person_relation_declare(
            actor=request.user, person=person, org=d["org"], kind=d["kind"], detail=d["detail"], start_date=d["start_date"],
            end_date=d["end_date"], request=request), "已登记申报的关系。"),
        "remove": (remove, lambda d: services_offices.person_relation_remove(
            actor=request.user, relation=_relation(request, person, d["relation"]), reason=d["reason"], request=request),
            "已撤销该申报。"),
        "rate": (rate, lambda d: services_offices.person_round_rate(
            actor=request.user, person=person, round=d["round"], rating=d["rating"], note=d["note"], request=request), "已保存评价。"),
    }
    if action in handlers:
        form, handler, done = handlers[action]
        if form_submit(form, handler) is not None:
            messages.success(request, done)
            return redirect("inspections:pool_person", pk=pk)
    elif action is not None:
        raise NotFound
    return render(request, "inspections/pool_person.html", {
        "person": person, "edit": edit, "relation": relation, "remove": remove, "rate": rate,
        "relations": person.relations.select_related("org"), "rounds": person.rounds.select_related("round"),
        "authorisations": person.authorisations.select_related("round", "team"), "crumbs": _crumbs()},
        status=400 if action else 200)
