"""Voiding a batch of participation codes: by the team with a reason, audited; its unused codes are
refused with a Chinese message (service, public page, public API); answers already given stay counted;
outsiders get 404 on the page and the endpoint."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from tests.publicapi import PublicClient
from xuncha.accounts.services import api_token_create
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.surveys import services
from xuncha.surveys.answers import CODE_VOID, response_submit
from xuncha.surveys.models import Code, CodeBatch, Survey
from xuncha.surveys.results import results_json, survey_results

pytestmark = pytest.mark.django_db


def _published(demo: dict[str, Any]) -> Survey:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="questionnaire", min_group_size=1)
    return services.survey_publish(actor=users["leader"], survey=survey)


def _sheet(survey: Survey) -> list[dict[str, Any]]:
    q = {n: survey.questions.get(number=n).pk for n in (1, 2, 4)}
    return [{"question": q[1], "choice": "satisfied"}, {"question": q[2], "grade": 4}, {"question": q[4], "choice": "none"}]


def test_a_voided_batch_refuses_its_unused_codes_and_keeps_the_answers(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = _published(demo)
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="teachers", count=5)
    _other, others = services.codes_issue(actor=users["member"], survey=survey, group="students", count=2)
    response_submit(survey=survey, answers=_sheet(survey), code=codes[0])

    with pytest.raises(Invalid, match="作废原因"):
        services.codes_void(actor=users["member"], survey=survey, batch_number=batch.number, reason="  ")
    for outsider in ("liaison", "recipient", "auditor", "other_leader"):
        with pytest.raises(NotFound):
            services.codes_void(actor=users[outsider], survey=survey, batch_number=batch.number, reason="纸条遗失")
    with pytest.raises(NotAllowed):
        services.codes_void(actor=users["office"], survey=survey, batch_number=batch.number, reason="纸条遗失")
    with pytest.raises(NotFound):
        services.codes_void(actor=users["member"], survey=survey, batch_number=99, reason="纸条遗失")

    voided_batch, voided = services.codes_void(actor=users["member"], survey=survey, batch_number=batch.number, reason="纸条在会场遗失")
    assert voided == 4 and voided_batch.voided_at is not None and voided_batch.voided_by == users["member"]
    assert voided_batch.void_reason == "纸条在会场遗失" and voided_batch.slips_sealed == ""
    event = AuditEvent.objects.filter(action="survey.codes_void").latest("id")
    assert "纸条在会场遗失" in event.summary and "未使用的 4 个" in event.summary
    with pytest.raises(Conflict, match="已经作废"):
        services.codes_void(actor=users["member"], survey=survey, batch_number=batch.number, reason="再次")
    with pytest.raises(Conflict, match="作废"):
        services.slips_take(actor=users["member"], survey=survey, batch_number=batch.number)

    with pytest.raises(Conflict) as refused:
        response_submit(survey=survey, answers=_sheet(survey), code=codes[1])
    assert refused.value.detail == CODE_VOID
    with pytest.raises(Conflict, match="已经使用过"):
        response_submit(survey=survey, answers=_sheet(survey), code=codes[0])
    # The used code stays used, not void; the other batch still answers.
    assert Code.objects.filter(batch=batch, used=True, voided=False).count() == 1
    assert Code.objects.filter(batch=batch, used=False, voided=True).count() == 4
    response_submit(survey=survey, answers=_sheet(survey), code=others[0])

    results = survey_results(survey)
    assert results.responses == 2
    groups = {g.group: g for g in results.groups}
    assert (groups["teachers"].issued, groups["teachers"].voided, groups["teachers"].answered) == (1, 4, 1)
    assert (groups["students"].issued, groups["students"].voided) == (2, 0)
    assert {"group": "teachers", "label": "教职工", "issued": 1, "voided": 4, "answered": 1, "shown": True} in results_json(results)["groups"]


def test_voiding_on_the_survey_page(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = _published(demo)
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="middle", count=3)
    member = client_for(users["member"])
    url = f"/surveys/{survey.pk}/codes/{batch.number}/void/"
    page = member.get(f"/surveys/{survey.pk}/").content.decode()
    assert f'action="{url}"' in page and "data-confirm" in page
    empty = member.post(url, {"reason": ""}, follow=True).content.decode()
    assert "请填写作废原因" in empty
    assert CodeBatch.objects.get(pk=batch.pk).voided_at is None
    done = member.post(url, {"reason": "发错了群体"})
    assert done.status_code == 302 and done["Location"].endswith(f"/surveys/{survey.pk}/")
    page = member.get(done["Location"]).content.decode()
    assert "已作废" in page and "发错了群体" in page and "未使用的 3 个不能再提交答卷" in page
    assert f'action="{url}"' not in page
    again = member.post(url, {"reason": "再次"}, follow=True).content.decode()
    assert "已经作废" in again
    results = member.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "另作废 3" in results

    # The public page refuses a void code with the message, keeping what was typed.
    practice = demo["practice"]
    public = Client()
    form_url = f"/p/{practice.public_id}/surveys/{survey.pk}/"
    html = public.get(form_url).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', html)
    assert stamp
    q = {n: survey.questions.get(number=n).pk for n in (1, 2, 4)}
    refused = public.post(form_url, {"stamp": stamp.group(1), "homepage": "", "code": codes[0], f"q{q[1]}": "satisfied",
                                     f"q{q[2]}": "4", f"q{q[4]}": "none"})
    body = refused.content.decode()
    assert refused.status_code == 409 and "已由巡察组作废" in body and codes[0] in body


@pytest.mark.parametrize("name", ["liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole", "office"])
def test_outsiders_cannot_void_on_the_page(demo: dict[str, Any], name: str) -> None:
    survey = _published(demo)
    batch, _codes = services.codes_issue(actor=demo["users"]["member"], survey=survey, group="middle", count=2)
    response = client_for(demo["users"][name]).post(f"/surveys/{survey.pk}/codes/{batch.number}/void/", {"reason": "x"})
    assert response.status_code == 404
    assert CodeBatch.objects.get(pk=batch.pk).voided_at is None


def test_voiding_through_the_api(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = _published(demo)
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="retired", count=4)
    client = Client()

    def post(user: str, body: Any) -> Any:
        return client.post(f"/api/v1/surveys/{survey.pk}/codes/{batch.number}/void", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=users[user])}")

    for name, status in (("liaison", 404), ("recipient", 404), ("auditor", 404), ("other_leader", 404), ("sysadmin", 404),
                         ("office", 403)):
        assert post(name, {"reason": "纸条遗失"}).status_code == status, name
    assert post("member", {"reason": ""}).status_code == 400
    assert post("member", {}).status_code in (400, 422)
    public = PublicClient()
    answered = public.post(f"/api/v1/public/surveys/{survey.pk}/responses", {"code": codes[0], "answers": _sheet(survey)},
                           content_type="application/json")
    assert answered.status_code == 201
    done = post("leader", {"reason": "纸条遗失"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["batch"] == batch.number and body["voided_codes"] == 3 and body["void_reason"] == "纸条遗失" and body["voided_at"]
    assert post("member", {"reason": "再次"}).status_code == 409
    refused = public.post(f"/api/v1/public/surveys/{survey.pk}/responses", {"code": codes[1], "answers": _sheet(survey)},
                          content_type="application/json")
    assert refused.status_code == 409 and refused.json()["detail"] == CODE_VOID
    results = client.get(f"/api/v1/surveys/{survey.pk}/results", HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=users['member'])}")
    assert results.json()["responses"] == 1
    assert results.json()["groups"] == [{"group": "retired", "label": "离退休人员", "issued": 1, "voided": 3, "answered": 1, "shown": True}]


@pytest.mark.django_db(transaction=True)
def test_voiding_while_codes_are_used_leaves_each_code_used_or_void(demo: dict[str, Any]) -> None:
    """PostgreSQL threads: a batch voided while its codes are being submitted. Every code ends either used
    (its answer counted) or void (its submission refused), never both, never neither."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    users = demo["users"]
    survey = _published(demo)
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="teachers", count=12)
    sheet = _sheet(survey)
    start = threading.Barrier(5)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(mine: list[str]) -> None:
        try:
            start.wait()
            for code in mine:
                try:
                    response_submit(survey=survey, answers=sheet, code=code)
                    result = "used"
                except Conflict as exc:
                    result = "void" if exc.detail == CODE_VOID else f"conflict: {exc.detail}"
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    def void() -> None:
        try:
            start.wait()
            services.codes_void(actor=users["member"], survey=survey, batch_number=batch.number, reason="并发作废")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(codes[i::4],)) for i in range(4)] + [threading.Thread(target=void)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 12 and set(outcomes) <= {"used", "void"}, outcomes
    used = outcomes.count("used")
    assert Code.objects.filter(batch=batch, used=True, voided=False).count() == used == survey.responses.count()
    assert Code.objects.filter(batch=batch, used=False, voided=True).count() == 12 - used
    assert not Code.objects.filter(batch=batch, used=True, voided=True).exists()
    assert CodeBatch.objects.get(pk=batch.pk).voided_at is not None
