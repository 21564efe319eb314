"""Reads of document requests (调阅资料), each from one visibility condition (xuncha.access): the team
sees its inspections' requests and the register; the target's liaison sees the requests already sent to
their organisation (a sensitive one waiting for the leader's approval is not yet theirs); the office sees
counts only; everyone else nothing (NotFound)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from xuncha.access import Kind, Purpose, allows, scope
from xuncha.accounts.selectors import Someone
from xuncha.core.workdays import WorkdayCalendar
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import live_q

from .models.documents import DeliveredFile, DocumentItem, DocumentRequest

MAX_SEARCH_ROWS = 50
SNIPPET = 60


def visible_q(user: Someone, via: str = "inspection") -> Q:
    """Requests (rows reaching their inspection through `via`, their request through `req`) the user may read."""
    state = f"{via.rsplit('inspection', 1)[0]}state" if via != "inspection" else "state"
    return scope(user, Kind.CASE, Purpose.READ, via=via) | (
        scope(user, Kind.REQUEST, Purpose.WORK, via=via) & Q(**{state: DocumentRequest.State.SENT}))


def team_inspection_get(*, user: Someone, pk: int) -> Inspection:
    """An inspection whose requests and register the user works on as its team (NotFound otherwise)."""
    inspection = Inspection.objects.filter(scope(user, Kind.CASE, Purpose.READ, via=""), pk=pk).select_related("team", "target").first()
    if inspection is None:
        raise NotFound
    return inspection


def register_inspection_get(*, user: Someone, pk: int) -> tuple[Inspection, bool]:
    """The inspection of a register page and whether the user is its team (the office: counts only)."""
    inspection = Inspection.objects.filter(pk=pk).select_related("team", "target").first()
    if inspection is None:
        raise NotFound
    if allows(user, Kind.CASE, Purpose.READ, inspection):
        return inspection, True
    if allows(user, Kind.DASHBOARD, Purpose.READ, inspection):
        return inspection, False
    raise NotFound


def is_team(user: Someone, inspection: Inspection) -> bool:
    return allows(user, Kind.CASE, Purpose.READ, inspection)


def is_leader(user: Someone, inspection: Inspection) -> bool:
    return allows(user, Kind.REQUEST, Purpose.APPROVE, inspection)


def is_liaison(user: Someone, inspection: Inspection) -> bool:
    return allows(user, Kind.REQUEST, Purpose.WORK, inspection)


def request_list(*, user: Someone, inspection: Inspection) -> QuerySet[DocumentRequest]:
    return (DocumentRequest.objects.filter(visible_q(user), inspection=inspection)
            .select_related("created_by").annotate(n_items=Count("items")).order_by("-number"))


def request_get(*, user: Someone, pk: int) -> DocumentRequest:
    req = (DocumentRequest.objects.filter(visible_q(user), pk=pk)
           .select_related("inspection__team", "inspection__target", "created_by", "decided_by").first())
    if req is None:
        raise NotFound
    return req


def request_items(req: DocumentRequest) -> list[DocumentItem]:
    return list(req.items.select_related("delivered_by").prefetch_related("files"))


def liaison_requests(*, user: Someone) -> QuerySet[DocumentRequest]:
    """The requests sent to the liaison's organisations (not archived inspections), newest first."""
    return (DocumentRequest.objects.filter(scope(user, Kind.REQUEST, Purpose.WORK), live_q("inspection"),
                                           state=DocumentRequest.State.SENT)
            .select_related("inspection__team", "inspection__target")
            .annotate(n_items=Count("items"), n_waiting=Count("items", filter=Q(items__state=DocumentItem.State.WAITING)))
            .order_by("due_on", "pk"))


def waiting_items(*, user: Someone) -> QuerySet[DocumentItem]:
    """Items the liaison still has to deliver (the to-do line counts these)."""
    return DocumentItem.objects.filter(scope(user, Kind.REQUEST, Purpose.WORK, via="request__inspection"),
                                       live_q("request__inspection"), request__state=DocumentRequest.State.SENT,
                                       state=DocumentItem.State.WAITING)


def item_get(*, user: Someone, pk: int) -> DocumentItem:
    item = (DocumentItem.objects.filter(visible_q(user, via="request__inspection"), pk=pk)
            .select_related("request__inspection__team", "request__inspection__target").first())
    if item is None:
        raise NotFound
    return item


def file_get(*, user: Someone, pk: int) -> DeliveredFile:
    f = (DeliveredFile.objects.filter(visible_q(user, via="item__request__inspection"), pk=pk)
         .select_related("item__request__inspection").first())
    if f is None:
        raise NotFound
    return f


def overdue_days(due_on: dt.date | None, today: dt.date, calendar: WorkdayCalendar) -> int:
    """Working days past the due date (0 when not past it)."""
    if due_on is None or today <= due_on:
        return 0
    return calendar.working_days_between(due_on + dt.timedelta(days=1), today)


@dataclass(frozen=True)
class RegisterRow:
    item: DocumentItem
    overdue_days: int


def register_rows(*, user: Someone, inspection: Inspection, today: dt.date, calendar: WorkdayCalendar,
                  overdue_only: bool = False) -> list[RegisterRow]:
    """调阅台账: every item of the inspection's requests, with its overdue working days (still waiting after the due date)."""
    if not is_team(user, inspection):
        raise NotFound
    items = (DocumentItem.objects.filter(request__inspection=inspection)
             .select_related("request__created_by", "delivered_by").prefetch_related("files")
             .order_by("request__number", "number"))
    rows = []
    for item in items:
        late = overdue_days(item.request.due_on, today, calendar) if item.state == DocumentItem.State.WAITING else 0
        if overdue_only and not late:
            continue
        rows.append(RegisterRow(item, late))
    return rows


def request_counts(*, inspection: Inspection, today: dt.date) -> dict[str, int]:
    """The figures the office sees: requests, items, delivered, waiting, overdue (no names, no contents)."""
    items = DocumentItem.objects.filter(request__inspection=inspection)
    waiting = items.filter(state=DocumentItem.State.WAITING, request__state=DocumentRequest.State.SENT)
    return {
        "requests": DocumentRequest.objects.filter(inspection=inspection).count(),
        "items": items.count(),
        "delivered": items.filter(state__in=[DocumentItem.State.UPLOADED, DocumentItem.State.PAPER]).count(),
        "declined": items.filter(state=DocumentItem.State.DECLINED).count(),
        "waiting": waiting.count(),
        "overdue": waiting.filter(request__due_on__lt=today).count(),
    }


@dataclass(frozen=True)
class SearchHit:
    file: DeliveredFile
    snippet: str


def document_search(*, user: Someone, inspection: Inspection, q: str) -> list[SearchHit]:
    """Delivered files of the inspection whose extracted text contains `q` (team only). A bounded scan:
    a case-insensitive substring match over the inspection's files' text (each at most 200,000
    characters), at most MAX_SEARCH_ROWS hits, each with a snippet around the first match."""
    if not is_team(user, inspection):
        raise NotFound
    q = q.strip()[:100]
    if not q:
        return []
    files = (DeliveredFile.objects.filter(item__request__inspection=inspection, text__icontains=q)
             .select_related("item__request").order_by("-uploaded_at", "-pk")[:MAX_SEARCH_ROWS])
    hits = []
    for f in files:
        at = f.text.lower().find(q.lower())
        start = max(0, at - SNIPPET)
        snippet = ("…" if start else "") + f.text[start:at + len(q) + SNIPPET].replace("\n", " ") + "…"
        hits.append(SearchHit(f, snippet))
    return hits
