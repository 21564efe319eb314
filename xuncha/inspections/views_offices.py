"""The office's pages for its tree (巡察办管理): a new office below one of theirs, renaming or moving an office
(kept from above), and an office's own settings (the term for full coverage, time limits, the briefing
request's template). Office admins only; an office they do not keep is 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.web import ChineseErrorsMixin, form_submit

from . import services, services_offices
from .forms import DATE, CalendarDayForm, WorkdayCalcForm
from .models import CalendarDay, Office, OfficeSettings, TargetOrg
from .models_offices import LIMITS, ZERO_ALLOWED
from .selectors import calendar_for, office_calendar_day_list, target_get, target_list
from .selectors_offices import office_chain, office_edit_get, office_limit, office_settings_get, own_office_list, subtree_ids

BRIEFING_KIND_LABELS = {"discipline": "纪委监委", "organisation": "党委组织部", "audit": "审计部门", "petitions": "信访部门",
                        "propaganda": "党委宣传部", "finance": "财务部门", "other": "其他单位"}


class OfficeForm(ChineseErrorsMixin, forms.Form):
    name = forms.CharField(label="巡察办名称", max_length=120, help_text="如：中国计量大学党委巡察办")
    parent = forms.ModelChoiceField(label="上级巡察办", queryset=Office.objects.none(), required=False)


class SettingsForm(ChineseErrorsMixin, forms.Form):
    term_start = forms.DateField(label="本届起始日期", required=False, widget=DATE,
                                 help_text="届内巡察全覆盖自此日起计算；不填则沿用上级巡察办的设置，再无则按近几年计算")
    term_years = forms.IntegerField(label="每届年限", min_value=1, max_value=10, initial=5)

    def __init__(self, *args: Any, inherited: dict[str, int] | None = None, **kwargs: Any) -> None:
        """`inherited`: what each limit is when left blank (the office above's, else the platform's)."""
        super().__init__(*args, **kwargs)
        for name, (setting, label, unit) in LIMITS.items():
            value = (inherited or {}).get(name, getattr(settings, setting))
            shown = "按月计" if name in ZERO_ALLOWED and value == 0 else f"{value}{unit}"
            self.fields[name] = forms.IntegerField(
                label=f"{label}（{unit}）", min_value=0 if name in ZERO_ALLOWED else 1, max_value=365, required=False,
                help_text=f"不填则沿用上级巡察办的设置，再无则按平台默认值；现沿用：{shown}")
        for kind, label in BRIEFING_KIND_LABELS.items():
            self.fields[f"asks_{kind}"] = forms.CharField(label=f"巡前情况通报函件内容：{label}", max_length=2000, required=False,
                                                          widget=forms.Textarea(attrs={"rows": 2}))


def _crumbs() -> list[tuple[str, str]]:
    return [("统计看板", reverse("dashboard:index")), ("巡察办", reverse("dashboard:offices"))]


@login_required
def office_new(request: AuthedRequest) -> HttpResponse:
    parents = own_office_list(user=request.user)
    if not parents.exists():
        raise NotFound
    form = OfficeForm(request.POST or None, initial={"parent": parents.first()})
    form.fields["parent"].queryset = parents  # type: ignore[attr-defined]
    form.fields["parent"].required = True
    if request.method == "POST":
        made = form_submit(form, lambda d: services_offices.office_create(actor=request.user, name=d["name"], parent=d["parent"],
                                                                          request=request))
        if made is not None:
            messages.success(request, f"已设立{made.name}。")
            return redirect("dashboard:offices")
    return render(request, "inspections/office_form.html", {"form": form, "title": "设立巡察办", "crumbs": _crumbs()},
                  status=400 if form.errors else 200)


@login_required
def office_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    office = office_edit_get(user=request.user, pk=pk)
    parents = own_office_list(user=request.user).exclude(pk__in=subtree_ids(office))
    form = OfficeForm(request.POST or None, initial={"name": office.name, "parent": office.parent_id})
    form.fields["parent"].queryset = parents  # type: ignore[attr-defined]
    form.fields["parent"].required = office.parent_id is not None
    if request.method == "POST":
        done = form_submit(form, lambda d: services_offices.office_update(actor=request.user, office=office, name=d["name"],
                                                                          parent=d["parent"], request=request))
        if done is not None:
            messages.success(request, "已保存。")
            return redirect("dashboard:offices")
    return render(request, "inspections/office_form.html", {"form": form, "office": office, "title": f"修改巡察办：{office.name}",
                                                            "crumbs": _crumbs()}, status=400 if form.errors else 200)


@login_required
def office_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    office = office_settings_get(user=request.user, pk=pk)
    row = OfficeSettings.objects.filter(office=office).first()
    initial: dict[str, Any] = {}
    if row is not None:
        initial = {"term_start": row.term_start, "term_years": row.term_years, **{n: getattr(row, n) for n in LIMITS},
                   **{f"asks_{k}": v for k, v in (row.briefing_asks or {}).items()}}
    # Left blank, a limit is the office above's (for the root: the platform's).
    inherited = {n: office_limit(office.parent_id, n) if office.parent_id else int(getattr(settings, LIMITS[n][0]))
                 for n in LIMITS}
    form = SettingsForm(request.POST or None, initial=initial or {"term_years": 5}, inherited=inherited)
    if request.method == "POST":
        done = form_submit(form, lambda d: services_offices.office_settings_save(
            actor=request.user, office=office, term_start=d["term_start"], term_years=d["term_years"],
            limits={n: d[n] for n in LIMITS}, briefing_asks={k: d[f"asks_{k}"] for k in BRIEFING_KIND_LABELS}, request=request))
        if done is not None:
            messages.success(request, "已保存巡察办设置。")
            return redirect("inspections:office_settings", pk=pk)
    return render(request, "inspections/office_form.html", {
        "form": form, "office": office, "title": f"巡察办设置：{office.name}", "crumbs": _crumbs(),
        "calendar_url": reverse("inspections:office_calendar", args=[office.pk])}, status=400 if form.errors else 200)


@login_required
def office_calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office's own holidays and adjusted working days (its admins'): they apply to the inspections of the
    office and its subtree, over the platform's and those of the offices above, the nearest winning."""
    office = office_settings_get(user=request.user, pk=pk)
    form = CalendarDayForm(request.POST or None, prefix="d")
    if request.method == "POST":
        done = form_submit(form, lambda d: services.calendar_day_set(actor=request.user, office=office, request=request, **d))
        if done is not None:
            messages.success(request, "已保存本巡察办的节假日调整。")
            return redirect("inspections:office_calendar", pk=pk)
    calc, result = WorkdayCalcForm(request.GET or None), None
    if request.GET and calc.is_valid():
        cal = calendar_for(office.pk)
        start, n = calc.cleaned_data["start"], calc.cleaned_data["days"]
        end = cal.add_working_days(start, n)
        result = {"start": start, "days": n, "end": end, "covers": cal.covers(start) and cal.covers(end)}
    inherited = CalendarDay.objects.filter(office_id__in=office_chain(office.pk)[1:]).select_related("office")
    crumbs = [*_crumbs(), (f"巡察办设置：{office.name}", reverse("inspections:office_settings", args=[pk]))]
    return render(request, "inspections/office_calendar.html", {
        "office": office, "days": office_calendar_day_list(office=office), "inherited": inherited, "form": form, "calc": calc,
        "result": result, "crumbs": crumbs}, status=400 if form.errors else 200)


