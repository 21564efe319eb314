"""Staff pages of inspections: list, detail, create/edit, channels, meeting, announcement documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.access import actor_of
from xuncha.accounts.http import AuthedRequest
from xuncha.accounts.roles import Role
from xuncha.audit.services import audit_record
from xuncha.errors import NotFound
from xuncha.web import attachment, form_submit

from . import documents, services
from .forms import ChannelForm, HoursFormSet, InspectionCreateForm, InspectionEditForm, MeetingForm, SpeakerFormSet
from .models import Channel, Inspection, TargetOrg
from .selectors import (
    calendar_of,
    can_plan,
    inspection_get,
    inspection_list,
    inspection_period_status,
    inspection_role,
    intake_status,
    missing_channels,
    target_choices,
)
from .selectors_offices import office_q
from .urls_public import public_path, public_url


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request.user)
    # Every role with work to do lands on 我的待办 (xuncha.todo, named by URL: it is a layer above).
    if actor.has(Role.OFFICE_ADMIN, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.LIAISON, Role.RECIPIENT):
        return redirect("todo:index")
    if actor.is_auditor:
        return redirect("audit:list")
    if actor.is_sysadmin:
        return redirect("accounts:users")
    return render(request, "inspections/home.html")


def _require_planner(request: AuthedRequest) -> None:
    """The planning pages are the office's; anyone else does not find them."""
    if not can_plan(request.user):
        raise NotFound


@login_required
def inspection_list_view(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    archived = request.GET.get("archived") == "1"
    # Archived inspections only when asked for (they are kept with their cases, not deleted).
    qs = inspection_list(user=request.user).filter(archived_at__isnull=not archived)
    # missing=channels: those with no acceptance channel yet (the office's to-do line lists the same).
    missing = request.GET.get("missing") == "channels"
    if missing:
        qs = qs.filter(missing_channels())
    rows = [(i, inspection_period_status(i, today), intake_status(i, today)) for i in qs]
    return render(request, "inspections/list.html", {"rows": rows, "can_plan": can_plan(request.user), "archived": archived,
                                                     "missing": missing})


@login_required
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=pk)
    cal = calendar_of(inspection)
    today = timezone.localdate()
    audit_record(actor=request.user, action="inspection.view", obj=inspection, summary=f"查看巡察任务：{inspection}", request=request)
    meeting = getattr(inspection, "meeting", None)
    context = {
        "inspection": inspection,
        "role": inspection_role(user=request.user, inspection=inspection),
        "can_plan": can_plan(request.user),
        "period_status": inspection_period_status(inspection, today),
        "intake_status": intake_status(inspection, today),
        "working_days_total": cal.working_days_between(inspection.start_date, inspection.end_date),
        "calendar_covers": cal.covers(inspection.start_date) and cal.covers(inspection.end_date),
        "meeting": meeting,
        "speakers": list(meeting.speakers.all()) if meeting else [],
        "public_url": public_url(inspection),
        "public_path": public_path(inspection),
        "crumbs": [("巡察任务", reverse("inspections:list"))],
    }
    return render(request, "inspections/detail.html", context)


@login_required
def inspection_create(request: AuthedRequest) -> HttpResponse:
    _require_planner(request)
    initial: dict[str, Any] = {}
    prefill = request.GET.get("target", "")
    if prefill.isdigit():
        chosen = TargetOrg.objects.filter(pk=int(prefill), archived_at__isnull=True).first()
        initial["target"] = chosen.name if chosen else ""
    form = InspectionCreateForm(request.POST or None, initial=initial, round_q=office_q(request.user),
                                team_q=office_q(request.user, "round__office_id"))
    if request.method == "POST":
        obj = form_submit(form, lambda data: services.inspection_create(actor=request.user, request=request, **data))
        if obj is not None:
            messages.success(request, f"已创建巡察任务，结束日期为 {obj.end_date:%Y年%m月%d日}。请继续添加受理渠道。")
            return redirect("inspections:detail", pk=obj.pk)
    # Without JavaScript the datalist still offers the matches of what was typed (after a submit).
    typed = request.POST.get("target", "") if request.method == "POST" else ""
    options = target_choices(user=request.user, q=typed) if typed else []
    return render(request, "inspections/form.html", {
        "form": form, "title": "新建巡察任务", "target_options": options, "target_search": True,
        "crumbs": [("巡察任务", reverse("inspections:list"))]})


@login_required
def inspection_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    inspection = inspection_get(user=request.user, pk=pk)
    initial = {f: getattr(inspection, f) for f in ("start_date", "end_date", "working_days", "duration_text", "intake_start",
                                                   "intake_end", "postmark_counts", "scope_text", "is_practice")}
    form = InspectionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_submit(
            form, lambda data: services.inspection_update(actor=request.user, inspection=inspection, request=request, **data)) is not None:
        messages.success(request, "已保存。")
        return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": f"修改：{inspection}", "inspection": inspection,
        "crumbs": [("巡察任务", reverse("inspections:list")), (str(inspection), reverse("inspections:detail", args=[inspection.pk]))]})


