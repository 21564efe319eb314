"""Staff pages of individual talks: the interview list of an inspection (generate 必谈, add 选谈/约谈),
one talk (masked identity and the leader's reveal, schedule with clashes, cancel, declare a relation,
outline, record with matters and leads). The team's only: anyone else finds none of them (404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.web import form_submit

from . import selectors_talks as sel
from . import services_talks as talks
from .forms_talks import (
    InterviewForm,
    MatterFormSet,
    MatterLeadForm,
    OutlineForm,
    ReasonForm,
    RecordForm,
    RelationForm,
    RevealForm,
    ScheduleForm,
)
from .models.talks import Interview, InterviewCategory, InterviewMatter, InterviewState
from .services_leads import lead_suggestion

IDENTITY_LABELS = {"name": "姓名", "post": "单位、职务", "contact": "联系方式"}


def _crumbs(inspection: Any) -> list[tuple[str, str]]:
    return [(str(inspection), reverse("inspections:detail", args=[inspection.pk])),
            ("巡察工作", reverse("fieldwork:overview", args=[inspection.pk]))]


@login_required
@never_cache
def interview_list(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    form = InterviewForm(request.POST or None)
    if request.method == "POST":
        created = form_submit(form, lambda d: talks.interview_create(
            actor=request.user, inspection=inspection, category=d["category"], topic=d["topic"], request=request,
            who=talks.IntervieweeInput(name=d["name"], post=d["post"], contact=d["contact"], kind=d["kind"])))
        if created is not None:
            messages.success(request, f"已加入谈话名单：{created.label}。")
            return redirect("fieldwork:interview", pk=created.pk)
    category, state = request.GET.get("category", ""), request.GET.get("state", "")
    rows = [(it, sel.masked(it)) for it in sel.interview_list(user=request.user, inspection=inspection, category=category, state=state)]
    return render(request, "fieldwork/interviews.html", {
        "inspection": inspection, "rows": rows, "form": form, "category": category, "state": state,
        "categories": InterviewCategory.choices, "states": InterviewState.choices, "crumbs": _crumbs(inspection),
        "outstanding": sel.must_outstanding(inspection).count()})


@login_required
@require_POST
def must_generate(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    added = talks.must_list_generate(actor=request.user, inspection=inspection, request=request)
    if added:
        messages.success(request, f"已按必谈规则新增 {added} 人。")
    elif not inspection.target.leadership.exists():
        messages.warning(request, "被巡察党组织尚无领导班子信息，请巡察办在基础数据中录入。")
    else:
        messages.info(request, "必谈名单已是最新，没有新增人员。")
    return redirect("fieldwork:interviews", pk=inspection.pk)


def _page(request: AuthedRequest, interview: Interview, status: int = 200, **forms: Any) -> HttpResponse:
    inspection = interview.inspection
    members = sel.team_members(inspection)
    record = sel.record_of(interview)
    initial = {"scheduled_at": timezone.localtime(interview.scheduled_at) if interview.scheduled_at else None,
               "room": interview.room, "duration_minutes": interview.duration_minutes,
               "interviewers": list(interview.interviewers.all()), "recorder": interview.recorder}
    matters = []
    if record is not None:
        for m in record.matters.all():
            matters.append((m, None if m.lead_id else lead_suggestion(m.text)))
    context = {
        "interview": interview, "inspection": inspection, "masked": sel.masked(interview),
        "can_reveal": sel.can_reveal(user=request.user, inspection=inspection),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(members=members, initial=initial),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
        "relation_form": forms.get("relation_form") or RelationForm(members=members),
        "outline_form": forms.get("outline_form") or OutlineForm(initial={"outline": interview.outline}),
        "reveal_form": forms.get("reveal_form") or RevealForm(),
        "record_form": forms.get("record_form") or RecordForm(),
        "matter_forms": forms.get("matter_forms") or MatterFormSet(prefix="m"),
        "lead_form": MatterLeadForm(), "identity": forms.get("identity"),
        "record": record, "matters": matters, "clashes": sel.clashes_of(user=request.user, interview=interview),
        "changes": interview.changes.select_related("by"), "related": interview.related_members.all(),
        "open": interview.state in (InterviewState.PENDING, InterviewState.SCHEDULED),
        "crumbs": [*_crumbs(inspection), ("谈话名单", reverse("fieldwork:interviews", args=[inspection.pk]))],
    }
    return render(request, "fieldwork/interview.html", context, status=status)


def _interview(request: AuthedRequest, pk: int) -> Interview:
    return sel.interview_get(user=request.user, pk=pk)


@login_required
@never_cache
def interview_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, _interview(request, pk))


@login_required
@require_POST
def interview_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    form = ScheduleForm(request.POST, members=sel.team_members(interview.inspection))
    done = form_submit(form, lambda d: talks.interview_schedule(actor=request.user, interview=interview, request=request, slot=talks.Slot(
        scheduled_at=d["scheduled_at"], room=d["room"], interviewers=list(d["interviewers"]), recorder=d["recorder"],
        duration_minutes=d["duration_minutes"], reason=d["reason"])))
    if done is None:
        return _page(request, interview, status=400, schedule_form=form)
    messages.success(request, "已保存谈话安排。")
    return redirect("fieldwork:interview", pk=interview.pk)


@login_required
@require_POST
def interview_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    form = ReasonForm(request.POST)
    if form_submit(form, lambda d: talks.interview_cancel(actor=request.user, interview=interview, reason=d["reason"], request=request)) is None:
        return _page(request, interview, status=400, cancel_form=form)
    messages.success(request, "已取消这次谈话。")
    return redirect("fieldwork:interview", pk=interview.pk)


@login_required
@require_POST
def interview_relation(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    form = RelationForm(request.POST, members=sel.team_members(interview.inspection))
    if form_submit(form, lambda d: talks.interview_declare_relation(
            actor=request.user, interview=interview, member=d["member"], reason=d["reason"], request=request)) is None:
        return _page(request, interview, status=400, relation_form=form)
    messages.success(request, "已记录回避申报。")
    return redirect("fieldwork:interview", pk=interview.pk)


@login_required
@require_POST
def interview_outline(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    form = OutlineForm(request.POST)
    if form_submit(form, lambda d: talks.interview_outline_save(actor=request.user, interview=interview, outline=d["outline"],
                                                                request=request)) is None:
        return _page(request, interview, status=400, outline_form=form)
    messages.success(request, "已保存谈话提纲。")
    return redirect("fieldwork:interview", pk=interview.pk)


@login_required
@require_POST
def interview_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    if not sel.can_reveal(user=request.user, inspection=interview.inspection):
        raise NotFound
    form = RevealForm(request.POST)
    revealed = form_submit(form, lambda d: talks.interviewee_reveal(actor=request.user, interview=interview, reason=d["reason"],
                                                                    request=request))
    identity = [(IDENTITY_LABELS[k], v) for k, v in revealed.items()] if revealed is not None else None
    return _page(request, interview, reveal_form=form, identity=identity)


def _matters(formset: Any) -> list[talks.MatterInput]:
    out = []
    for f in formset.forms:
        d = f.cleaned_data
        if not d or not d.get("text", "").strip():
            continue
        disciplines, focus = list(d.get("disciplines") or []), d.get("focus") or ""
        if d.get("as_lead") and not disciplines:
            suggestion = lead_suggestion(d["text"])
            disciplines = suggestion["disciplines"]
            focus = focus or next(iter(suggestion["focuses"]), "")
        out.append(talks.MatterInput(text=d["text"], disciplines=disciplines, as_lead=bool(d.get("as_lead")), focus=focus))
    return out


@login_required
@require_POST
def interview_record(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    form = RecordForm(request.POST, request.FILES)
    formset = MatterFormSet(request.POST, prefix="m")
    if formset.is_valid():
        done = form_submit(form, lambda d: talks.interview_record(
            actor=request.user, interview=interview, summary=d["summary"], matters=_matters(formset),
            signed_on=d["signed_on"], on_paper=d["signed"] == "paper",
            signature=d["signature"] if d["signed"] == "scan" else None, request=request))
        if done is not None:
            messages.success(request, "已保存谈话记录。")
            return redirect("fieldwork:interview", pk=interview.pk)
    return _page(request, interview, status=400, record_form=form, matter_forms=formset)


@login_required
@require_POST
def matter_lead(request: AuthedRequest, pk: int) -> HttpResponse:
    matter = InterviewMatter.objects.select_related("record__interview").filter(pk=pk).first()
    if matter is None:
        raise NotFound
    interview = _interview(request, matter.record.interview_id)
    form = MatterLeadForm(request.POST)
    if form_submit(form, lambda d: talks.matter_to_lead(actor=request.user, matter=matter, focus=d["focus"], request=request)) is None:
        messages.error(request, "；".join(str(e) for e in form.non_field_errors()) or "未能转为待核实问题。")
    else:
        messages.success(request, "已转为待核实问题。")
    return redirect("fieldwork:interview", pk=interview.pk)
