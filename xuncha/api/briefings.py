"""The briefing before entry API (巡前情况通报): the bodies an inspection's team asked, with their answers
and attachments (metadata), and the problems to look at (leads). The inspection's team only (xuncha.access,
Kind.FIELDWORK): anyone else gets a 404."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from xuncha.accounts.models import User
from xuncha.fieldwork import selectors_briefing as bsel
from xuncha.fieldwork import selectors_talks as sel

from .schemas import ErrorOut

router = Router(tags=["巡前情况通报"])


class BriefingAttachmentOut(Schema):
    id: int
    name: str
    size: int


class BriefingOut(Schema):
    id: int
    number: int
    body_kind: str
    body_name: str
    requested_on: dt.date
    due_on: dt.date | None
    answered_on: dt.date | None
    answer: str
    attachments: list[BriefingAttachmentOut]


class BriefingLeadOut(Schema):
    id: int
    number: int
    text: str
    state: str
    findings: list[int]


class BriefingsOut(Schema):
    briefings: list[BriefingOut]
    summary: str
    leads: list[BriefingLeadOut]


@router.get("/inspections/{inspection_id}/briefings", response={200: BriefingsOut, 404: ErrorOut})
def briefings(request: HttpRequest, inspection_id: int) -> dict[str, object]:
    """The bodies asked for a briefing before entry, their answers, the summary and its leads (with the ids of
    the findings that took them in)."""
    user = cast(User, request.user)
    inspection = sel.fieldwork_inspection_get(user=user, pk=inspection_id)
    summary = bsel.summary_of(inspection.pk)
    return {
        "briefings": [{"id": b.pk, "number": b.number, "body_kind": b.body_kind, "body_name": b.body_name,
                       "requested_on": b.requested_on, "due_on": b.due_on, "answered_on": b.answered_on, "answer": b.answer,
                       "attachments": [{"id": a.pk, "name": a.original_name, "size": a.size} for a in b.attachments.all()]}
                      for b in bsel.briefing_queryset(user).filter(inspection=inspection)],
        "summary": summary.text if summary else "",
        "leads": [{"id": lead.pk, "number": lead.number, "text": lead.text, "state": lead.state,
                   "findings": [f.pk for f in lead.findings.all()]} for lead in bsel.briefing_leads(inspection.pk)],
    }