def _hours_from(formset: Any) -> list[tuple[str, Any, Any]]:
    rows = []
    for f in formset.forms:
        data = f.cleaned_data
        if data and not data.get("DELETE") and data.get("start") and data.get("end"):
            rows.append((data["days"], data["start"], data["end"]))
    return rows


@login_required
def channel_edit(request: AuthedRequest, pk: int, channel_id: int | None = None) -> HttpResponse:
    _require_planner(request)
    inspection = inspection_get(user=request.user, pk=pk)
    channel = None
    if channel_id is not None:
        channel = Channel.objects.filter(pk=channel_id, inspection=inspection).first()
        if channel is None:
            raise NotFound
    initial = {}
    hours_initial: list[dict[str, Any]] = []
    if channel is not None:
        initial = {f: getattr(channel, f) for f in ("kind", "label", "value", "postcode", "location", "note", "order")}
        hours_initial = [{"days": h.days, "start": h.start, "end": h.end} for h in channel.hours.all()]
    form = ChannelForm(request.POST or None, initial=initial)
    formset = HoursFormSet(request.POST or None, initial=hours_initial, prefix="hours")
    if request.method == "POST" and formset.is_valid() and form_submit(form, lambda data: services.channel_save(
            actor=request.user, inspection=inspection, channel=channel, request=request,
            kind=data["kind"], label=data["label"], value=data["value"], postcode=data["postcode"],
            location=data["location"], note=data["note"], order=data["order"] or 0, hours=_hours_from(formset))) is not None:
        messages.success(request, "受理渠道已保存。")
        return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/channel_form.html", {"form": form, "formset": formset, "inspection": inspection, "channel": channel})


@login_required
@require_POST
def channel_delete(request: AuthedRequest, pk: int, channel_id: int) -> HttpResponse:
    _require_planner(request)
    inspection = inspection_get(user=request.user, pk=pk)
    channel = Channel.objects.filter(pk=channel_id, inspection=inspection).first()
    if channel is None:
        raise NotFound
    services.channel_delete(actor=request.user, channel=channel, request=request)
    messages.success(request, "受理渠道已删除。")
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
def meeting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    inspection = inspection_get(user=request.user, pk=pk)
    meeting = getattr(inspection, "meeting", None)
    initial: dict[str, Any] = {"date": inspection.start_date}
    speakers_initial: list[dict[str, Any]] = []
    if meeting is not None:
        initial = {f: getattr(meeting, f) for f in ("date", "part_of_day", "time", "place", "host", "attendees", "observers")}
        speakers_initial = [{"name": s.name, "title": s.title, "speech": s.speech} for s in meeting.speakers.all()]
    form = MeetingForm(request.POST or None, initial=initial)
    formset = SpeakerFormSet(request.POST or None, initial=speakers_initial, prefix="speakers")
    if request.method == "POST" and formset.is_valid():
        speakers = [(f.cleaned_data["name"], f.cleaned_data.get("title", ""), f.cleaned_data.get("speech", ""))
                    for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if form_submit(form, lambda data: services.meeting_save(
                actor=request.user, inspection=inspection, speakers=speakers, request=request, **data)) is not None:
            messages.success(request, "动员会信息已保存。")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/meeting_form.html", {"form": form, "formset": formset, "inspection": inspection})


def _document_access(request: AuthedRequest, pk: int, kind: str) -> Inspection:
    inspection = inspection_get(user=request.user, pk=pk)
    if inspection_role(user=request.user, inspection=inspection) == "liaison":
        raise NotFound  # the staff's documents: a liaison sees the inspection, not these
    audit_record(actor=request.user, action=f"export.{kind}", obj=inspection, summary=f"导出{kind}：{inspection}", request=request)
    return inspection


@login_required
def announcement_view(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=pk)
    text = documents.announcement_text(inspection)
    cal = calendar_of(inspection)
    covers = cal.covers(inspection.start_date) and cal.covers(inspection.end_date)
    return render(request, "inspections/announcement.html", {"inspection": inspection, "text": text, "calendar_covers": covers})


@login_required
def announcement_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _document_access(request, pk, "announcement_docx")
    content = documents.announcement_docx(inspection)
    return attachment(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", f"巡察公告-{inspection.target.name}.docx")


@login_required
def letterbox_notice_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _document_access(request, pk, "letterbox_notice_pdf")
    content = documents.letterbox_notice_pdf(inspection, calendar_of(inspection), public_url(inspection))
    return attachment(content, "application/pdf", f"联系信箱告示-{inspection.target.name}.pdf")
