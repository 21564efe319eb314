"""Reads of surveys: one visibility queryset (xuncha.access, Kind.SURVEY), getters that narrow it and
404, the public survey, and the results (xuncha.surveys.results)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xuncha.access import Kind, Purpose, scope
from xuncha.accounts.selectors import Someone
from xuncha.errors import NotFound

from .models import Survey, TextAnswer


def survey_list(*, user: Someone, purpose: Purpose = Purpose.READ) -> QuerySet[Survey]:
    return Survey.objects.filter(scope(user, Kind.SURVEY, purpose)).select_related(
        "inspection__team", "inspection__target", "inspection__round")


def survey_get(*, user: Someone, pk: int, purpose: Purpose = Purpose.READ) -> Survey:
    survey = survey_list(user=user, purpose=purpose).filter(pk=pk).first()
    if survey is None:
        raise NotFound
    return survey


def survey_get_public(*, pk: int) -> Survey:
    """A published survey, for anyone (the public page and API): drafts do not exist for the public."""
    survey = Survey.objects.select_related("inspection__team", "inspection__target").filter(
        pk=pk, state=Survey.State.PUBLISHED).first()
    if survey is None:
        raise NotFound("没有这份测评。")
    return survey


def surveys_open_for_inspection(inspection_id: int, now: object) -> list[Survey]:
    """Published surveys of an inspection open now (the public page lists them beside the report form)."""
    return list(Survey.objects.filter(inspection_id=inspection_id, state=Survey.State.PUBLISHED, opens_at__lte=now,
                                      closes_at__gt=now).order_by("id"))


def text_answers(*, survey: Survey, query: str = "", discipline: str = "", focus: str = "") -> QuerySet[TextAnswer]:
    """Free-text answers of a survey the caller already reached, searchable by words and by category.
    Ordered by the random id: the order says nothing of when an answer came."""
    qs = TextAnswer.objects.filter(survey=survey).select_related("question")
    for word in query.split()[:5]:
        qs = qs.filter(text__icontains=word[:50])
    if discipline:
        qs = qs.filter(Q(disciplines__icontains=f'"{discipline}"'))
    if focus:
        qs = qs.filter(Q(focuses__icontains=f'"{focus}"'))
    return qs.order_by("id")
