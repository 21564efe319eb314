"""The public's answers: one service for the portal's survey page and the public API alike.

Nothing about the respondent is written: no account, no address, no device, no time. With a code, the
code row's `used` flips in the same transaction as the response is written (a conditional UPDATE, so two
simultaneous submissions of one code cannot both succeed); the response does not name the code, and its
primary key is random. Answers are not audited one by one: an audit event carries a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xuncha.core.classify import classify
from xuncha.documents import cn_date
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound

from .models import Answer, Code, Group, Question, QuestionType, Response, Survey, TextAnswer
from .services import code_hash, normalise_code
from .tally import submission_lock, tally_add

MAX_TEXT_CHARS = 2000
CODE_VOID = "这个测评码所在的一批已由巡察组作废，不能再使用。请向巡察组领取新的测评码。"


class SurveyClosed(NotAllowed):
    """The survey is over (410) or not open yet (403)."""

    def __init__(self, survey: Survey, *, over: bool) -> None:
        self.over = over
        local = timezone.localtime(survey.closes_at if over else survey.opens_at)
        super().__init__(f"本次测评已于{cn_date(local.date())} {local:%H:%M}截止，不再接收答卷。感谢您的关注。" if over
                         else f"本次测评将于{cn_date(local.date())} {local:%H:%M}开始，届时再来参加。")


def survey_open_check(survey: Survey) -> None:
    now = timezone.now()
    if survey.state != Survey.State.PUBLISHED:
        raise NotFound("没有这份测评。")
    if now >= survey.closes_at or survey.inspection.closed_at is not None:
        raise SurveyClosed(survey, over=True)
    if now < survey.opens_at:
        raise SurveyClosed(survey, over=False)


@dataclass
class Cleaned:
    cells: list[tuple[Question, str, str]]  # (question, row, value)
    texts: list[tuple[Question, str]]


def _chosen(answer: dict[str, Any]) -> set[str]:
    if "choice" in answer:
        return {str(answer["choice"])}
    if "choices" in answer and isinstance(answer["choices"], list):
        return {str(v) for v in answer["choices"]}
    return set()


def visible_questions(questions: list[Question], given: dict[int, dict[str, Any]]) -> list[Question]:
    """The questions shown for these answers: a conditional one only after its answer was chosen."""
    shown: list[Question] = []
    ids: set[int] = set()
    for q in questions:
        ref = q.show_if_question_id
        if ref is not None and (ref not in ids or q.show_if_value not in _chosen(given.get(ref, {}))):
            continue
        shown.append(q)
        ids.add(q.pk)
    return shown


def clean_answers(questions: list[Question], answers: list[dict[str, Any]]) -> Cleaned:
    """The answers checked against the questions; answers to hidden questions are dropped. Raises Invalid
    with one Chinese sentence per problem."""
    by_id = {q.pk: q for q in questions}
    given: dict[int, dict[str, Any]] = {}
    problems: list[str] = []
    for i, item in enumerate(answers, start=1):
        qid = item.get("question") if isinstance(item, dict) else None
        if not isinstance(qid, int) or qid not in by_id:
            problems.append(f"第 {i} 个答案的 question 不是这份测评的题目。")
        elif qid in given:
            problems.append(f"第 {by_id[qid].number} 题回答了两次。")
        else:
            given[qid] = item
    if problems:
        raise Invalid(problems)
    out = Cleaned([], [])
    for q in visible_questions(questions, given):
        a = given.get(q.pk)
        where = f"第 {q.number} 题（{q.text[:20]}）"
        labels = q.labels()
        empty = a is None or all(not a.get(k) for k in ("choice", "choices", "grade", "text", "matrix"))
        if empty:
            if q.required:
                problems.append(f"{where}需要回答。")
            continue
        assert a is not None
        if q.kind == QuestionType.SINGLE:
            v = str(a.get("choice", ""))
            if v not in labels:
                problems.append(f"{where}的选项无效。")
            else:
                out.cells.append((q, "", v))
        elif q.kind == QuestionType.MULTIPLE:
            vs = a.get("choices")
            if not isinstance(vs, list) or any(str(v) not in labels for v in vs) or len(set(map(str, vs))) != len(vs):
                problems.append(f"{where}的选项无效。")
            else:
                out.cells.extend((q, "", str(v)) for v in vs)
        elif q.kind == QuestionType.RATING:
            g = a.get("grade")
            if not isinstance(g, int) or isinstance(g, bool) or not 1 <= g <= q.scale:
                problems.append(f"{where}的评分应为 1 到 {q.scale} 的整数。")
            else:
                out.cells.append((q, "", str(g)))
        elif q.kind == QuestionType.MATRIX:
            m = a.get("matrix")
            rows = q.row_labels()
            if not isinstance(m, dict) or any(str(r) not in rows or str(v) not in labels for r, v in m.items()):
                problems.append(f"{where}的评价无效。")
            elif q.required and set(map(str, m)) != set(rows):
                problems.append(f"{where}的每一行都需要评价（还有 {len(set(rows) - set(map(str, m)))} 行未评）。")
            else:
                out.cells.extend((q, str(r), str(v)) for r, v in m.items())
        else:
            t = a.get("text")
            if not isinstance(t, str):
                problems.append(f"{where}应为文字。")
            elif len(t) > MAX_TEXT_CHARS:
                problems.append(f"{where}最多 {MAX_TEXT_CHARS} 字。")
            elif t.strip():
                out.texts.append((q, t.strip()))
            elif q.required:
                problems.append(f"{where}需要回答。")
    if problems:
        raise Invalid(problems)
    return out


def _classified(text: str) -> dict[str, list[str]]:
    found = classify(text)
    evidence: list[str] = []
    for entry in [*found.get("disciplines", []), *found.get("focuses", [])]:
        for phrase in entry.get("evidence", []):
            if phrase not in evidence:
                evidence.append(phrase)
    return {"disciplines": [e["code"] for e in found.get("disciplines", []) if e.get("proposed")],
            "focuses": [e["code"] for e in found.get("focuses", []) if e.get("proposed")],
            "evidence": evidence[:10]}


def response_submit(*, survey: Survey, answers: list[dict[str, Any]], code: str = "") -> list[str]:
    """Record one anonymous answer sheet. Returns the free-text answers (for the offer to report them).
    NotFound: not published, or an unknown code; Conflict: a used code; SurveyClosed; Invalid."""
    survey_open_check(survey)
    questions = list(survey.questions.all())
    cleaned = clean_answers(questions, answers)
    digest = code_hash(survey.pk, code) if survey.codes_required else ""
    if survey.codes_required and not normalise_code(code):
        raise Invalid("请填写测评码（发放的纸条上的 10 位字母和数字）。")
    classified = [(q, t, _classified(t)) for q, t in cleaned.texts]
    with transaction.atomic():
        submission_lock(survey.pk)  # shared: only a tally rebuild waits for it (xuncha.surveys.tally)
        group = Group.PUBLIC.value
        if survey.codes_required:
            # One statement decides: of simultaneous submissions with one code exactly one sees used=False.
            if not Code.objects.filter(survey=survey, hash=digest, used=False, voided=False).update(used=True):
                known = Code.objects.filter(survey=survey, hash=digest).values_list("voided", flat=True).first()
                if known is None:
                    raise NotFound("测评码不正确，请核对纸条上的测评码后重新输入。")
                if known:
                    raise Conflict(CODE_VOID)
                raise Conflict("这个测评码已经使用过。每个测评码只能提交一次；如有疑问，请联系巡察组。")
            group = str(Code.objects.filter(survey=survey, hash=digest).values_list("batch__group", flat=True).get())
        response = Response.objects.create(survey=survey, group=group)
        Answer.objects.bulk_create([Answer(response=response, survey=survey, question=q, group=group, row=row, value=value)
                                    for q, row, value in cleaned.cells])
        TextAnswer.objects.bulk_create([TextAnswer(response=response, survey=survey, question=q, group=group, text=t, **c)
                                        for q, t, c in classified])
        # Last: the tally's row locks are held only from here to the commit.
        tally_add(survey.pk, [(q.pk, group, row, value) for q, row, value in cleaned.cells])
    return [t for _q, t in cleaned.texts]
