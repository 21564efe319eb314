"""Nothing stored links an answer to a code or to a client (docs/architecture.md, "测评的匿名"): the rows
are inspected as they are in the database; and a code answers once even when sent at once from threads
(PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models

from tests.publicapi import PublicClient
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict
from xuncha.surveys import services
from xuncha.surveys.answers import response_submit
from xuncha.surveys.models import Answer, Code, Response, Survey, Tally, TextAnswer

CLIENT_IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (iPhone; 测评指纹)"


def _survey(demo: dict[str, Any]) -> Survey:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="questionnaire", min_group_size=1)
    return services.survey_publish(actor=users["leader"], survey=survey)


def _sheet(survey: Survey, text: str) -> list[dict[str, Any]]:
    q = {n: survey.questions.get(number=n).pk for n in (1, 2, 4, 5)}
    return [{"question": q[1], "choice": "satisfied"}, {"question": q[2], "grade": 3}, {"question": q[4], "choice": "exists"},
            {"question": q[5], "text": text}]


@pytest.mark.django_db
def test_stored_rows_hold_no_link_to_code_time_or_client(demo: dict[str, Any]) -> None:
    survey = _survey(demo)
    _batch, codes = services.codes_issue(actor=demo["users"]["member"], survey=survey, group="teachers", count=20)
    events_before = AuditEvent.objects.count()
    client = PublicClient(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=AGENT)
    for i, code in enumerate(codes):
        answered = client.post(f"/api/v1/public/surveys/{survey.pk}/responses",
                               {"code": code, "answers": _sheet(survey, f"第{i}份：食堂问题")}, content_type="application/json")
        assert answered.status_code == 201

    # The schema: a response is its random id, its survey and its group; nothing else.
    assert {f.column for f in Response._meta.concrete_fields} == {"id", "survey_id", "group"}
    for model in (Response, Answer, TextAnswer, Code, Tally):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, (models.DateField, models.DateTimeField, models.TimeField, models.GenericIPAddressField)), field
    assert {f.column for f in Code._meta.concrete_fields} == {"id", "survey_id", "batch_id", "hash", "used", "voided"}
    # The tally holds counts only: no response, no code, no time.
    assert {f.column for f in Tally._meta.concrete_fields} == {"id", "survey_id", "question_id", "group", "row", "value", "shard", "n"}
    # No table refers to a code, and nothing but answers refers to a response.
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Code:
                pytest.fail(f"{model.__name__}.{field.name} refers to a code")
            if field.is_relation and field.related_model is Response:
                assert model in (Answer, TextAnswer), model

    # The rows: the order of response ids is not the order of answering (random keys)...
    texts = list(TextAnswer.objects.filter(survey=survey).order_by("response_id").values_list("text", flat=True))
    order = [int(t.split("份")[0].removeprefix("第")) for t in texts]
    assert order != sorted(order) and order != sorted(order, reverse=True)
    # ...the codes carry only `used`, no time, and their ids were fixed when they were issued.
    assert Code.objects.filter(survey=survey, used=True).count() == 20
    # ...neither the client's address nor its browser is anywhere in the database.
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField))]
        for name in text_fields:
            for needle in (CLIENT_IP, "测评指纹"):
                lookup = f"{name}__icontains" if not isinstance(model._meta.get_field(name), models.JSONField) else f"{name}__contains"
                try:
                    found = model._default_manager.filter(**{lookup: needle}).exists()
                except Exception:  # a JSON lookup the backend cannot do: compare as text
                    found = any(needle in str(v) for v in model._default_manager.values_list(name, flat=True))
                assert not found, f"{model.__name__}.{name} holds {needle}"
    # ...and no audit event was written per answer (an event carries a time).
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db(transaction=True)
def test_a_code_answers_once_even_from_threads(demo: dict[str, Any]) -> None:
    from django.db import connection

    from tests.threads import run_in_threads

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    survey = _survey(demo)
    _batch, (code,) = services.codes_issue(actor=demo["users"]["member"], survey=survey, group="students", count=1)
    sheet = _sheet(survey, "并发提交")

    def work() -> None:
        response_submit(survey=survey, answers=sheet, code=code)

    errors = run_in_threads(work, count=8)
    assert len(errors) == 7 and all(isinstance(e, Conflict) for e in errors), errors
    assert Response.objects.filter(survey=survey).count() == 1
    assert TextAnswer.objects.filter(survey=survey).count() == 1
