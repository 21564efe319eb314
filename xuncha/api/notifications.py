"""提醒 API: the caller's own notifications (the same as the page /notifications/) and marking them read."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.notify.selectors import notifications_for, unread_count
from xuncha.notify.services import notifications_mark_read
from xuncha.paging import paginate

from .schemas import ErrorOut

router = Router(tags=["提醒"])

PAGE_SIZE = 30


class NotificationOut(Schema):
    id: int
    text: str
    url: str
    created_at: dt.datetime
    read: bool


class NotificationsOut(Schema):
    unread: int
    page: int
    has_next: bool
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[int] | None = None   # none: all unread


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("/me/notifications", response=NotificationsOut)
def my_notifications(request: HttpRequest, page: int = 1, unread_only: bool = False) -> dict[str, object]:
    user = cast(User, request.user)
    qs = notifications_for(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    got = paginate(qs, page, PAGE_SIZE)
    items = [{"id": n.pk, "text": n.text, "url": n.url, "created_at": n.created_at, "read": n.read_at is not None} for n in got.items]
    return {"unread": unread_count(user=user), "page": got.number, "has_next": got.has_next, "items": items}


@router.post("/me/notifications/read", response={200: ReadOut, 404: ErrorOut})
def my_notifications_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Mark the given notifications read (all unread when `ids` is absent). An id that is not the
    caller's is a 404, and nothing is marked."""
    user = cast(User, request.user)
    ids = sorted(set(payload.ids)) if payload.ids is not None else None
    if ids is not None and notifications_for(user=user).filter(pk__in=ids).count() != len(ids):
        raise NotFound
    marked = notifications_mark_read(actor=user, ids=ids, request=request)
    return {"marked": marked, "unread": unread_count(user=user)}
