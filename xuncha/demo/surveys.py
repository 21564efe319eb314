"""Demo surveys (民主测评 and questionnaires), through the real services as the demo users would:

- The practice inspection: an open 领导班子民主测评 with codes for three groups (middle-level cadres,
  teachers, students) and 60 generated answers (the students' group stays under the minimum of 5 and is
  hidden in the results), a fourth batch (retired staff) voided because its slips went astray, and an
  open questionnaire anyone may answer.
- Seed 001 (2024, finished): a closed 民主测评 with its results. Answers can only be given while a survey
  is open, so it is opened now, answered, then its close time is moved back to the end of the 2024
  acceptance window.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.surveys.answers import response_submit
from xuncha.surveys.models import Question, QuestionType, Survey, Template
from xuncha.surveys.services import codes_issue, codes_void, day_start, survey_create, survey_publish, survey_update

PRACTICE_PERSONS = ["王示范 党委书记", "李演练 院长", "赵模拟 党委副书记", "钱样例 副院长", "孙测试 纪委书记"]
SEED001_PERSONS = ["班子成员甲 党委书记", "班子成员乙 校长", "班子成员丙 党委副书记", "班子成员丁 副校长"]
GRADE_WEIGHTS = {"good": 55, "fair_good": 27, "fair": 12, "poor": 6}
PROBLEMS = [
    "食堂承包合同未经集体研究，承包商与某领导有亲属关系，饭菜价格连续上涨。",
    "个别领导干部公车私用，周末开公车接送孩子上下学。",
    "职称评审标准不公开，评审结果没有公示，教职工意见很大。",
    "基建项目招标走过场，中标单位多次是同一家公司。",
    "学生助学金评定优亲厚友，班主任说了算。",
    "会议多、文件多，基层疲于应付填表报数，形式主义突出。",
]
SUGGESTIONS = ["希望加强财务公开，重大事项广泛听取教职工意见。", "建议领导班子多到一线调研，少开会。", "希望巡察整改真正落地。"]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(rng: random.Random, questions: list[Question], harsh: bool) -> list[dict[str, Any]]:
    """One plausible answer sheet for a leadership survey (a harsher respondent now and then)."""
    weights = {"good": 25, "fair_good": 30, "fair": 25, "poor": 20} if harsh else GRADE_WEIGHTS
    out: list[dict[str, Any]] = []
    problem = False
    for q in questions:
        if q.kind == QuestionType.MATRIX:
            out.append({"question": q.pk, "matrix": {r["value"]: _pick(rng, weights) for r in q.rows}})
        elif q.kind == QuestionType.SINGLE:
            choice = "exists" if harsh or rng.random() < 0.1 else rng.choice(["none", "none", "unknown"])
            values = [c["value"] for c in q.choices]
            choice = choice if choice in values else rng.choice(values)
            problem = choice == "exists"
            out.append({"question": q.pk, "choice": choice})
        elif q.kind == QuestionType.RATING:
            out.append({"question": q.pk, "grade": rng.choice([2, 3, 4, 4, 5, 5]) if not harsh else rng.choice([1, 2, 3])})
        elif q.kind == QuestionType.MULTIPLE:
            values = [c["value"] for c in q.choices]
            out.append({"question": q.pk, "choices": rng.sample(values, k=rng.randint(1, 2))})
        elif q.kind == QuestionType.TEXT:
            if q.show_if_question_id is not None and problem:
                out.append({"question": q.pk, "text": rng.choice(PROBLEMS)})
            elif q.show_if_question_id is None and rng.random() < 0.2:
                out.append({"question": q.pk, "text": rng.choice(SUGGESTIONS)})
    return out


def _answer_with_codes(survey: Survey, plan: list[tuple[str, int, int]], leader: User, rng: random.Random) -> int:
    questions = list(survey.questions.all())
    given = 0
    for group, issued, answered in plan:
        _batch, codes = codes_issue(actor=leader, survey=survey, group=group, count=issued)
        for code in codes[:answered]:
            response_submit(survey=survey, answers=_answers(rng, questions, harsh=rng.random() < 0.15), code=code)
            given += 1
    return given


def load_demo_surveys(inspections: list[Inspection], *, today: dt.date | None = None) -> list[Survey]:
    _seed000, seed001, practice = inspections
    member = User.objects.get(username="member")
    leader = User.objects.get(username="leader")
    rng = random.Random(20261)
    made: list[Survey] = []

    leadership = survey_create(actor=member, inspection=practice, template=Template.LEADERSHIP, persons=PRACTICE_PERSONS,
                               intro="请根据日常了解，对学院领导班子和班子成员作出评价。测评不记名。")
    survey_publish(actor=leader, survey=leadership)
    _answer_with_codes(leadership, [("middle", 25, 22), ("teachers", 40, 34), ("students", 20, 4)], leader, rng)
    # A batch whose slips went astray, voided with its reason (its codes answer no more).
    stray, _codes = codes_issue(actor=member, survey=leadership, group="retired", count=15)
    codes_void(actor=member, survey=leadership, batch_number=stray.number, reason="纸条误发到其他会场，已作废，另行发放")
    made.append(leadership)

    questionnaire = survey_create(actor=member, inspection=practice, template=Template.QUESTIONNAIRE, codes_required=False)
    survey_publish(actor=leader, survey=questionnaire)
    questions = list(questionnaire.questions.all())
    for _ in range(8):
        response_submit(survey=questionnaire, answers=_answers(rng, questions, harsh=rng.random() < 0.2))
    made.append(questionnaire)

    closed = survey_create(actor=member, inspection=seed001, template=Template.LEADERSHIP, persons=SEED001_PERSONS,
                           opens_at=day_start(seed001.intake_start), closes_at=timezone.now() + dt.timedelta(hours=1))
    survey_publish(actor=leader, survey=closed)
    _answer_with_codes(closed, [("leadership", 12, 9), ("middle", 60, 48), ("teachers", 120, 97)], leader, rng)
    survey_update(actor=leader, survey=closed, title=closed.title, intro=closed.intro, opens_at=closed.opens_at,
                  closes_at=day_start(seed001.intake_end + dt.timedelta(days=1)), codes_required=True,
                  min_group_size=closed.min_group_size)
    made.append(closed)
    return made
