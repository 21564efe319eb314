"""Writes of surveys by the team: create from a template, edit questions before publication, publish
(the leader), issue participation codes in batches and print their slips once. The public's answers
are written by `answers.response_submit`."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.core.sm import sm3_hmac_hex
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.keys import key_ring

from .blueprints import DEFAULT_TITLES, questions_for
from .models import Code, CodeBatch, Group, Question, Survey, Template
from .specs import clean_questions

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a paper slip
CODE_CHARS = 10
MAX_CODES_PER_BATCH = 2000
SLIPS_CONTEXT = "surveys.slips"


def _need(actor: User, purpose: Purpose, inspection: Inspection) -> None:
    if not allows(actor, Kind.SURVEY, Purpose.READ, inspection):
        raise NotFound
    if not allows(actor, Kind.SURVEY, purpose, inspection):
        raise NotAllowed("只有本组组长（副组长）可以发布测评。" if purpose == Purpose.APPROVE else "只有本巡察组可以编辑测评。")


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def default_window(inspection: Inspection) -> tuple[dt.datetime, dt.datetime]:
    """The acceptance window: from the first day's start to the end of the last day."""
    return day_start(inspection.intake_start), day_start(inspection.intake_end + dt.timedelta(days=1))


def _check_settings(opens_at: dt.datetime, closes_at: dt.datetime, min_group_size: int, title: str) -> None:
    problems = []
    if not title.strip():
        problems.append("请填写测评标题。")
    if len(title) > 120:
        problems.append("测评标题最多 120 字。")
    if closes_at <= opens_at:
        problems.append("截止时间应晚于开始时间。")
    if not 1 <= min_group_size <= 100:
        problems.append("结果显示的最少人数应在 1 到 100 之间。")
    if problems:
        raise Invalid(problems)


def _write_questions(survey: Survey, specs: list[dict[str, Any]]) -> None:
    survey.questions.all().delete()
    made: list[Question] = []
    for n, spec in enumerate(specs, start=1):
        cond = spec["show_if"]
        made.append(Question.objects.create(
            survey=survey, number=n, kind=spec["kind"], text=spec["text"], choices=spec["choices"], rows=spec["rows"],
            scale=spec["scale"], required=spec["required"], flag_values=spec["flag_values"],
            show_if_question=made[cond[0] - 1] if cond else None, show_if_value=cond[1] if cond else ""))


def survey_create(*, actor: User, inspection: Inspection, template: str, title: str = "", intro: str = "",
                  opens_at: dt.datetime | None = None, closes_at: dt.datetime | None = None, codes_required: bool = True,
                  min_group_size: int = 5, persons: list[str] | None = None) -> Survey:
    """A draft survey from a template; the window defaults to the inspection's acceptance window.
    For the leadership template, `persons` are the matrix rows (班子成员), one "姓名 职务" each."""
    _need(actor, Purpose.WORK, inspection)
    if template not in Template.values:
        raise Invalid("模板应为：" + "、".join(f"{v}（{lbl}）" for v, lbl in Template.choices) + "。")
    default_open, default_close = default_window(inspection)
    opens_at, closes_at = opens_at or default_open, closes_at or default_close
    title = title.strip() or DEFAULT_TITLES[Template(template)]
    _check_settings(opens_at, closes_at, min_group_size, title)
    people = [p.strip() for p in persons or [] if p.strip()]
    specs = clean_questions(questions_for(template, people))
    with transaction.atomic():
        survey = Survey.objects.create(inspection=inspection, title=title, template=template, intro=intro, opens_at=opens_at,
                                       closes_at=closes_at, codes_required=codes_required, min_group_size=min_group_size,
                                       created_by=actor)
        _write_questions(survey, specs)
        audit_record(actor=actor, action="survey.create", obj=survey, summary=f"新建测评“{survey.title}”（{survey.get_template_display()}）")
    return survey


