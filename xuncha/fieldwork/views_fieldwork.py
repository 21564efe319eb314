"""Pages across an inspection's fieldwork: the overview (one list by date, 必谈 not yet talked to, open
leads), the interview schedule (the office with the figures, the liaison without reasons) and its
printable .docx/.pdf, the leads list with close-with-reason, and the records of visits and meetings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.uploads import MultipleFileField
from xuncha.web import attachment, form_submit

from . import documents_talks
from . import selectors_fieldwork as fsel
from . import selectors_talks as sel
from .forms_talks import DATE, ReasonForm
from .models import Lead
from .models.visits import VisitKind
from .services_leads import lead_close
from .services_visits import FieldRecordInput, field_attachment_read, field_record_create


def _crumbs(inspection: object, pk: int) -> list[tuple[str, str]]:
    return [(str(inspection), reverse("inspections:detail", args=[pk]))]


@login_required
@never_cache
def overview(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    return render(request, "fieldwork/overview.html", {
        "inspection": inspection, "entries": fsel.timeline(inspection), "counts": sel.interview_counts(inspection),
        "outstanding": [(it, sel.masked(it)) for it in sel.must_outstanding(inspection)],
        "open_leads": inspection.leads.filter(state=Lead.State.OPEN).count(), "kinds": VisitKind.choices,
        "crumbs": _crumbs(inspection, pk)})


@login_required
@never_cache
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk, kind=Kind.SCHEDULE)
    rows = sel.schedule(user=request.user, inspection=inspection)
    team = allows(request.user, Kind.FIELDWORK, Purpose.READ, inspection)
    counts = sel.interview_counts(inspection) if allows(request.user, Kind.DASHBOARD, Purpose.READ, inspection) else None
    crumbs = _crumbs(inspection, pk)
    if team:
        crumbs.append(("巡察工作", reverse("fieldwork:overview", args=[pk])))
    return render(request, "fieldwork/schedule.html", {
        "inspection": inspection, "rows": rows, "counts": counts, "team": team, "crumbs": crumbs,
        "printable": allows(request.user, Kind.FIELDWORK, Purpose.APPROVE, inspection) or not (team or counts)})


def _printed(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The printed schedule names the interviewees: the liaison's and the team leaders' (audited)."""
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk, kind=Kind.SCHEDULE)
    team = allows(request.user, Kind.FIELDWORK, Purpose.READ, inspection)
    if team and not allows(request.user, Kind.FIELDWORK, Purpose.APPROVE, inspection):
        from xuncha.errors import NotAllowed
        raise NotAllowed("谈话安排表列有谈话对象姓名，由组长、副组长打印交联络员。")
    if not team and allows(request.user, Kind.DASHBOARD, Purpose.READ, inspection):
        from xuncha.errors import NotFound
        raise NotFound
    rows = sel.schedule(user=request.user, inspection=inspection, for_liaison=True)
    audit_record(actor=request.user, action="interview.schedule_print", obj=inspection, request=request,
                 summary=f"导出谈话安排表（{fmt}，{len(rows)} 场）")
    name = f"{documents_talks.title(inspection)}.{fmt}"
    if fmt == "docx":
        return attachment(documents_talks.schedule_docx(inspection, rows),
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name)
    return attachment(documents_talks.schedule_pdf(inspection, rows), "application/pdf", name)


@login_required
def schedule_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _printed(request, pk, "docx")


@login_required
def schedule_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _printed(request, pk, "pdf")


@login_required
@never_cache
def leads(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    return render(request, "fieldwork/leads.html", {
        "inspection": inspection, "leads": fsel.lead_list(user=request.user, inspection=inspection), "form": ReasonForm(),
        "crumbs": [*_crumbs(inspection, pk), ("巡察工作", reverse("fieldwork:overview", args=[pk]))]})


@login_required
@require_POST
def lead_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = fsel.lead_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form_submit(form, lambda d: lead_close(actor=request.user, lead=lead, reason=d["reason"], request=request)) is None:
        messages.error(request, "；".join([*form.non_field_errors(), *form.errors.get("reason", [])]) or "未能了结。")
    else:
        messages.success(request, f"{lead} 已了结。")
    return redirect("fieldwork:leads", pk=lead.inspection_id)


class FieldRecordForm(forms.Form):
    kind = forms.ChoiceField(label="工作方式", choices=VisitKind.choices)
    held_on = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="事由", max_length=200, help_text="如：走访后勤处、教师座谈会、列席党委会。")
    place = forms.CharField(label="地点", max_length=120, required=False)
    participants = forms.CharField(label="参加人员（座谈会：每行“类别 人数”，如“教师 8”）", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.CharField(label="议题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label="议定事项（组务会）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    leads = forms.CharField(label="发现的问题（每行一个，转为待核实问题）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label="附件", required=False)

    def clean_participants(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for line in str(self.cleaned_data.get("participants") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(f"无法识别“{line.strip()[:30]}”，请写成“类别 人数”。")
            out.append({"category": parts[0], "count": int(parts[1])})
        return out


@login_required
def field_record_new(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = sel.fieldwork_inspection_get(user=request.user, pk=pk)
    kind = request.GET.get("kind", VisitKind.VISIT)
    form = FieldRecordForm(request.POST or None, request.FILES or None, initial={"kind": kind})
    if request.method == "POST":
        record = form_submit(form, lambda d: field_record_create(actor=request.user, inspection=inspection, request=request,
                                                                 data=FieldRecordInput(
            kind=d["kind"], held_on=d["held_on"], title=d["title"], place=d["place"], participants=d["participants"],
            topics=d["topics"], notes=d["notes"], decisions=d["decisions"], leads=d["leads"].splitlines(), files=d["attachments"])))
        if record is not None:
            messages.success(request, f"已保存{record.label}。")
            return redirect("fieldwork:field_record", pk=record.pk)
    return render(request, "fieldwork/field_record_form.html", {
        "inspection": inspection, "form": form,
        "crumbs": [*_crumbs(inspection, pk), ("巡察工作", reverse("fieldwork:overview", args=[pk]))]},
        status=400 if form.errors else 200)


@login_required
def field_record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = fsel.field_record_get(user=request.user, pk=pk)
    inspection = record.inspection
    leads = Lead.objects.filter(inspection=inspection, source__in=[Lead.Source.VISIT, Lead.Source.MEETING], source_id=record.pk)
    return render(request, "fieldwork/field_record.html", {
        "record": record, "inspection": inspection, "leads": leads,
        "crumbs": [*_crumbs(inspection, inspection.pk), ("巡察工作", reverse("fieldwork:overview", args=[inspection.pk]))]})


@login_required
@never_cache
def field_attachment_download(request: AuthedRequest, pk: int) -> HttpResponse:
    found = fsel.field_attachment_get(user=request.user, pk=pk)
    content = field_attachment_read(actor=request.user, attachment=found, request=request)
    return attachment(content, found.content_type, found.original_name)
