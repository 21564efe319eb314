"""Office pages for the master data: searchable, paginated lists of rounds, teams, people, targets and
receiving bodies; edit, close and archive; liaisons of a target and recipients of a body; the target
search endpoint of the inspection form. Everyone but the office finds none of them (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.errors import Conflict, NotFound
from xuncha.paging import paginate
from xuncha.web import form_submit

from . import services_master
from .forms import AccountForm, MemberEditForm, RoundForm, TargetForm, TeamForm
from .models import Inspection
from .selectors import (
    body_get,
    body_search,
    can_plan,
    inspection_get,
    inspection_list,
    member_get,
    member_search,
    role_holders,
    round_get,
    round_search,
    target_choices,
    target_get,
    target_search,
    team_get,
    team_search,
)

PAGE_SIZE = 30
Crumbs = list[tuple[str, str]]


def _planner(request: AuthedRequest) -> None:
    if not can_plan(request.user):
        raise NotFound


def _listing(request: AuthedRequest, qs: QuerySet[Any], flag: str) -> dict[str, Any]:
    """The list context: the page, the filter values and the query string the pager keeps."""
    q = request.GET.get("q", "").strip()[:60]
    shown = request.GET.get(flag) == "1"
    page = paginate(qs, request.GET.get("page"), PAGE_SIZE)
    keep = {k: v for k, v in (("q", q), (flag, "1" if shown else "")) if v}
    return {"page": page, "q": q, "flag": flag, "shown": shown, "query": urlencode(keep)}


# --- rounds -----------------------------------------------------------------------------------------


@login_required
def round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    obj = round_get(user=request.user, pk=pk)
    initial = {f: getattr(obj, f) for f in ("name", "kind", "organizer", "year", "description", "focus_wording")}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_submit(
            form, lambda d: services_master.round_update(actor=request.user, round=obj, request=request, **d)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:round", pk=obj.pk)
    crumbs = [("轮次与巡察组", reverse("inspections:rounds")), (obj.name, reverse("inspections:round", args=[obj.pk]))]
    return _edit_page(request, form, f"修改巡察轮次：{obj.name}", crumbs)


def _state_change(request: AuthedRequest, act: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """A POST that closes or archives: the service's refusal (already closed …) is shown as a message."""
    try:
        act()
    except Conflict as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    obj = round_get(user=request.user, pk=pk)
    return _state_change(request, lambda: services_master.round_close(actor=request.user, round=obj, request=request),
                         "轮次已关闭，不能再组建巡察组或安排巡察任务。", reverse("inspections:round", args=[obj.pk]))


@login_required
@require_POST
def round_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    obj = round_get(user=request.user, pk=pk)
    return _state_change(request, lambda: services_master.round_archive(actor=request.user, round=obj, request=request),
                         "轮次已归档，默认列表中不再显示。", reverse("inspections:round", args=[obj.pk]))


# --- teams and people -------------------------------------------------------------------------------


@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    _planner(request)
    archived = request.GET.get("archived") == "1"
    ctx = _listing(request, team_search(user=request.user, q=request.GET.get("q", ""), archived=archived), "archived")
    return render(request, "inspections/teams.html", {**ctx, "crumbs": [("轮次与巡察组", reverse("inspections:rounds"))]})