@login_required
@require_POST
def office_calendar_delete(request: AuthedRequest, pk: int, day_id: int) -> HttpResponse:
    office = office_settings_get(user=request.user, pk=pk)
    day = office_calendar_day_list(office=office).filter(pk=day_id).first()
    if day is None:
        raise NotFound
    services.calendar_day_delete(actor=request.user, day=day, request=request)
    messages.success(request, "已删除。")
    return redirect("inspections:office_calendar", pk=pk)


class ParentOrgForm(ChineseErrorsMixin, forms.Form):
    parent_org = forms.ModelChoiceField(label="上级党组织", queryset=TargetOrg.objects.none(), required=False,
                                        help_text="如：学院党委的上级为学校党委；不选则为顶层党组织")


@login_required
def target_parent(request: AuthedRequest, pk: int) -> HttpResponse:
    """Place a target in the party-organisation tree, among the targets of the offices the user reads."""
    target = target_get(user=request.user, pk=pk)
    form = ParentOrgForm(request.POST or None, initial={"parent_org": target.parent_org_id})
    form.fields["parent_org"].queryset = (  # type: ignore[attr-defined]
        target_list(user=request.user).filter(archived_at__isnull=True).exclude(pk=target.pk))
    if request.method == "POST":
        done = form_submit(form, lambda d: services_offices.target_parent_set(actor=request.user, target=target,
                                                                              parent=d["parent_org"], request=request))
        if done is not None:
            messages.success(request, "已保存上级党组织。")
            return redirect("inspections:target", pk=pk)
    return render(request, "inspections/office_form.html", {
        "form": form, "title": f"上级党组织：{target.name}",
        "crumbs": [("被巡察党组织", reverse("inspections:targets")), (target.name, reverse("inspections:target", args=[pk]))]},
        status=400 if form.errors else 200)
