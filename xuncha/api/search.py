"""The search box's API (issue 11): GET /search?q=... — what the query names among what the caller
may see, a number's objects first; the same selector as the page (xuncha.finder). Each search is audited."""

from __future__ import annotations

from typing import Literal, cast

from django.http import HttpRequest
from ninja import Router, Schema

from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.finder.selectors import may_search, search

from .schemas import ErrorOut

router = Router(tags=["查找"])


class HitOut(Schema):
    kind: Literal["report", "notice", "ledger_item", "referral", "clue", "finding", "transfer_batch"]
    id: int
    number: str
    title: str
    url: str


@router.get("/search", response={200: list[HitOut], 404: ErrorOut})
def search_hits(request: HttpRequest, q: str = "") -> list[dict[str, object]]:
    """Objects whose number is `q` ("3-00041", "41", "第2号"), or which match its words (reports by full
    text for their team; findings, notices and ledger items by title). 404 for an account with no
    role that reaches case data."""
    user = cast(User, request.user)
    if not may_search(user):
        raise NotFound
    _, hits = search(user=user, text=q, request=request)
    return [h.as_dict() for h in hits]