@login_required
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    team = team_get(user=request.user, pk=pk)
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form_submit(
            form, lambda d: services_master.team_update(actor=request.user, team=team, name=d["name"], request=request)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:team", pk=team.pk)
    return _edit_page(request, form, f"修改巡察组：{team.name}", _team_crumbs(team))


def _team_crumbs(team: Any) -> Crumbs:
    return [("轮次与巡察组", reverse("inspections:rounds")), (team.round.name, reverse("inspections:round", args=[team.round_id])),
            (team.name, reverse("inspections:team", args=[team.pk]))]


@login_required
@require_POST
def team_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    team = team_get(user=request.user, pk=pk)
    return _state_change(request, lambda: services_master.team_archive(actor=request.user, team=team, request=request),
                         f"{team.name}已撤销。", reverse("inspections:team", args=[team.pk]))


@login_required
def member_edit(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    _planner(request)
    team = team_get(user=request.user, pk=pk)
    member = member_get(user=request.user, team=team, pk=member_id)
    form = MemberEditForm(request.POST or None, initial={"name": member.name, "position": member.position, "title": member.title})
    if request.method == "POST" and form_submit(form, lambda d: services_master.team_member_update(
            actor=request.user, member=member, request=request, **d)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:team", pk=team.pk)
    return _edit_page(request, form, f"修改成员：{member.name}", _team_crumbs(team))


@login_required
@require_POST
def member_leave(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    _planner(request)
    team = team_get(user=request.user, pk=pk)
    member = member_get(user=request.user, team=team, pk=member_id)
    return _state_change(request, lambda: services_master.team_member_leave(actor=request.user, member=member, request=request),
                         f"{member.name}已离组。", reverse("inspections:team", args=[team.pk]))


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    _planner(request)
    left = request.GET.get("left") == "1"
    ctx = _listing(request, member_search(user=request.user, q=request.GET.get("q", ""), left=left), "left")
    return render(request, "inspections/people.html", {**ctx, "crumbs": [("轮次与巡察组", reverse("inspections:rounds"))]})


# --- targets ----------------------------------------------------------------------------------------


@login_required
def target_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form_submit(form, lambda d: services_master.liaison_add(
            actor=request.user, target=target, user=d["username"], request=request)) is not None:
        messages.success(request, "已指定整改联络员。")
        return redirect("inspections:target", pk=target.pk)
    inspections = inspection_list(user=request.user).filter(target=target).order_by("-start_date")
    return render(request, "inspections/target_detail.html", {
        "target": target, "form": form, "liaisons": role_holders(role=Role.LIAISON, org=target), "inspections": inspections,
        "crumbs": [("被巡察党组织", reverse("inspections:targets"))]})


@login_required
@require_POST
def target_liaison_remove(request: AuthedRequest, pk: int, user_id: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound
    return _state_change(request, lambda: services_master.liaison_remove(actor=request.user, target=target, user=user, request=request),
                         f"已取消{user}的联络员身份。", reverse("inspections:target", args=[target.pk]))


@login_required
def target_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    form = TargetForm(request.POST or None, initial={f: getattr(target, f) for f in ("name", "short_name", "parent", "address")})
    if request.method == "POST" and form_submit(
            form, lambda d: services_master.target_update(actor=request.user, target=target, request=request, **d)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:target", pk=target.pk)
    crumbs = [("被巡察党组织", reverse("inspections:targets")), (target.name, reverse("inspections:target", args=[target.pk]))]
    return _edit_page(request, form, f"修改：{target.name}", crumbs)


@login_required
@require_POST
def target_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    target = target_get(user=request.user, pk=pk)
    return _state_change(request, lambda: services_master.target_archive(actor=request.user, target=target, request=request),
                         f"“{target.name}”已归档。", reverse("inspections:target", args=[target.pk]))


@login_required
@require_GET
def target_search_json(request: AuthedRequest) -> JsonResponse:
    """The candidates of the inspection form's target field: {"results": [{"id", "name"}]}, at most 20."""
    _planner(request)
    found = target_choices(user=request.user, q=request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": t.pk, "name": t.name, "short_name": t.short_name} for t in found]})


# --- receiving bodies -------------------------------------------------------------------------------


@login_required
def bodies(request: AuthedRequest) -> HttpResponse:
    _planner(request)
    ctx = _listing(request, body_search(user=request.user, q=request.GET.get("q", "")), "")
    return render(request, "inspections/bodies.html", {**ctx, "crumbs": []})


@login_required
def body_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _planner(request)
    body = body_get(user=request.user, pk=pk)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form_submit(form, lambda d: services_master.recipient_add(
            actor=request.user, body=body, user=d["username"], request=request)) is not None:
        messages.success(request, "已指定接收人。")
        return redirect("inspections:body", pk=body.pk)
    return render(request, "inspections/body_detail.html", {
        "body": body, "form": form, "recipients": role_holders(role=Role.RECIPIENT, body=body),
        "crumbs": [("线索接收单位", reverse("inspections:bodies"))]})


@login_required
@require_POST
def body_recipient_remove(request: AuthedRequest, pk: int, user_id: int) -> HttpResponse:
    _planner(request)
    body = body_get(user=request.user, pk=pk)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound
    return _state_change(request, lambda: services_master.recipient_remove(actor=request.user, body=body, user=user, request=request),
                         f"已取消{user}的接收人身份。", reverse("inspections:body", args=[body.pk]))


# --- inspections ------------------------------------------------------------------------------------


def _inspection(request: AuthedRequest, pk: int) -> Inspection:
    _planner(request)
    return inspection_get(user=request.user, pk=pk)


@login_required
@require_POST
def inspection_close(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = _inspection(request, pk)
    return _state_change(request, lambda: services_master.inspection_close(actor=request.user, inspection=obj, request=request),
                         "巡察任务已关闭：公开页面不再接受网上反映。", reverse("inspections:detail", args=[obj.pk]))


@login_required
@require_POST
def inspection_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = _inspection(request, pk)
    return _state_change(request, lambda: services_master.inspection_archive(actor=request.user, inspection=obj, request=request),
                         "巡察任务已归档，默认列表中不再显示。", reverse("inspections:detail", args=[obj.pk]))


def _edit_page(request: AuthedRequest, form: Form, title: str, crumbs: Crumbs) -> HttpResponse:
    return render(request, "inspections/master_form.html", {"form": form, "title": title, "crumbs": crumbs})


def rounds_listing(request: AuthedRequest) -> dict[str, Any]:
    """The rounds page's list part (views_planning.rounds renders it with the create form)."""
    archived = request.GET.get("archived") == "1"
    return _listing(request, round_search(user=request.user, q=request.GET.get("q", ""), archived=archived), "archived")


def targets_listing(request: AuthedRequest) -> dict[str, Any]:
    archived = request.GET.get("archived") == "1"
    return _listing(request, target_search(user=request.user, q=request.GET.get("q", ""), archived=archived), "archived")
