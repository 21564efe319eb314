"""Aftercare API: the office publishes the rectification (整改公开), anyone reads the published content on
the public side; the office and the team read the assessment.

- POST /api/v1/inspections/{id}/publication (office; others who may read the ledger's staff side: 403, anyone else 404)
- GET  /api/v1/public/inspections/{id}/rectification (no account; 404 until published; id = number or public UUID)
- GET  /api/v1/inspections/{id}/assessment (office, team)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from xuncha.accounts.models import User
from xuncha.aftercare.access import staff_inspection_get
from xuncha.aftercare.selectors import assessment_get, grade_of, indicator_total, public_publication
from xuncha.aftercare.services import MAX_INTRO, publication_publish
from xuncha.errors import NotFound

from .intake import ErrorsOut
from .public import DetailOut, _resolve

router = Router(tags=["整改公开与评估"])
public_router = Router(auth=None, tags=["公开受理（无需登录）"])


class PublishIn(Schema):
    intro: str = Field("", max_length=MAX_INTRO, description="公开说明（留空用标准表述）")


class PublicationOut(Schema):
    version: int
    published_at: dt.datetime
    url: str = Field(..., description="公开页面的完整地址")
    path: str


class PublicItemOut(Schema):
    number: int
    measures: str
    department: str
    deadline: str | None
    long_term: bool
    status: str
    status_label: str


class PublicProblemOut(Schema):
    number: int
    title: str
    focus: str
    items: list[PublicItemOut]


class PublicSummaryOut(Schema):
    problems: int
    items: int
    completed: int
    long_term: int
    in_progress: int
    exempted: int


class PublicRectificationOut(Schema):
    title: str
    inspection: str
    target: str
    intro: str
    published_on: str
    version: int
    summary: PublicSummaryOut
    problems: list[PublicProblemOut]


class IndicatorLineOut(Schema):
    name: str
    max_score: int
    score: Decimal | None
    note: str


class ItemLineOut(Schema):
    item: int
    number: int
    rating: str
    rating_label: str
    score: Decimal
    note: str


class AssessmentOut(Schema):
    state: str
    total: Decimal
    maximum: int
    grade: str
    conclusion: str
    indicators: list[IndicatorLineOut]
    items: list[ItemLineOut]


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound
    return request.user


@router.post("/inspections/{inspection_id}/publication",
             response={201: PublicationOut, 400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut})
def publication_create(request: HttpRequest, inspection_id: int, payload: PublishIn) -> Status[dict[str, Any]]:
    """巡察办公开（或重新公开）整改情况：由整改台账生成，标为不予公开的事项不在其中；答复公开页面的地址。"""
    inspection = staff_inspection_get(user=request.user, pk=inspection_id)
    publication = publication_publish(actor=_actor(request), inspection=inspection, intro=payload.intro, request=request)
    path = reverse("aftercare_public:rectification", args=[inspection.public_id])
    return Status(201, {"version": publication.version, "published_at": publication.published_at,
                        "url": settings.SITE_URL + path, "path": path})


@router.get("/inspections/{inspection_id}/assessment", response={200: AssessmentOut, 404: ErrorsOut})
def assessment_read(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """整改评估的评分表（巡察办、本巡察组）：总体指标得分、逐项评价和得分、结论。尚未开始评估时 404。"""
    _inspection, assessment = assessment_get(user=request.user, inspection_id=inspection_id)
    if assessment is None:
        raise NotFound
    lines = list(assessment.indicator_scores.all())
    total, maximum = indicator_total(lines)
    return {
        "state": assessment.state, "total": total, "maximum": maximum, "grade": grade_of(total, maximum),
        "conclusion": assessment.conclusion,
        "indicators": [{"name": x.name, "max_score": x.max_score, "score": x.score, "note": x.note} for x in lines],
        "items": [{"item": s.item_id, "number": s.item.number, "rating": s.rating, "rating_label": s.get_rating_display(),
                   "score": s.score, "note": s.note} for s in assessment.item_scores.select_related("item")],
    }


@public_router.get("/inspections/{inspection_id}/rectification", auth=None,
                   response={200: PublicRectificationOut, 404: DetailOut}, summary="整改公开的内容（无需登录）")
def public_rectification(request: HttpRequest, inspection_id: str, response: HttpResponse) -> Status[dict[str, Any]]:
    """已公开的整改情况（最新版本），与公开页面内容相同。`inspection_id` 为巡察任务的编号或公开页面地址中的 UUID；尚未公开时 404。"""
    inspection = _resolve(inspection_id)
    publication = public_publication(inspection.public_id) if inspection is not None else None
    if publication is None:
        return Status(404, {"detail": "未找到已公开的整改情况。"})
    return Status(200, {**publication.content, "version": publication.version})
