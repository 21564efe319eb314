"""The public, login-free pages. No third-party request of any kind.

/p/<uuid>/            the inspection's page and its report form (POST submits)
/p/receipt/new/       the receipt, shown once after a submission
/p/receipt/           look-up by receipt code (POST), then the status page
/p/receipt/add/       add information or files to the report being looked at
/p/receipt/exit/      forget the look-up

The receipt code never appears in a URL. Between pages it travels in the session, sealed with the
identity key (never in plain text) and only for one display (the receipt) or 15 minutes (a look-up).
Every page that may hold a code or typed text is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.aftercare.selectors import published_for_reporter
from xuncha.core import crypto
from xuncha.inspections.documents import announcement_text
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_get_public
from xuncha.intake.models import Report
from xuncha.intake.selectors import receipt_find
from xuncha.intake.services import report_add_information
from xuncha.keys import key_ring
from xuncha.surveys.selectors import surveys_open_for_inspection
from xuncha.web import RETRY_AFTER_SECONDS, form_submit

from . import antiabuse, ratelimit
from .forms import ACCEPT, AdditionForm, LookupForm, ReportForm, SubjectFormSet, attachment_help, subjects_from
from .selectors import inspection_title, public_replies, rectification_published, reporter_additions, reporter_files
from .services import IntakeNotOpen, public_intake_check, public_report_submit, receipt_lookup
from .surveys import pop_prefill

logger = logging.getLogger(__name__)

RECEIPT_SESSION_KEY = "portal.receipt"  # {"code": sealed, "report": pk}: popped by the one display
LOOKUP_SESSION_KEY = "portal.lookup"  # {"code": sealed, "until": epoch seconds}
LOOKUP_SECONDS = 15 * 60
SEAL_CONTEXT = "portal.receipt-code"

FILES_AGAIN = "为安全起见，浏览器不会保留已选择的附件：如需上传附件，请重新选择。"
DB_ERROR_ADD = ("系统暂时无法保存，这次补充没有成功。您填写的文字都还在下面，请稍后再点一次“提交补充”。")
DB_ERROR = ("系统暂时无法保存，这次提交没有成功，也没有生成查询码。您填写的文字都还在下面，请稍后再点一次“提交”；"
            "也可以先把内容复制保存，或通过本页列出的电话、信箱等渠道反映。")


def _seal(code: str) -> str:
    return crypto.seal(key_ring(), code, context=SEAL_CONTEXT)


def _unseal(value: Any) -> str:
    try:
        return crypto.unseal(key_ring(), str(value), context=SEAL_CONTEXT)
    except Exception:  # a session from before a key rotation, or garbage: treat as absent
        return ""


# --- the inspection page and its form -------------------------------------------------------------


def _render_page(request: HttpRequest, inspection: Inspection, *, form: ReportForm | None = None, subjects: Any = None,
                 errors: list[str] | None = None, status: int = 200, files_dropped: bool = False,
                 refused: str = "", kept_content: str = "") -> HttpResponse:
    today = timezone.localdate()
    accepting = inspection.intake_open_on(today)
    context = {
        "inspection": inspection,
        "announcement": announcement_text(inspection),
        "channels": list(inspection.channels.all()),
        "accepting": accepting,
        "not_yet": inspection.closed_at is None and today < inspection.intake_start,
        "today": today,
        "form": form or ReportForm(),
        "subjects": subjects if subjects is not None else SubjectFormSet(prefix="subjects"),
        "errors": errors or [],
        "files_dropped": files_dropped,
        "refused": refused,
        "kept_content": kept_content,
        "stamp": antiabuse.make_stamp(_stamp_scope(inspection)),
        "stamp_field": antiabuse.STAMP_FIELD,
        "honeypot_field": antiabuse.HONEYPOT_FIELD,
        "attachment_help": attachment_help(),
        "accept": ACCEPT,
        "surveys": surveys_open_for_inspection(inspection.pk, timezone.now()),
        "rectification_published": published_for_reporter(inspection),
    }
    return render(request, "portal/inspection.html", context, status=status)


def _stamp_scope(inspection: Inspection) -> str:
    return f"report:{inspection.pk}"


def _form_errors(form: ReportForm, subjects: Any) -> list[str]:
    out: list[str] = []
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        out.extend(f"{label}：{e}" if label else str(e) for e in errs)
    for i, sub in enumerate(subjects.forms, start=1):
        for errs in sub.errors.values():
            out.extend(f"被反映人第{i}行：{e}" for e in errs)
    out.extend(str(e) for e in subjects.non_form_errors())
    return out


@never_cache
@require_http_methods(["GET", "POST"])
def inspection_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    inspection = inspection_get_public(public_id=public_id)
    if request.method == "POST":
        return _submit(request, inspection)
    prefill = pop_prefill(request)  # 我要反映这个问题: a survey's free-text answer, chosen by the respondent
    return _render_page(request, inspection, form=ReportForm(initial={"content": prefill}) if prefill else None)


def _refused(request: HttpRequest, inspection: Inspection, exc: IntakeNotOpen) -> HttpResponse:
    """Outside the intake window: the notice, and the typed text kept so that it can be copied elsewhere."""
    return _render_page(request, inspection, status=410 if exc.closed else 403, refused=exc.detail,
                        kept_content=request.POST.get("content", ""))


def _submit(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    try:
        public_intake_check(inspection=inspection)
    except IntakeNotOpen as exc:
        return _refused(request, inspection, exc)

    form = ReportForm(request.POST)
    subjects = SubjectFormSet(request.POST, prefix="subjects")
    files = request.FILES.getlist("attachments")

    def again(errors: list[str], status: int) -> HttpResponse:
        """The form once more, with everything typed kept (files cannot be: the browser drops them)."""
        return _render_page(request, inspection, form=form, subjects=subjects, files_dropped=bool(files), errors=errors, status=status)

    verdict = ratelimit.hit("submit", request)
    if not verdict.allowed:
        form.is_valid()
        subjects.is_valid()
        response = again([f"提交过于频繁。为防止滥用，同一网络在一段时间内的提交次数有限，请 {verdict.wait_text} 后再提交。您填写的内容已保留。"],
                         429)
        response["Retry-After"] = str(verdict.retry_after)
        return response

    problem = antiabuse.check(request.POST, _stamp_scope(inspection))
    valid = form.is_valid() & subjects.is_valid()  # both, so that every message shows at once
    if problem:
        return again([problem], 400)
    if not valid:
        return again(["请按下面的提示修改后再次提交："] + _form_errors(form, subjects), 400)

    try:
        registered = form_submit(form, lambda d: public_report_submit(
            inspection=inspection, content=d["content"], reporter=form.reporter(), subjects=subjects_from(subjects), files=files))
    except DatabaseError:
        logger.exception("public report submission failed for inspection %s", inspection.pk)
        response = again([DB_ERROR], 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if registered is None:  # refused by the rules (or the window closed while the form was being filled in)
        return again(["请按下面的提示修改后再次提交："] + [str(e) for e in form.non_field_errors()], 400)

    request.session[RECEIPT_SESSION_KEY] = {"code": _seal(registered.receipt_code), "report": registered.report.pk}
    # An explicit fragment, or the browser would carry the form's "#report-form" over the redirect.
    return redirect(reverse("portal:receipt_new") + "#receipt")


# --- the receipt, shown once ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def receipt_new(request: HttpRequest) -> HttpResponse:
    stored = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not isinstance(stored, dict):
        stored = {}
    code = _unseal(stored.get("code", ""))
    report = None
    if code and isinstance(stored.get("report"), int):
        report = Report.objects.select_related("inspection__team", "inspection__target").filter(pk=stored["report"]).first()
    if report is None:
        return render(request, "portal/receipt.html", {"gone": True})
    context = {
        "gone": False,
        "code": crypto.format_receipt_code(code),
        "report": report,
        "inspection_title": inspection_title(report),
        "inspection": report.inspection,
        "lookup_url": settings.SITE_URL + reverse("portal:receipt"),
    }
    return render(request, "portal/receipt.html", context)


# --- look-up, status, additions -------------------------------------------------------------------


def _looked_up(request: HttpRequest) -> Report | None:
    stored = request.session.get(LOOKUP_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    if float(stored.get("until", 0)) < time.time():
        request.session.pop(LOOKUP_SESSION_KEY, None)
        return None
    code = _unseal(stored.get("code"))
    if not code:
        request.session.pop(LOOKUP_SESSION_KEY, None)
        return None
    return receipt_find(code)


def _remember(request: HttpRequest, code: str) -> None:
    request.session[LOOKUP_SESSION_KEY] = {"code": _seal(code), "until": time.time() + LOOKUP_SECONDS}


def _render_lookup(request: HttpRequest, *, form: LookupForm | None = None, errors: list[str] | None = None,
                   status: int = 200) -> HttpResponse:
    return render(request, "portal/lookup.html", {"form": form or LookupForm(), "errors": errors or []}, status=status)


def _render_status(request: HttpRequest, report: Report, *, form: AdditionForm | None = None, errors: list[str] | None = None,
                   status: int = 200, files_dropped: bool = False) -> HttpResponse:
    context = {
        "report": report,
        "inspection_title": inspection_title(report),
        "replies": public_replies(report),
        "rectification_published": rectification_published(report),
        "additions": reporter_additions(report),
        "files": reporter_files(report),
        "form": form or AdditionForm(),
        "errors": errors or [],
        "files_dropped": files_dropped,
        "attachment_help": attachment_help(),
        "accept": ACCEPT,
        "minutes": LOOKUP_SECONDS // 60,
    }
    return render(request, "portal/status.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        report = _looked_up(request)
        return _render_status(request, report) if report is not None else _render_lookup(request)

    form = LookupForm(request.POST)
    verdict = ratelimit.hit("lookup", request)
    if not verdict.allowed:
        response = _render_lookup(request, form=LookupForm(), status=429, errors=[
            f"查询过于频繁。为保护查询码安全，同一网络在一段时间内的查询次数有限，请 {verdict.wait_text} 后再试。"])
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if not form.is_valid():
        return _render_lookup(request, form=LookupForm(), errors=[str(e) for e in form.errors.get("code", [])])
    report = receipt_lookup(code=form.cleaned_data["code"], via="网页")
    if report is None:
        return _render_lookup(request, form=LookupForm(), errors=["查询码不正确。请核对后重新输入。"])
    _remember(request, form.cleaned_data["code"])
    return redirect("portal:receipt")


@never_cache
@require_POST
def receipt_add(request: HttpRequest) -> HttpResponse:
    report = _looked_up(request)
    if report is None:
        return _render_lookup(request, errors=["查询已超时，请重新输入查询码。您刚才填写的补充内容没有提交。"], status=400)
    form = AdditionForm(request.POST)
    files = request.FILES.getlist("attachments")
    verdict = ratelimit.hit("submit", request)
    if not verdict.allowed:
        response = _render_status(request, report, form=form, status=429, files_dropped=bool(files), errors=[
            f"提交过于频繁，请 {verdict.wait_text} 后再提交。您填写的内容已保留。"])
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        added = form_submit(form, lambda d: report_add_information(report=report, content=d["content"], files=files,
                                                                   by_reporter=True))
    except DatabaseError:
        logger.exception("public addition failed for report %s", report.pk)
        response = _render_status(request, report, form=form, errors=[DB_ERROR_ADD], status=503,
                                  files_dropped=bool(files))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if added is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _render_status(request, report, form=form, errors=errors, status=400, files_dropped=bool(files))
    stored = request.session.get(LOOKUP_SESSION_KEY)
    if isinstance(stored, dict):
        stored["until"] = time.time() + LOOKUP_SECONDS
        request.session[LOOKUP_SESSION_KEY] = stored
    messages.success(request, "补充材料已收到，巡察组会一并处理。")
    return redirect(reverse("portal:receipt") + "#additions")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF failures on the report form keep what was typed (settings.CSRF_FAILURE_VIEW points here).

    A phone browser that dropped its cookies, or a form left open past a cookie reset, would otherwise
    show Django's bare 403 page and lose the text. Anywhere else, Django's own page.
    """
    from django.urls import Resolver404, resolve
    from django.views.csrf import csrf_failure as django_csrf_failure

    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if request.method != "POST" or match is None or match.view_name != "portal:inspection":
        return django_csrf_failure(request, reason=reason)
    inspection = inspection_get_public(public_id=match.kwargs["public_id"])
    form = ReportForm(request.POST)
    subjects = SubjectFormSet(request.POST, prefix="subjects")
    form.is_valid()
    subjects.is_valid()
    message = ("页面的安全校验没有通过（可能是页面打开太久，或浏览器禁止了本网站的 Cookie），这次没有提交。"
               "您填写的内容已保留，请核对后再次点击“提交”；如果反复出现，请允许浏览器保存本网站的 Cookie。")
    return _render_page(request, inspection, form=form, subjects=subjects, errors=[message], status=403,
                        files_dropped=bool(request.FILES.getlist("attachments")))


@never_cache
@require_POST
def receipt_exit(request: HttpRequest) -> HttpResponse:
    request.session.pop(LOOKUP_SESSION_KEY, None)
    messages.info(request, "已退出查询。如需再次查看，请重新输入查询码。")
    return redirect("portal:receipt")
