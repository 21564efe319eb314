"""Surveys (民主测评 and questionnaires): the team's endpoints and the public ones (docs/api.md, "测评").

Staff: POST /inspections/{id}/surveys, GET/PUT /surveys/{id}, POST /surveys/{id}/publish, POST
/surveys/{id}/codes, POST /surveys/{id}/codes/{batch}/void, POST /surveys/{id}/codes/{batch}/slips.pdf, GET
/surveys/{id}/results.
Public (no account, the protections of xuncha.api.public): GET /public/surveys/{id}, POST
/public/surveys/{id}/responses.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from xuncha.access import Kind, Purpose
from xuncha.accounts.http import AuthedRequest
from xuncha.errors import Conflict, Invalid, NotFound
from xuncha.inspections.selectors import inspection_get
from xuncha.inspections.urls_public import public_url
from xuncha.portal import challenge, ratelimit
from xuncha.surveys import answers, services
from xuncha.surveys.exports import slips_pdf
from xuncha.surveys.models import Survey
from xuncha.surveys.results import results_json, survey_results
from xuncha.surveys.selectors import survey_get, survey_get_public
from xuncha.web import RETRY_AFTER_SECONDS, attachment

from .public import NO_STORE, BadRequestOut, DetailOut, _bad_request, _cross_origin, _rate_limited
from .schemas import ErrorOut

router = Router(tags=["民主测评与问卷"])
public_router = Router(auth=None, tags=["公开测评（无需登录）"])


class OptionOut(Schema):
    value: str
    label: str


class ShowIfOut(Schema):
    question: int = Field(..., description="所依据题目的 id")
    value: str


class QuestionOut(Schema):
    id: int
    number: int
    type: str = Field(..., description="single 单选、multiple 多选、rating 评分、matrix 矩阵、text 文字")
    text: str
    choices: list[OptionOut]
    rows: list[OptionOut] = Field(..., description="矩阵题的行（人员或事项）")
    scale: int | None = Field(None, description="评分题的最高分")
    required: bool
    show_if: ShowIfOut | None


class SurveyOut(Schema):
    id: int
    inspection: int
    title: str
    template: str
    state: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    codes_required: bool
    min_group_size: int
    questions: list[QuestionOut]


class SurveyIn(Schema):
    template: str = Field(..., description="leadership 领导班子民主测评、cadre_selection 选人用人工作民主评议、"
                                           "questionnaire 全面从严治党和政治生态问卷、blank 空白")
    title: str = Field("", max_length=120)
    intro: str = Field("", max_length=2000)
    opens_at: dt.datetime | None = Field(None, description="默认为信访受理开始日 0 时")
    closes_at: dt.datetime | None = Field(None, description="默认为信访受理截止日次日 0 时")
    codes_required: bool = True
    min_group_size: int = Field(5, description="群体答卷少于此数时不单独显示结果")
    persons: list[str] = Field(default_factory=list, max_length=60, description="领导班子民主测评：班子成员（姓名 职务），作为矩阵的行")


class QuestionIn(Schema):
    type: str
    text: str
    choices: list[Any] = Field(default_factory=list, description="[{\"value\", \"label\"}] 或文字列表")
    rows: list[Any] = Field(default_factory=list)
    scale: int = 5
    required: bool = True
    flag_values: list[str] = Field(default_factory=list, description="需关注的选项（如“差”），其占比在结果中标出")
    show_if: dict[str, Any] | None = Field(None, description="{\"question\": 前面题目的题号（从 1 起）, \"value\": 选项}")


class QuestionsIn(Schema):
    questions: list[QuestionIn] = Field(..., max_length=80)


class CodesIn(Schema):
    group: str = Field(..., description="leadership、middle、teachers、students、retired、other")
    count: int


class CodesOut(Schema):
    batch: int
    group: str
    count: int
    codes: list[str] = Field(..., description="测评码，只返回这一次")
    slips_url: str = Field(..., description="打印纸条：向这个地址 POST 取得 PDF（只能取一次）")


def survey_out(survey: Survey, *, public: bool = False) -> dict[str, Any]:
    questions = list(survey.questions.all())
    return {
        "id": survey.pk, "inspection": survey.inspection_id, "title": survey.title, "template": survey.template,
        "state": survey.state, "opens_at": survey.opens_at, "closes_at": survey.closes_at,
        "codes_required": survey.codes_required, "min_group_size": survey.min_group_size, "intro": survey.intro,
        "questions": [{
            "id": q.pk, "number": q.number, "type": q.kind, "text": q.text, "choices": q.choices if q.kind != "rating" else
            [{"value": v, "label": lbl} for v, lbl in q.labels().items()], "rows": q.rows,
            "scale": q.scale if q.kind == "rating" else None, "required": q.required,
            **({} if public else {"flag_values": q.flag_values}),
            "show_if": {"question": q.show_if_question_id, "value": q.show_if_value} if q.show_if_question_id else None,
        } for q in questions],
    }


def _survey(request: AuthedRequest, survey_id: int) -> Survey:
    return survey_get(user=request.user, pk=survey_id)


@router.post("/inspections/{inspection_id}/surveys", response={201: SurveyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def survey_create(request: AuthedRequest, inspection_id: int, payload: SurveyIn) -> Status[dict[str, Any]]:
    """新建测评（草稿）：按模板生成题目，开始、截止时间默认为信访受理期。"""
    inspection = inspection_get(user=request.user, pk=inspection_id, kind=Kind.SURVEY, purpose=Purpose.READ)
    survey = services.survey_create(actor=request.user, inspection=inspection, template=payload.template, title=payload.title,
                                    intro=payload.intro, opens_at=payload.opens_at, closes_at=payload.closes_at,
                                    codes_required=payload.codes_required, min_group_size=payload.min_group_size,
                                    persons=payload.persons)
    return Status(201, survey_out(survey))


@router.get("/surveys/{survey_id}", response={200: SurveyOut, 404: ErrorOut})
def survey_detail(request: AuthedRequest, survey_id: int) -> dict[str, Any]:
    return survey_out(_survey(request, survey_id))


@router.put("/surveys/{survey_id}", response={200: SurveyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def survey_questions(request: AuthedRequest, survey_id: int, payload: QuestionsIn) -> dict[str, Any]:
    """发布前替换全部题目（题目 id 随之更新）。已发布的答 409。"""
    survey = _survey(request, survey_id)
    specs = [{**q.model_dump(), "kind": q.type} for q in payload.questions]
    return survey_out(services.survey_questions_replace(actor=request.user, survey=survey, questions=specs))


@router.post("/surveys/{survey_id}/publish", response={200: SurveyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def survey_publish(request: AuthedRequest, survey_id: int) -> dict[str, Any]:
    """组长（副组长）批准发布。组员答 403。"""
    return survey_out(services.survey_publish(actor=request.user, survey=_survey(request, survey_id)))


@router.post("/surveys/{survey_id}/codes", response={201: CodesOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def codes_create(request: AuthedRequest, survey_id: int, payload: CodesIn) -> Status[dict[str, Any]]:
    """为一个群体发放一批测评码。测评码只在本次答复中出现，数据库只存密钥散列。"""
    survey = _survey(request, survey_id)
    batch, codes = services.codes_issue(actor=request.user, survey=survey, group=payload.group, count=payload.count)
    return Status(201, {"batch": batch.number, "group": batch.group, "count": batch.count,
                        "codes": [services.format_code(c) for c in codes],
                        "slips_url": f"/api/v1/surveys/{survey.pk}/codes/{batch.number}/slips.pdf"})


class VoidIn(Schema):
    reason: str = Field(..., max_length=300, description="作废原因（必填），如纸条遗失、发错群体")


class BatchOut(Schema):
    batch: int
    group: str
    count: int
    slips_printed: bool
    voided_at: dt.datetime | None
    void_reason: str
    voided_codes: int = Field(..., description="这次作废的未使用测评码个数")


@router.post("/surveys/{survey_id}/codes/{batch}/void",
             response={200: BatchOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def codes_void(request: AuthedRequest, survey_id: int, batch: int, payload: VoidIn) -> dict[str, Any]:
    """作废一批测评码（须填原因，记入审计）：其中尚未使用的测评码不能再提交答卷（提交时答 409 并说明已作废）；
    已提交的答卷照常计入结果。已作废的再作废答 409。"""
    survey = _survey(request, survey_id)
    found, voided = services.codes_void(actor=request.user, survey=survey, batch_number=batch, reason=payload.reason)
    return {"batch": found.number, "group": found.group, "count": found.count, "slips_printed": found.slips_printed,
            "voided_at": found.voided_at, "void_reason": found.void_reason, "voided_codes": voided}


@router.post("/surveys/{survey_id}/codes/{batch}/slips.pdf", response={200: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def codes_pdf(request: AuthedRequest, survey_id: int, batch: int) -> HttpResponse:
    """一批测评码的纸条（A4，每页 10 张）。只能取一次：取出时系统删除测评码明文（记入审计），再次请求答 409。
    这是写操作，所以用 POST；GET 答 405，不改变任何状态。"""
    survey = _survey(request, survey_id)
    found, codes = services.slips_take(actor=request.user, survey=survey, batch_number=batch)
    response = attachment(slips_pdf(survey, found, codes, public_url(survey.inspection)), "application/pdf",
                          f"测评码纸条-{survey.pk}-{found.number}.pdf")
    response["Cache-Control"] = NO_STORE
    return response


@router.get("/surveys/{survey_id}/results", response={200: dict, 404: ErrorOut})
def results(request: AuthedRequest, survey_id: int) -> dict[str, Any]:
    """参与情况和各题结果。少于最少人数的群体不单独显示（见 `note`、`hidden_reason`）。"""
    return results_json(survey_results(_survey(request, survey_id)))


# --- public -------------------------------------------------------------------------------------------


class ResponseIn(Schema):
    code: str = Field("", max_length=40, description="测评码（需要时）")
    answers: list[dict[str, Any]] = Field(..., max_length=200)


class ThanksOut(Schema):
    detail: str
    report_url: str = Field(..., description="“我要反映这个问题”：本巡察的网上反映页面（反映与答卷互不关联）")


def _public_survey(survey_id: int) -> Survey | None:
    try:
        return survey_get_public(pk=survey_id)
    except NotFound:
        return None


@public_router.get("/surveys/{survey_id}", auth=None, response={200: dict, 403: DetailOut, 404: DetailOut, 410: DetailOut},
                   summary="取得测评题目（无需登录）")
def public_survey(request: HttpRequest, survey_id: int, response: HttpResponse) -> Status[dict[str, Any]]:
    """测评的题目。`show_if` 为 null 或 {"question": 题目 id, "value": 选项}：只有所依据的题目选了该选项时才显示。
    未发布或不存在答 404，已截止答 410，尚未开始答 403。"""
    response["Cache-Control"] = NO_STORE
    survey = _public_survey(survey_id)
    if survey is None:
        return Status(404, {"detail": "没有这份测评。"})
    try:
        answers.survey_open_check(survey)
    except answers.SurveyClosed as exc:
        return Status(410 if exc.over else 403, {"detail": exc.detail})
    out = survey_out(survey, public=True)
    return Status(200, {k: out[k] for k in ("id", "title", "intro", "codes_required", "closes_at", "questions")}
                  | {"inspection": str(survey.inspection)})


@public_router.post("/surveys/{survey_id}/responses", auth=None,
                    response={201: ThanksOut, 400: BadRequestOut, 403: DetailOut, 404: DetailOut, 409: DetailOut,
                              410: DetailOut, 415: DetailOut, 429: DetailOut, 503: DetailOut},
                    summary="提交答卷（无需登录）")
def public_response(request: HttpRequest, survey_id: int, response: HttpResponse) -> Status[dict[str, Any]]:
    """提交一份答卷：`{"code": "…", "answers": [{"question": id, "choice": v} | {"question", "choices": [v…]} |
    {"question", "grade": n} | {"question", "text"} | {"question", "matrix": {行: 选项}}]}`。
    因显示条件未显示的题目和非必答题可以不答。防滥用挑战同网上反映（请求头 `X-Challenge`、`X-Challenge-Nonce`）。

    答复：**201** 已收到；**400** 答案有误（逐条中文说明）；**404** 测评不存在或测评码不正确；**409** 测评码已使用过；
    **410** 测评已截止；**403** 尚未开始或来自其他网站；**429** 过于频繁。"""
    response["Cache-Control"] = NO_STORE
    verdict = ratelimit.hit("survey", request)
    if not verdict.allowed:
        return _rate_limited(response, verdict, "提交")
    refused = _cross_origin(request)
    if refused is not None:
        return refused
    if request.content_type != "application/json":
        return Status(415, {"detail": "请求内容类型不受支持。请使用 Content-Type: application/json。"})
    problem = challenge.verify(str(request.headers.get(challenge.HEADER, "")), str(request.headers.get(challenge.NONCE_HEADER, "")))
    if problem:
        return _bad_request([(challenge.HEADER, problem)])
    survey = _public_survey(survey_id)
    if survey is None:
        return Status(404, {"detail": "没有这份测评。"})
    try:
        raw = json.loads(request.body or b"{}")
        payload = ResponseIn.model_validate(raw)
    except (ValueError, UnicodeDecodeError):
        return _bad_request([(None, "请求体应为 JSON 对象：{\"code\": \"…\", \"answers\": [...]}")])
    try:
        answers.response_submit(survey=survey, answers=payload.answers, code=payload.code)
    except answers.SurveyClosed as exc:
        return Status(410 if exc.over else 403, {"detail": exc.detail})
    except Invalid as exc:
        return _bad_request([(None, m) for m in exc.messages])
    except Conflict as exc:
        return Status(409, {"detail": exc.detail})
    except NotFound as exc:
        return Status(404, {"detail": exc.detail})
    except DatabaseError:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return Status(503, {"detail": "系统暂时无法保存，这份答卷没有提交，测评码仍可使用。请稍后重试。"})
    return Status(201, {"detail": "答卷已提交，感谢您的参与。如有具体问题需要反映，可以通过本巡察的网上反映提交（反映与答卷互不关联）。",
                        "report_url": public_url(survey.inspection)})


