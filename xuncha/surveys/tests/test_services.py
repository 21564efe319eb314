"""Surveys through their services: templates, editing, publication, codes, answers, results."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.surveys import services
from xuncha.surveys.answers import SurveyClosed, response_submit
from xuncha.surveys.models import Code, Question, Response, Survey
from xuncha.surveys.results import survey_results

pytestmark = pytest.mark.django_db


def _published(demo: dict[str, Any], template: str = "questionnaire", **kw: Any) -> Survey:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template=template, **kw)
    return services.survey_publish(actor=users["leader"], survey=survey)


def _q(survey: Survey, n: int) -> Question:
    return survey.questions.get(number=n)


def test_every_template_makes_questions_and_defaults_to_the_acceptance_window(demo: dict[str, Any]) -> None:
    member = demo["users"]["member"]
    practice = demo["practice"]
    for template, count in (("leadership", 5), ("cadre_selection", 6), ("questionnaire", 6), ("blank", 0)):
        survey = services.survey_create(actor=member, inspection=practice, template=template, persons=["甲 书记", "乙 院长"])
        assert survey.questions.count() == count
        assert survey.opens_at.date() == practice.intake_start
        assert survey.state == "draft"
    leadership = Survey.objects.filter(template="leadership").order_by("-id").first()
    assert leadership is not None
    persons = _q(leadership, 2)
    assert [r["label"] for r in persons.rows] == ["甲 书记", "乙 院长"]
    assert [c["label"] for c in persons.choices] == ["好", "较好", "一般", "差"]
    assert _q(leadership, 4).show_if_question == _q(leadership, 3)


def test_only_the_leader_publishes_and_published_questions_are_final(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="questionnaire")
    with pytest.raises(NotAllowed):
        services.survey_publish(actor=users["member"], survey=survey)
    for outsider in ("liaison", "recipient", "auditor", "other_leader", "office"):
        with pytest.raises((NotFound, NotAllowed)):
            services.survey_publish(actor=users[outsider], survey=survey)
    services.survey_publish(actor=users["leader"], survey=survey)
    with pytest.raises(Conflict):
        services.survey_questions_replace(actor=users["member"], survey=survey, questions=[])


def test_a_leadership_survey_without_persons_cannot_be_published(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="leadership")
    with pytest.raises(Invalid, match="占位"):
        services.survey_publish(actor=users["leader"], survey=survey)


def test_question_specs_are_checked_with_chinese_messages(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="blank")
    with pytest.raises(Invalid) as caught:
        services.survey_questions_replace(actor=users["member"], survey=survey, questions=[
            {"kind": "single", "text": "", "choices": ["只有一个"]},
            {"kind": "text", "text": "为什么？", "show_if": {"question": 5, "value": "c1"}},
            {"kind": "bogus", "text": "x"},
        ])
    text = "；".join(caught.value.messages)
    assert "第 1 题没有题目文字" in text and "至少要有两个选项" in text and "显示条件" in text and "题型" in text


def test_codes_answer_once_and_give_the_group(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = _published(demo, "questionnaire")
    _batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="teachers", count=3)
    assert len(set(codes)) == 3 and all(len(c) == 10 for c in codes)
    assert not Code.objects.filter(hash__in=codes).exists()  # only keyed hashes are stored
    answers = [{"question": _q(survey, 1).pk, "choice": "satisfied"}, {"question": _q(survey, 2).pk, "grade": 4},
               {"question": _q(survey, 4).pk, "choice": "none"}]
    response_submit(survey=survey, answers=answers, code=codes[0].lower())
    assert Response.objects.get(survey=survey).group == "teachers"
    with pytest.raises(Conflict, match="已经使用过"):
        response_submit(survey=survey, answers=answers, code=codes[0])
    with pytest.raises(NotFound, match="测评码不正确"):
        response_submit(survey=survey, answers=answers, code="ABCDE-23456")
    assert Response.objects.filter(survey=survey).count() == 1


def test_conditional_questions_required_answers_and_hidden_answers(demo: dict[str, Any]) -> None:
    survey = _published(demo, "questionnaire", codes_required=False)
    base = [{"question": _q(survey, 1).pk, "choice": "satisfied"}, {"question": _q(survey, 2).pk, "grade": 5}]
    with pytest.raises(Invalid, match="第 4 题"):
        response_submit(survey=survey, answers=base)
    # The conditional question 5 is dropped when question 4 did not choose "exists".
    response_submit(survey=survey, answers=[*base, {"question": _q(survey, 4).pk, "choice": "none"},
                                            {"question": _q(survey, 5).pk, "text": "被隐藏的回答"}])
    assert not survey.responses.get().texts.exists()
    texts = response_submit(survey=survey, answers=[*base, {"question": _q(survey, 4).pk, "choice": "exists"},
                                                    {"question": _q(survey, 5).pk, "text": "领导干部收受礼金，公款吃喝。"}])
    assert texts == ["领导干部收受礼金，公款吃喝。"]
    found = survey.responses.filter(texts__isnull=False).get().texts.get()
    assert "integrity" in found.disciplines and any("礼金" in phrase for phrase in found.evidence)
    with pytest.raises(Invalid, match="评分应为 1 到 5"):
        response_submit(survey=survey, answers=[*base[:1], {"question": _q(survey, 2).pk, "grade": 9},
                                                {"question": _q(survey, 4).pk, "choice": "none"}])


def test_a_closed_survey_takes_no_answers(surveys: dict[str, Survey]) -> None:
    closed = surveys["closed"]
    with pytest.raises(SurveyClosed, match="截止") as caught:
        response_submit(survey=closed, answers=[], code="ABCDE23456")
    assert caught.value.over


def test_results_hide_small_groups_and_flag_poor_grades(surveys: dict[str, Survey]) -> None:
    results = survey_results(surveys["leadership"])
    assert results.responses == 60
    groups = {g.group: g for g in results.groups}
    assert groups["students"].answered == 4 and not groups["students"].shown
    assert groups["teachers"].issued == 40 and groups["teachers"].shown
    # The demo's voided batch: nothing issued that counts, 15 voided, nothing answered.
    assert (groups["retired"].issued, groups["retired"].voided, groups["retired"].answered) == (0, 15, 0)
    assert results.counted == 56 and "不单独显示" in results.note
    team = results.questions[0]
    assert team.hidden_reason is None and "students" not in team.by_group
    assert sum(team.distribution["r1"].values()) == 56
    assert team.flagged_share is not None


def test_results_hide_everything_under_the_minimum(demo: dict[str, Any]) -> None:
    survey = _published(demo, "questionnaire", codes_required=False)
    response_submit(survey=survey, answers=[{"question": _q(survey, 1).pk, "choice": "satisfied"},
                                            {"question": _q(survey, 2).pk, "grade": 5}, {"question": _q(survey, 4).pk, "choice": "none"}])
    results = survey_results(survey)
    assert all(r.hidden_reason for r in results.questions if r.question.kind != "text")
    assert all(not r.distribution for r in results.questions)


def test_slips_print_once(demo: dict[str, Any]) -> None:
    users = demo["users"]
    survey = _published(demo, "questionnaire")
    batch, codes = services.codes_issue(actor=users["member"], survey=survey, group="students", count=12)
    again, printed = services.slips_take(actor=users["member"], survey=survey, batch_number=batch.number)
    assert printed == codes
    again.refresh_from_db()
    assert again.slips_sealed == "" and again.slips_printed
    with pytest.raises(Conflict):
        services.slips_take(actor=users["member"], survey=survey, batch_number=batch.number)


def test_survey_results_are_evidence_for_a_finding(surveys: dict[str, Survey], demo: dict[str, Any]) -> None:
    from xuncha.fieldwork.evidence import kind_labels, resolve

    assert kind_labels()["survey"] == "测评结果"
    leadership = surveys["leadership"]
    ref = resolve("survey", actor=demo["users"]["member"], inspection_id=demo["practice"].pk, object_id=leadership.pk)
    assert ref is not None and ref.url.endswith(f"/surveys/{leadership.pk}/results/")
    assert resolve("survey", actor=demo["users"]["liaison"], inspection_id=demo["practice"].pk, object_id=leadership.pk) is None
    assert resolve("survey", actor=demo["users"]["member"], inspection_id=demo["seed001"].pk, object_id=leadership.pk) is None
