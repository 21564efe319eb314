"""The public survey pages (码上巡察: the same public page and QR code as reporting). No login, no third
party; the portal's protections: CSRF, the signed stamp and honeypot, the per-client rate limit, no-store.

/p/<uuid>/surveys/<id>/         the survey (POST submits)
/p/<uuid>/surveys/<id>/thanks/  thank you, with the offer to report a problem written in a free-text answer
/p/<uuid>/report-this/          POST: puts that text into the report form (the session, sealed) — the report
                                is then an ordinary online report, never linked to the answer sheet.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.core import crypto
from xuncha.errors import Conflict, Invalid, NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspection_get_public
from xuncha.keys import key_ring
from xuncha.surveys.answers import SurveyClosed, response_submit, survey_open_check
from xuncha.surveys.models import Question, QuestionType, Survey
from xuncha.surveys.selectors import survey_get_public

from . import antiabuse, ratelimit

THANKS_SESSION_KEY = "portal.survey-texts"   # {"survey": id, "texts": sealed JSON}: popped by the one display
PREFILL_SESSION_KEY = "portal.prefill"       # sealed text for the report form, popped by the one display
SEAL_CONTEXT = "portal.survey-text"
MAX_PREFILL = 5000


def seal_text(text: str) -> str:
    return crypto.seal(key_ring(), text, context=SEAL_CONTEXT)


def unseal_text(value: Any) -> str:
    try:
        return crypto.unseal(key_ring(), str(value), context=SEAL_CONTEXT)
    except Exception:  # an old session or garbage: nothing
        return ""


def pop_prefill(request: HttpRequest) -> str:
    """The text the respondent chose to report, once (the inspection page puts it into the form)."""
    return unseal_text(request.session.pop(PREFILL_SESSION_KEY, ""))[:MAX_PREFILL]


def _survey(inspection: Inspection, survey_id: int) -> Survey:
    survey = survey_get_public(pk=survey_id)
    if survey.inspection_id != inspection.pk:
        raise NotFound("没有这份测评。")
    return survey


def _answers_from(post: Any, questions: list[Question]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for q in questions:
        key = f"q{q.pk}"
        if q.kind == QuestionType.SINGLE and post.get(key):
            out.append({"question": q.pk, "choice": post.get(key)})
        elif q.kind == QuestionType.MULTIPLE and post.getlist(key):
            out.append({"question": q.pk, "choices": post.getlist(key)})
        elif q.kind == QuestionType.RATING and post.get(key):
            value = str(post.get(key))
            out.append({"question": q.pk, "grade": int(value) if value.isdigit() and len(value) < 3 else -1})
        elif q.kind == QuestionType.MATRIX:
            cells = {r["value"]: post.get(f"{key}_{r['value']}") for r in q.rows if post.get(f"{key}_{r['value']}")}
            if cells:
                out.append({"question": q.pk, "matrix": cells})
        elif q.kind == QuestionType.TEXT and str(post.get(key, "")).strip():
            out.append({"question": q.pk, "text": str(post.get(key))[:3000]})
    return out


def _render(request: HttpRequest, inspection: Inspection, survey: Survey, *, errors: list[str] | None = None,
            post: Any = None, status: int = 200, closed: str = "") -> HttpResponse:
    questions = list(survey.questions.all())
    items = []
    for q in questions:
        key = f"q{q.pk}"
        chosen = set(post.getlist(key)) if post is not None else set()
        items.append({
            "q": q, "key": key, "options": list(q.labels().items()), "chosen": chosen,
            "text": post.get(key, "") if post is not None else "",
            "rows": [{"value": r["value"], "label": r["label"], "key": f"{key}_{r['value']}",
                      "chosen": post.get(f"{key}_{r['value']}") if post is not None else None} for r in q.rows],
            "show_if": f"q{q.show_if_question_id}" if q.show_if_question_id else "",
            "show_if_label": q.show_if_question.labels().get(q.show_if_value, "") if q.show_if_question_id and q.show_if_question else "",
            "show_if_number": q.show_if_question.number if q.show_if_question_id and q.show_if_question else None,
        })
    return render(request, "portal/survey.html", {
        "inspection": inspection, "survey": survey, "items": items, "errors": errors or [], "closed": closed,
        "code": post.get("code", "") if post is not None else "",
        "stamp": antiabuse.make_stamp(f"survey:{survey.pk}"), "stamp_field": antiabuse.STAMP_FIELD,
        "honeypot_field": antiabuse.HONEYPOT_FIELD}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, public_id: uuid.UUID, survey_id: int) -> HttpResponse:
    inspection = inspection_get_public(public_id=public_id)
    survey = _survey(inspection, survey_id)
    try:
        survey_open_check(survey)
    except SurveyClosed as exc:
        return _render(request, inspection, survey, closed=exc.detail, status=410 if exc.over else 403)
    if request.method == "GET":
        return _render(request, inspection, survey)

    verdict = ratelimit.hit("survey", request)
    if not verdict.allowed:
        response = _render(request, inspection, survey, post=request.POST, status=429, errors=[
            f"提交过于频繁。为防止滥用，同一网络在一段时间内的提交次数有限，请 {verdict.wait_text} 后再提交。您的选择已保留。"])
        response["Retry-After"] = str(verdict.retry_after)
        return response
    problem = antiabuse.check(request.POST, f"survey:{survey.pk}")
    if problem:
        return _render(request, inspection, survey, post=request.POST, status=400, errors=[problem])
    questions = list(survey.questions.all())
    try:
        texts = response_submit(survey=survey, answers=_answers_from(request.POST, questions), code=str(request.POST.get("code", "")))
    except SurveyClosed as exc:
        return _render(request, inspection, survey, closed=exc.detail, status=410 if exc.over else 403)
    except Invalid as exc:
        return _render(request, inspection, survey, post=request.POST, status=400, errors=["请按下面的提示修改后再次提交：", *exc.messages])
    except (Conflict, NotFound) as exc:
        return _render(request, inspection, survey, post=request.POST, status=exc.status, errors=[exc.detail])
    request.session[THANKS_SESSION_KEY] = {"survey": survey.pk, "texts": seal_text(json.dumps(texts, ensure_ascii=False))}
    return redirect("portal:survey_thanks", public_id=inspection.public_id, survey_id=survey.pk)


@never_cache
@require_http_methods(["GET"])
def survey_thanks(request: HttpRequest, public_id: uuid.UUID, survey_id: int) -> HttpResponse:
    inspection = inspection_get_public(public_id=public_id)
    survey = _survey(inspection, survey_id)
    stored = request.session.pop(THANKS_SESSION_KEY, None)
    texts: list[str] = []
    if isinstance(stored, dict) and stored.get("survey") == survey.pk:
        try:
            texts = [str(t) for t in json.loads(unseal_text(stored.get("texts")) or "[]")]
        except ValueError:
            texts = []
    return render(request, "portal/survey_thanks.html", {
        "inspection": inspection, "survey": survey, "texts": texts, "accepting": inspection.intake_open_on(timezone.localdate())})


@never_cache
@require_POST
def report_this(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """我要反映这个问题: the respondent's own text goes into the report form; nothing ties it to the answer."""
    inspection = inspection_get_public(public_id=public_id)
    text = str(request.POST.get("text", ""))[:MAX_PREFILL].strip()
    if text:
        request.session[PREFILL_SESSION_KEY] = seal_text(text)
    return redirect(reverse("portal:inspection", args=[inspection.public_id]) + "#report-form")
