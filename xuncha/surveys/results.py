"""Results of a survey: participation per group, per question distributions overall and by group,
rating averages, the share of unfavourable answers flagged — read from the tally kept at submission
(xuncha.surveys.tally), a few hundred rows whatever the number of answers.

Small groups (docs/architecture.md, "测评的匿名"): a group with fewer answers than the survey's minimum
is not shown on its own; groups under the minimum are pooled ("其他群体（合并）") when the pool reaches
the minimum, and otherwise left out of every figure, the overall ones included (so that the overall minus
the shown groups cannot reveal them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from .models import Code, Group, Question, QuestionType, Response, Survey
from .tally import tally_counts

POOLED = "pooled"
POOLED_LABEL = "其他群体（合并）"
FLAG_SHARE = 0.10  # a share of unfavourable answers at or above this is highlighted


@dataclass
class GroupFigure:
    group: str
    label: str
    issued: int | None
    answered: int
    shown: bool
    voided: int = 0  # codes voided unused (their batch was voided): not counted as issued


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    distribution: dict[str, Any] = field(default_factory=dict)     # value -> n (matrix: row -> value -> n)
    by_group: dict[str, dict[str, Any]] = field(default_factory=dict)
    average: float | None = None
    flagged_share: float | None = None
    row_flags: dict[str, float] = field(default_factory=dict)
    row_averages: dict[str, float] = field(default_factory=dict)
    hidden_reason: str | None = None

    @property
    def flagged(self) -> bool:
        return self.flagged_share is not None and self.flagged_share >= FLAG_SHARE


@dataclass
class Results:
    survey: Survey
    responses: int
    counted: int
    groups: list[GroupFigure]
    questions: list[QuestionResult]
    note: str


def _bucket(group: str, shown: set[str], pooled: bool) -> str | None:
    if group in shown:
        return group
    return POOLED if pooled else None


def survey_results(survey: Survey) -> Results:
    minimum = survey.min_group_size
    answered = dict(Response.objects.filter(survey=survey).values_list("group").annotate(n=Count("id")).values_list("group", "n"))
    issued: dict[str, int] = {}
    voided: dict[str, int] = {}
    # Codes of a voided batch that were used before it was voided stay issued (their answers count).
    for g, void, n in (Code.objects.filter(survey=survey).values_list("batch__group", "voided").annotate(n=Count("id"))
                       .values_list("batch__group", "voided", "n")):
        into = voided if void else issued
        into[g] = into.get(g, 0) + n
    labels = dict(Group.choices)
    shown = {g for g, n in answered.items() if n >= minimum}
    small = sum(n for g, n in answered.items() if g not in shown)
    pooled = small >= minimum
    groups = [GroupFigure(g, labels.get(g, g), issued.get(g, 0) if survey.codes_required else None, answered.get(g, 0), g in shown,
                          voided.get(g, 0))
              for g in [*Group.values] if g in answered or g in issued or g in voided]
    counted = sum(answered[g] for g in shown) + (small if pooled else 0)
    note = ""
    if small and not pooled:
        note = f"答卷少于 {minimum} 份的群体（共 {small} 份）不单独显示，也不计入总体结果，以免推断出个人的回答。"
    elif small:
        note = f"答卷少于 {minimum} 份的群体合并为“{POOLED_LABEL}”显示（共 {small} 份）。"

    counts: dict[int, list[tuple[str, str, str, int]]] = defaultdict(list)
    for (qid, group, row, value), n in tally_counts(survey).items():
        counts[qid].append((group, row, value, n))

    out: list[QuestionResult] = []
    for q in survey.questions.all():
        r = QuestionResult(q)
        if q.kind == QuestionType.TEXT:
            out.append(r)
            continue
        overall: dict[str, Any] = {}
        by_group: dict[str, dict[str, Any]] = defaultdict(dict)
        for group, row, value, n in counts.get(q.pk, []):
            bucket = _bucket(group, shown, pooled)
            if bucket is None:
                continue
            for target in (overall, by_group[bucket]):
                if q.kind == QuestionType.MATRIX:
                    cell = target.setdefault(row, {})
                    cell[value] = cell.get(value, 0) + n
                else:
                    target[value] = target.get(value, 0) + n
        if q.kind == QuestionType.MATRIX:
            r.respondents = max((sum(c.values()) for c in overall.values()), default=0)
            for row, cell in overall.items():
                total = sum(cell.values())
                if q.flag_values and total:
                    r.row_flags[row] = sum(cell.get(v, 0) for v in q.flag_values) / total
            r.flagged_share = max(r.row_flags.values(), default=None)
        elif q.kind == QuestionType.MULTIPLE:
            r.respondents = counted
        else:
            r.respondents = sum(overall.values())
            if q.flag_values and r.respondents:
                r.flagged_share = sum(overall.get(v, 0) for v in q.flag_values) / r.respondents
            if q.kind == QuestionType.RATING and r.respondents:
                r.average = sum(int(v) * n for v, n in overall.items()) / r.respondents
        if counted < minimum or (r.respondents and r.respondents < minimum):
            r.hidden_reason = f"回答人数少于 {minimum} 人，不显示结果。"
            r.flagged_share = None
            r.average = None
            r.row_flags = {}
        else:
            r.distribution = overall
            r.by_group = dict(by_group)
        out.append(r)
    return Results(survey, sum(answered.values()), counted, groups, out, note)


def results_json(results: Results) -> dict[str, Any]:
    """The API's shape (docs/api.md)."""
    return {
        "responses": results.responses,
        "counted": results.counted,
        "note": results.note,
        "groups": [{"group": g.group, "label": g.label, "issued": g.issued, "voided": g.voided,
                    "answered": g.answered, "shown": g.shown}
                   for g in results.groups],
        "questions": [{"id": r.question.pk, "number": r.question.number, "type": r.question.kind, "text": r.question.text,
                       "respondents": r.respondents, "distribution": r.distribution, "by_group": r.by_group,
                       "average": round(r.average, 2) if r.average is not None else None,
                       "flagged_share": round(r.flagged_share, 4) if r.flagged_share is not None else None,
                       "hidden_reason": r.hidden_reason if r.question.kind != QuestionType.TEXT else "文字回答见文字回答列表。"}
                      for r in results.questions],
    }
