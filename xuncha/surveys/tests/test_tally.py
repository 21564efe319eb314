"""The tally kept at submission: equal to a recount after every path that writes answers, rebuilt and
checked by `manage.py survey_tally`, and exact under simultaneous submissions (PostgreSQL threads)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from xuncha.surveys import services
from xuncha.surveys.answers import response_submit
from xuncha.surveys.models import Survey, Tally
from xuncha.surveys.results import survey_results
from xuncha.surveys.tally import recount, tally_check, tally_counts, tally_rebuild


def _sheet(survey: Survey, i: int) -> list[dict[str, Any]]:
    q = {n: survey.questions.get(number=n).pk for n in (1, 2, 3, 4, 5)}
    many = [c["value"] for c in survey.questions.get(number=3).choices]
    problem = i % 3 == 0
    return [{"question": q[1], "choice": ["satisfied", "mostly", "unsatisfied"][i % 3]}, {"question": q[2], "grade": 1 + i % 5},
            {"question": q[3], "choices": many[i % 2: 2 + i % 3]},
            {"question": q[4], "choice": "exists" if problem else "none"}, *([{"question": q[5], "text": "公车私用"}] if problem else [])]


def _published(demo: dict[str, Any]) -> Survey:
    users = demo["users"]
    survey = services.survey_create(actor=users["member"], inspection=demo["practice"], template="questionnaire",
                                    codes_required=False, min_group_size=1)
    return services.survey_publish(actor=users["leader"], survey=survey)


@pytest.mark.django_db
def test_submissions_keep_the_tally_equal_to_a_recount(surveys: dict[str, Survey]) -> None:
    for survey in surveys.values():  # the demo answered them through response_submit
        check = tally_check(survey)
        assert check.equal and check.answers > 0, check.differences
    leadership = surveys["leadership"]
    counts = tally_counts(leadership)
    assert counts == recount(leadership)
    # The shards add up: more than one tally row for a popular cell, one total.
    assert Tally.objects.filter(survey=leadership).count() > len(counts)
    team = survey_results(leadership).questions[0]
    cell = sum(n for (qid, group, row, value), n in counts.items() if qid == team.question.pk and row == "r1" and group != "students")
    assert sum(team.distribution["r1"].values()) == cell == 56


@pytest.mark.django_db
def test_survey_tally_command_finds_and_rebuilds_a_wrong_tally(demo: dict[str, Any]) -> None:
    survey = _published(demo)
    for i in range(6):
        response_submit(survey=survey, answers=_sheet(survey, i))
    out = StringIO()
    call_command("survey_tally", "--survey", str(survey.pk), stdout=out)
    assert "一致" in out.getvalue() and "不一致" not in out.getvalue()
    # Break it: one count too high, one key lost.
    first = Tally.objects.filter(survey=survey).order_by("id").first()
    assert first is not None
    Tally.objects.filter(pk=first.pk).update(n=first.n + 5)
    Tally.objects.filter(survey=survey).exclude(pk=first.pk).order_by("id").first().delete()  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="不一致"):
        call_command("survey_tally", "--survey", str(survey.pk), stdout=StringIO())
    before = survey_results(survey)
    out = StringIO()
    call_command("survey_tally", "--survey", str(survey.pk), "--rebuild", stdout=out)
    assert "不一致 2 项" in out.getvalue() and "已按重新统计重建" in out.getvalue()
    assert tally_check(survey).equal and tally_counts(survey) == recount(survey)
    after = survey_results(survey)
    assert [r.distribution for r in after.questions] != [r.distribution for r in before.questions]
    # Answers after a rebuild add to the rebuilt tally.
    response_submit(survey=survey, answers=_sheet(survey, 7))
    assert tally_check(survey).equal
    with pytest.raises(CommandError, match="没有这些测评"):
        call_command("survey_tally", "--survey", "999999", stdout=StringIO())
    assert tally_rebuild(survey).equal


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_count_exactly(demo: dict[str, Any]) -> None:
    from django.db import connection

    from tests.threads import run_in_threads

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    survey = _published(demo)
    sheet = _sheet(survey, 3)

    def work() -> None:
        for _ in range(5):
            response_submit(survey=survey, answers=sheet)

    assert run_in_threads(work, count=8) == []
    assert survey.responses.count() == 40
    check = tally_check(survey)
    assert check.equal and max(tally_counts(survey).values()) == 40
