"""Surveys (民主测评 and questionnaires) of an inspection: questions, participation codes, answers.

Anonymity (docs/architecture.md, "测评的匿名"): a response has a random primary key, no time, no
account, no address and no device; its only tie to a person is the group (from the code, never the
person). A participation code is kept as a keyed hash only; using it flips `used` on the code row and
nothing else, so no column links a code to a response.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models


class Template(models.TextChoices):
    LEADERSHIP = "leadership", "领导班子民主测评"
    CADRE_SELECTION = "cadre_selection", "选人用人工作民主评议"
    QUESTIONNAIRE = "questionnaire", "全面从严治党和政治生态问卷"
    BLANK = "blank", "空白问卷"


class QuestionType(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    RATING = "rating", "评分"
    MATRIX = "matrix", "矩阵（行 × 等次）"
    TEXT = "text", "文字"


class Group(models.TextChoices):
    LEADERSHIP = "leadership", "校（院）级领导"
    MIDDLE = "middle", "中层干部"
    TEACHERS = "teachers", "教职工"
    STUDENTS = "students", "学生"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他"
    PUBLIC = "public", "公开参与"  # open surveys: every answer without a code


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT, related_name="surveys",
                                   verbose_name="巡察任务")
    title = models.CharField("标题", max_length=120)
    template = models.CharField("模板", max_length=20, choices=Template.choices, default=Template.BLANK)
    intro = models.TextField("说明", blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    codes_required = models.BooleanField("凭测评码参加", default=True)
    min_group_size = models.PositiveSmallIntegerField("结果显示的最少人数", default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    def open_at(self, now: Any) -> bool:
        return self.state == self.State.PUBLISHED and self.opens_at <= now < self.closes_at


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("题型", max_length=10, choices=QuestionType.choices)
    text = models.CharField("题目", max_length=300)
    # [{"value": "good", "label": "好"}, ...]; for a matrix, the columns (grades).
    choices = models.JSONField("选项", default=list, blank=True)
    rows = models.JSONField("矩阵的行", default=list, blank=True)  # persons or items
    scale = models.PositiveSmallIntegerField("评分的最高分", default=5)
    required = models.BooleanField("必答", default=True)
    # Values that count as unfavourable (差、不满意): their share is flagged in the results.
    flag_values = models.JSONField("需关注的选项", default=list, blank=True)
    show_if_question = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                         verbose_name="显示条件：题目")
    show_if_value = models.CharField("显示条件：选项", max_length=40, blank=True)

    class Meta:
        ordering = ["survey", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_question_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def labels(self) -> dict[str, str]:
        if self.kind == QuestionType.RATING:
            return {str(g): f"{g} 分" for g in range(1, self.scale + 1)}
        return {str(c["value"]): str(c["label"]) for c in self.choices}

    def row_labels(self) -> dict[str, str]:
        return {str(r["value"]): str(r["label"]) for r in self.rows}


class CodeBatch(models.Model):
    """One batch of participation codes for one group. `slips_sealed` holds the codes, sealed with the
    identity key, only until the slips are printed once (then it is emptied for good)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField("批次")
    group = models.CharField("群体", max_length=12, choices=Group.choices)
    count = models.PositiveIntegerField("数量")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    slips_sealed = models.TextField(blank=True)
    slips_printed = models.BooleanField(default=False)
    # Voided by the team (slips lost, handed to the wrong group...): its unused codes answer no more;
    # answers already given with its codes stay counted.
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    void_reason = models.CharField("作废原因", max_length=300, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_batch_number_unique")]


class Code(models.Model):
    """A participation code: only its keyed hash. `used` has no time and no link to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    # Set on the codes still unused when their batch is voided (one UPDATE, which a simultaneous use of
    # the same code either precedes or misses: the code is then used or void, never both).
    voided = models.BooleanField(default=False)


def random_id() -> int:
    """A random positive 63-bit primary key: the order of ids says nothing of the order of answers."""
    return secrets.randbits(62) + 1


class Response(models.Model):
    """One anonymous answer sheet: a random id, the survey, the group — and nothing else. No time (not
    even the day), no account, no address, no device, no code."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=12, choices=Group.choices)


class Answer(models.Model):
    """One value of a response: a choice (one row per chosen value of a multiple choice), a grade, or a
    matrix cell (`row` set). Survey and group are repeated so that results are one grouped count."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    group = models.CharField(max_length=12)
    row = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=40)

    class Meta:
        # Covering the results' grouped count: PostgreSQL answers it from the index alone.
        indexes = [models.Index(fields=["survey", "question", "group", "row", "value"], name="survey_answer_tally_idx")]


class TextAnswer(models.Model):
    """A free-text answer, with the classification reports get (disciplines, focuses, evidence)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="texts")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="texts")
    group = models.CharField(max_length=12)
    text = models.TextField()
    disciplines = models.JSONField(default=list)
    focuses = models.JSONField(default=list)
    evidence = models.JSONField(default=list)


TALLY_SHARDS = 8


class Tally(models.Model):
    """Running counts of the answers, kept in the submission's own transaction (xuncha.surveys.tally):
    one row per survey × question × group × matrix row × value × shard. Results read these few hundred
    rows instead of counting every answer; `manage.py survey_tally` proves them equal to a recount.
    A submission adds to one shard drawn at random, so that simultaneous submissions rarely wait on
    the same rows; the shard means nothing and results sum over it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12)
    row = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "question", "group", "row", "value", "shard"],
                                               name="survey_tally_key")]