def survey_update(*, actor: User, survey: Survey, title: str, intro: str, opens_at: dt.datetime, closes_at: dt.datetime,
                  codes_required: bool, min_group_size: int) -> Survey:
    """Settings of a draft; after publication only the close time may move (later or earlier)."""
    _need(actor, Purpose.WORK, survey.inspection)
    _check_settings(opens_at, closes_at, min_group_size, title)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        settled = (opens_at, codes_required, min_group_size) == (locked.opens_at, locked.codes_required, locked.min_group_size)
        if not locked.is_draft and not settled:
            raise Conflict("测评已发布：只能修改标题、说明和截止时间。")
        Survey.objects.filter(pk=survey.pk).update(title=title.strip(), intro=intro, opens_at=opens_at, closes_at=closes_at,
                                                   codes_required=codes_required, min_group_size=min_group_size)
        audit_record(actor=actor, action="survey.update", obj=survey, summary=f"修改测评“{title}”的设置")
    survey.refresh_from_db()
    return survey


def survey_questions_replace(*, actor: User, survey: Survey, questions: list[dict[str, Any]]) -> Survey:
    """Replace every question of a draft (the API's PUT, the builder's edits)."""
    _need(actor, Purpose.WORK, survey.inspection)
    specs = clean_questions(questions)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not locked.is_draft:
            raise Conflict("测评已发布，题目不能再修改。")
        _write_questions(survey, specs)
        audit_record(actor=actor, action="survey.questions", obj=survey, summary=f"修改测评“{survey.title}”的题目（{len(specs)} 题）")
    return survey


def question_specs(survey: Survey) -> list[dict[str, Any]]:
    """The current questions as specs (for editing one and writing all back)."""
    questions = list(survey.questions.all())
    number = {q.pk: q.number for q in questions}
    return [{"kind": q.kind, "text": q.text, "choices": q.choices, "rows": q.rows, "scale": q.scale, "required": q.required,
             "flag_values": q.flag_values,
             "show_if": {"question": number[q.show_if_question_id], "value": q.show_if_value} if q.show_if_question_id else None}
            for q in questions]


def survey_publish(*, actor: User, survey: Survey) -> Survey:
    """The leader approves publication: the questions are final; the survey is open from `opens_at`."""
    _need(actor, Purpose.APPROVE, survey.inspection)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if not locked.is_draft:
            raise Conflict("测评已经发布。")
        if not locked.questions.exists():
            raise Invalid("测评还没有题目，不能发布。")
        placeholder = [q.number for q in locked.questions.all() if any("（请填写" in r["label"] for r in q.rows)]
        if placeholder:
            raise Invalid("第 " + "、".join(map(str, placeholder)) + " 题的行还是占位文字，请先填写人员或事项。")
        Survey.objects.filter(pk=survey.pk).update(state=Survey.State.PUBLISHED, published_by=actor, published_at=timezone.now())
        audit_record(actor=actor, action="survey.publish", obj=survey, summary=f"批准发布测评“{survey.title}”")
    survey.refresh_from_db()
    return survey


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARS))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:40]


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def code_hash(survey_id: int, code: str) -> str:
    """The keyed hash (SM3-HMAC with the installation's receipt key, domain-separated per survey)."""
    return sm3_hmac_hex(key_ring().receipt_key, f"survey-code\x1f{survey_id}\x1f{normalise_code(code)}".encode())


