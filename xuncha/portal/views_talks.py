"""Public pages of 主动约谈: someone asks to talk to the team (the inspection's public page links here),
gets a receipt code once, and looks the request up with it. The portal's protections apply: the
signed stamp and honeypot, the per-client rate limits, the intake window, CSP (no inline anything);
the code travels between pages only sealed in the session, never in a URL.

/p/<uuid>/talk/        the request form (POST submits)
/p/talk/receipt/       the receipt code, shown once
/p/talk/lookup/        look-up by receipt code (POST)
"""

from __future__ import annotations

import uuid

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xuncha.core import crypto
from xuncha.errors import Invalid
from xuncha.fieldwork.services_talks import talk_request_lookup, talk_request_submit
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_get_public
from xuncha.keys import key_ring

from . import antiabuse, ratelimit
from .services import IntakeNotOpen, public_intake_check

SESSION_KEY = "portal.talk-receipt"
SEAL_CONTEXT = "portal.talk-receipt-code"


class TalkRequestForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    contact = forms.CharField(label="联系方式（电话或邮箱）", max_length=120)
    post = forms.CharField(label="单位、职务（选填）", max_length=120, required=False)
    topic = forms.CharField(label="想谈的事项（选填，可简要说明）", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class TalkLookupForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))


def _scope(inspection: Inspection) -> str:
    return f"talk:{inspection.pk}"


def _page(request: HttpRequest, inspection: Inspection, form: TalkRequestForm, errors: list[str], status: int = 200,
          refused: str = "") -> HttpResponse:
    return render(request, "portal/talk_request.html", {
        "inspection": inspection, "form": form, "errors": errors, "refused": refused,
        "stamp": antiabuse.make_stamp(_scope(inspection)), "stamp_field": antiabuse.STAMP_FIELD,
        "honeypot_field": antiabuse.HONEYPOT_FIELD}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def talk_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    inspection = inspection_get_public(public_id=public_id)
    try:
        public_intake_check(inspection=inspection)
    except IntakeNotOpen as exc:
        return _page(request, inspection, TalkRequestForm(request.POST or None), [], status=410 if exc.closed else 403, refused=exc.detail)
    if request.method == "GET":
        return _page(request, inspection, TalkRequestForm(), [])
    form = TalkRequestForm(request.POST)
    verdict = ratelimit.hit("submit", request)
    if not verdict.allowed:
        form.is_valid()
        response = _page(request, inspection, form, [f"提交过于频繁，请 {verdict.wait_text} 后再提交。您填写的内容已保留。"], 429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    problem = antiabuse.check(request.POST, _scope(inspection))
    if problem:
        form.is_valid()
        return _page(request, inspection, form, [problem], 400)
    if not form.is_valid():
        return _page(request, inspection, form, [f"{form.fields[f].label}：{e}" for f, errs in form.errors.items() for e in errs], 400)
    d = form.cleaned_data
    try:
        _interview, code = talk_request_submit(inspection=inspection, name=d["name"], contact=d["contact"], post=d["post"],
                                               topic=d["topic"], request=request)
    except Invalid as exc:
        return _page(request, inspection, form, exc.messages, 400)
    request.session[SESSION_KEY] = crypto.seal(key_ring(), code, context=SEAL_CONTEXT)
    return redirect(reverse("portal:talk_receipt") + "#receipt")


@never_cache
@require_http_methods(["GET"])
def talk_receipt(request: HttpRequest) -> HttpResponse:
    sealed = request.session.pop(SESSION_KEY, "")
    try:
        code = crypto.unseal(key_ring(), str(sealed), context=SEAL_CONTEXT) if sealed else ""
    except Exception:  # a session from before a key rotation, or garbage: treat as absent
        code = ""
    return render(request, "portal/talk_receipt.html", {"code": crypto.format_receipt_code(code) if code else ""})


@never_cache
@require_http_methods(["GET", "POST"])
def talk_lookup(request: HttpRequest) -> HttpResponse:
    form = TalkLookupForm(request.POST or None)
    if request.method == "GET":
        return render(request, "portal/talk_lookup.html", {"form": form, "errors": []})
    verdict = ratelimit.hit("lookup", request)
    if not verdict.allowed:
        response = render(request, "portal/talk_lookup.html", {"form": TalkLookupForm(), "errors": [
            f"查询过于频繁，请 {verdict.wait_text} 后再试。"]}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    found = talk_request_lookup(code=form.data.get("code", "")) if form.is_valid() else None
    if found is None:
        return render(request, "portal/talk_lookup.html", {"form": TalkLookupForm(), "errors": ["查询码不正确，请核对后重新输入。"]},
                      status=404)
    return render(request, "portal/talk_status.html", {"interview": found})
