"""Reads of notifications: a user sees their own, never another's."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.errors import NotFound

from .models import Notification


def notifications_for(*, user: User | AnonymousUser | None) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def notification_get(*, user: User | AnonymousUser | None, pk: int) -> Notification:
    note = notifications_for(user=user).filter(pk=pk).first()
    if note is None:
        raise NotFound
    return note


def unread_count(*, user: User | AnonymousUser | None) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()
