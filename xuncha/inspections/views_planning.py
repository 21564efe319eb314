"""Office pages for planning: rounds, teams with members and conflicts, targets, the calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.web import form_submit

from . import services
from .forms import CalendarDayForm, ConflictForm, RoundCreateForm, TargetCreateForm, TeamForm, TeamMemberForm, WorkdayCalcForm
from .models import CalendarDay
from .selectors import calendar_day_list, calendar_for, calendar_get, can_plan, inspection_list, round_get, team_get
from .selectors_offices import office_list
from .views_master import rounds_listing, targets_listing


@login_required
def rounds(request: AuthedRequest) -> HttpResponse:
    listing = rounds_listing(request)  # NotFound for anyone but the office
    form = RoundCreateForm(request.POST or None, offices=office_list(user=request.user))
    if request.method == "POST":
        obj = form_submit(form, lambda data: services.round_create(actor=request.user, request=request, **data))
        if obj is not None:
            messages.success(request, f"已创建巡察轮次：{obj.name}")
            return redirect("inspections:round", pk=obj.pk)
    return render(request, "inspections/rounds.html", {**listing, "form": form})


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = round_get(user=request.user, pk=pk)
    archived = request.GET.get("archived") == "1"
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        team = form_submit(form, lambda data: services.team_create(actor=request.user, round=obj, name=data["name"], request=request))
        if team is not None:
            messages.success(request, f"已组建{team.name}，请添加成员。")
            return redirect("inspections:team", pk=team.pk)
    return render(request, "inspections/round_detail.html", {
        "round": obj, "form": form, "teams": [t for t in obj.teams.all() if archived or t.archived_at is None], "archived": archived,
        "crumbs": [("轮次与巡察组", reverse("inspections:rounds"))]})


@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=pk)
    planner = can_plan(request.user)
    member_form = TeamMemberForm(prefix="m")
    conflict_form = ConflictForm(prefix="c", team=team)
    if request.method == "POST":
        if not planner:
            raise NotFound
        if "m-name" in request.POST:
            member_form = TeamMemberForm(request.POST, prefix="m")
            if form_submit(member_form, lambda data: services.team_member_add(
                    actor=request.user, team=team, request=request, **data)) is not None:
                messages.success(request, "已添加成员。")
                return redirect("inspections:team", pk=team.pk)
        else:
            conflict_form = ConflictForm(request.POST, prefix="c", team=team)
            if form_submit(conflict_form, lambda data: services.conflict_declare(actor=request.user, request=request, **data)) is not None:
                messages.success(request, "已登记回避申报。")
                return redirect("inspections:team", pk=team.pk)
    # Only the inspections this user may see (a member who declared a conflict does not see that one).
    visible = inspection_list(user=request.user).filter(team=team).select_related("target")
    crumbs = [("轮次与巡察组", reverse("inspections:rounds")), (team.round.name, reverse("inspections:round", args=[team.round_id]))]
    return render(request, "inspections/team_detail.html",
                  {"team": team, "planner": planner, "member_form": member_form, "conflict_form": conflict_form,
                   "inspections": visible, "crumbs": crumbs if planner else []})


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    listing = targets_listing(request)  # NotFound for anyone but the office
    form = TargetCreateForm(request.POST or None, offices=office_list(user=request.user))
    if request.method == "POST" and form_submit(
            form, lambda data: services.target_create(actor=request.user, request=request, **data)) is not None:
        messages.success(request, "已登记。")
        return redirect("inspections:targets")
    return render(request, "inspections/targets.html", {**listing, "form": form})


@login_required
def calendar_view(request: AuthedRequest) -> HttpResponse:
    days = calendar_day_list(user=request.user)
    form = CalendarDayForm(request.POST or None, prefix="d")
    if request.method == "POST" and form_submit(
            form, lambda data: services.calendar_day_set(actor=request.user, request=request, **data)) is not None:
        messages.success(request, "已保存节假日调整。")
        return redirect("inspections:calendar")
    calc = WorkdayCalcForm(request.GET or None, offices=office_list(user=request.user))
    result = None
    if request.GET and calc.is_valid():
        chosen = calc.cleaned_data.get("office")
        cal = calendar_get() if chosen is None else calendar_for(chosen.pk)
        start, n = calc.cleaned_data["start"], calc.cleaned_data["days"]
        end = cal.add_working_days(start, n)
        result = {"start": start, "days": n, "end": end, "covers": cal.covers(start) and cal.covers(end), "office": chosen}
    return render(request, "inspections/calendar.html", {"days": days, "form": form, "calc": calc, "result": result})


@login_required
@require_POST
def calendar_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    day = calendar_day_list(user=request.user).filter(pk=pk).first()
    if not isinstance(day, CalendarDay):
        raise NotFound
    services.calendar_day_delete(actor=request.user, day=day, request=request)
    messages.success(request, "已删除。")
    return redirect("inspections:calendar")