def codes_issue(*, actor: User, survey: Survey, group: str, count: int) -> tuple[CodeBatch, list[str]]:
    """A batch of one-time codes for one group. The codes are returned this once; the database keeps
    their keyed hashes, and (sealed) the slips to print until they are printed once."""
    _need(actor, Purpose.WORK, survey.inspection)
    problems = []
    if group not in Group.values or group == Group.PUBLIC:
        problems.append("群体应为：" + "、".join(f"{v}（{lbl}）" for v, lbl in Group.choices if v != Group.PUBLIC) + "。")
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        problems.append(f"每批测评码的数量应在 1 到 {MAX_CODES_PER_BATCH} 之间。")
    if not survey.codes_required:
        problems.append("这份测评向所有人开放，不需要测评码。")
    if problems:
        raise Invalid(problems)
    if survey.closes_at <= timezone.now():
        raise Conflict("测评已经截止，不能再发放测评码。")
    codes = sorted({new_code() for _ in range(count)})
    while len(codes) < count:
        codes = sorted(set(codes) | {new_code()})
    secrets.SystemRandom().shuffle(codes)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                locked = Survey.objects.select_for_update().get(pk=survey.pk)
                number = (locked.batches.aggregate(m=Max("number"))["m"] or 0) + 1
                batch = CodeBatch.objects.create(
                    survey=survey, number=number, group=group, count=count, created_by=actor,
                    slips_sealed=crypto.seal(key_ring(), json.dumps(codes), context=f"{SLIPS_CONTEXT}:{survey.pk}"))
                Code.objects.bulk_create([Code(survey=survey, batch=batch, hash=code_hash(survey.pk, c)) for c in codes])
                audit_record(actor=actor, action="survey.codes", obj=survey,
                             summary=f"为测评“{survey.title}”发放测评码第 {number} 批：{batch.get_group_display()} {count} 个")
            return batch, codes
        except IntegrityError:  # a code collided with an existing one (one in 10^14): draw again
            codes = [new_code() for _ in range(count)]
    raise Conflict("生成测评码时发生冲突，请重试。")


def slips_take(*, actor: User, survey: Survey, batch_number: int) -> tuple[CodeBatch, list[str]]:
    """The codes of a batch for printing, once: the sealed copy is erased in the same transaction."""
    _need(actor, Purpose.WORK, survey.inspection)
    with transaction.atomic():
        batch = CodeBatch.objects.select_for_update().filter(survey=survey, number=batch_number).first()
        if batch is None:
            raise NotFound("没有这一批测评码。")
        if batch.voided_at is not None:
            raise Conflict("这一批测评码已经作废，不能再打印纸条。")
        if batch.slips_printed or not batch.slips_sealed:
            raise Conflict("这一批测评码的纸条已经打印（下载）过。为保证测评码只在纸条上存在，系统不再保留明文，不能再次打印；"
                           "如纸条遗失，请另发一批。")
        codes = json.loads(crypto.unseal(key_ring(), batch.slips_sealed, context=f"{SLIPS_CONTEXT}:{survey.pk}"))
        CodeBatch.objects.filter(pk=batch.pk).update(slips_sealed="", slips_printed=True)
        audit_record(actor=actor, action="survey.slips", obj=survey,
                     summary=f"打印测评“{survey.title}”第 {batch.number} 批测评码纸条（{batch.count} 张）")
    return batch, [str(c) for c in codes]


MAX_VOID_REASON = 300


def codes_void(*, actor: User, survey: Survey, batch_number: int, reason: str) -> tuple[CodeBatch, int]:
    """Void a batch (slips lost, handed to the wrong group…): its codes not used yet answer no more, and
    the sealed slips are erased. Answers already given with its codes stay counted (nothing links them to
    the batch anyway). Returns the batch and how many codes were voided."""
    _need(actor, Purpose.WORK, survey.inspection)
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写作废原因。")
    if len(reason) > MAX_VOID_REASON:
        raise Invalid(f"作废原因最多 {MAX_VOID_REASON} 字。")
    with transaction.atomic():
        # FOR NO KEY UPDATE: a submission's foreign-key check on the batch (KEY SHARE, at its commit) must not
        # wait for this transaction while this one waits for that submission's code row (a deadlock otherwise).
        batch = CodeBatch.objects.select_for_update(no_key=True).filter(survey=survey, number=batch_number).first()
        if batch is None:
            raise NotFound("没有这一批测评码。")
        if batch.voided_at is not None:
            raise Conflict("这一批测评码已经作废。")
        # One UPDATE against the submissions' conditional one: each code ends either used or void.
        voided = Code.objects.filter(batch=batch, used=False, voided=False).update(voided=True)
        CodeBatch.objects.filter(pk=batch.pk).update(voided_at=timezone.now(), voided_by=actor, void_reason=reason, slips_sealed="")
        audit_record(actor=actor, action="survey.codes_void", obj=survey,
                     summary=f"作废测评“{survey.title}”第 {batch.number} 批测评码（{batch.get_group_display()} {batch.count} 个，"
                             f"其中未使用的 {voided} 个作废）：{reason}")
    batch.refresh_from_db()
    return batch, voided
