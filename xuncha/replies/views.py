"""The team's replies: a reply written on the report page, and the reply list of an inspection (every
matter answered): receipt notices and results due and overdue, closed reports without a reply, and the
reasons recorded why none is due, with a form on each row to record such a reason. The team only
(404 for everyone else)."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import NotFound
from xuncha.intake.models import ReplyExemption, Report
from xuncha.intake.selectors import report_get
from xuncha.paging import page_number
from xuncha.web import form_submit

from . import services
from .forms import ExemptForm, ReplyForm
from .selectors import TAB_LABELS, TABS, anonymous_unread_ids, reply_counts, reply_inspection_get, reply_page

PAGE_SIZE = 50
# The tab shown first: the most urgent one that has anything in it.
FIRST_TABS = ("receipt_overdue", "result_overdue", "unanswered", "receipt_due", "result_due", "exempt")


def _user(request: HttpRequest) -> User:
    """The signed-in user of a login_required view."""
    return cast(User, request.user)


def _refusal(form: Form) -> str:
    return "；".join(str(e) for e in form.non_field_errors()) or "；".join(str(e) for errs in form.errors.values() for e in errs)


def _back(pk: int, tab: str, page: object) -> HttpResponse:
    tab = tab if tab in TABS else "unanswered"
    return redirect(reverse("replies:replies", args=[pk]) + "?" + urlencode({"tab": tab, "page": page_number(page)}))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply from the report page (intake's); back to that page with the outcome."""
    report = report_get(user=_user(request), pk=pk)
    form = ReplyForm(request.POST)
    done = form_submit(form, lambda d: services.reply_create(actor=_user(request), report=report, kind=d["kind"],
                                                             content=d["content"], request=request))
    if done is None:
        messages.error(request, _refusal(form))
    else:
        messages.success(request, "答复已保存，反映人可凭查询码查看。")
    return redirect("intake:report", pk=report.pk)


@login_required
def replies(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = reply_inspection_get(user=_user(request), pk=pk)
    today = timezone.localdate()
    counts = reply_counts(inspection_ids=[inspection.pk], today=today)[inspection.pk]
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = next((t for t in FIRST_TABS if counts[t]), "receipt_overdue")
    page = reply_page(user=_user(request), inspection=inspection, tab=tab, number=request.GET.get("page"), count=counts[tab],
                      size=PAGE_SIZE, today=today)
    proposed = anonymous_unread_ids(inspection=inspection, report_ids=[r.pk for r in page.items]) if tab == "unanswered" else set()
    audit_record(actor=request.user, action="report.reply_list", obj=inspection, request=request,
                 summary=f"查看答复情况：{inspection}（{TAB_LABELS[tab]}，第{page.number}页）")
    return render(request, "replies/replies.html", {
        "inspection": inspection, "today": today, "counts": counts, "tab": tab, "tab_label": TAB_LABELS[tab],
        "tabs": [(t, TAB_LABELS[t], counts[t], t.endswith("overdue") or t == "unanswered") for t in TABS],
        "page": page, "proposed": proposed, "proposed_on_page": [r.pk for r in page.items if r.pk in proposed],
        "reasons": ReplyExemption.choices, "anonymous_unread": ReplyExemption.ANONYMOUS_UNREAD,
        "anonymous_unread_label": ReplyExemption.ANONYMOUS_UNREAD.label,
        "anonymous_unread_note": services.ANONYMOUS_UNREAD_NOTE, "query": urlencode({"tab": tab}),
    })


@login_required
@require_POST
def reply_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=_user(request), pk=pk)
    form = ExemptForm(request.POST)
    done = form_submit(form, lambda d: services.reply_exempt_set(actor=_user(request), report=report, reason=d["reason"],
                                                                 note=d["note"], request=request))
    if done is None:
        messages.error(request, f"信访件 {report.reference}：" + _refusal(form))
    else:
        messages.success(request, f"信访件 {report.reference} 已记录无需答复的原因。")
    return _back(report.inspection_id, request.POST.get("tab", ""), request.POST.get("page"))


@login_required
@require_POST
def reply_exempt_clear(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(user=_user(request), pk=pk)
    form = Form(request.POST)
    done = form_submit(form, lambda d: services.reply_exempt_clear(actor=_user(request), report=report, request=request))
    if done is None:
        messages.error(request, _refusal(form))
    else:
        messages.success(request, f"信访件 {report.reference} 已撤销无需答复的原因，请及时答复。")
    return _back(report.inspection_id, request.POST.get("tab", ""), request.POST.get("page"))


@login_required
@require_POST
def reply_exempt_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the proposed reason (anonymous, never looked up) for the reports of one page at once."""
    inspection = reply_inspection_get(user=_user(request), pk=pk)
    try:
        ids = sorted({int(v) for v in request.POST.getlist("report")})[:PAGE_SIZE]
    except ValueError:
        raise NotFound from None
    reports = list(Report.objects.filter(inspection_id=inspection.pk, pk__in=ids).order_by("pk"))
    form = Form(request.POST)
    n = form_submit(form, lambda d: services.reply_exempt_set_many(
        actor=_user(request), reports=reports, reason=ReplyExemption.ANONYMOUS_UNREAD, note=services.ANONYMOUS_UNREAD_NOTE,
        request=request))
    if n is None:
        messages.error(request, "未能记录，请逐件核对：" + _refusal(form))
    else:
        messages.success(request, f"已为 {n} 件匿名信访件记录无需答复的原因。")
    return _back(inspection.pk, "unanswered", request.POST.get("page"))
