"""Writes of notifications: `notify` (one notice of an event to some users, idempotent per user and key,
emailed after the caller's transaction commits where SMTP is configured), sending what is not emailed
yet, and each user marking their own notifications read.

The text of a notification carries only numbers and links — never a report's content, a name or an
identity — because it may leave the platform by email. The callers (the domain apps, above this one)
choose the recipients and leave out whoever the access policy keeps away from the case."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import NotFound

from .models import Notification

logger = logging.getLogger(__name__)

MAX_TEXT = 300


@dataclass
class Sent:
    emailed: int = 0
    failed: int = 0


def _user_ids(users: Iterable[User | int]) -> list[int]:
    ids = {u if isinstance(u, int) else u.pk for u in users}
    return sorted(i for i in ids if i is not None)


def notify(*, users: Iterable[User | int], key: str, text: str, url: str = "", email: bool = True) -> list[int]:
    """Notify each of `users` once per `key` (a second call with the same key adds nothing for them).
    Runs in the caller's transaction; the email goes out after it commits, when EMAIL_HOST is set.
    A batch caller (the daily reminders) may pass email=False and call `email_pending` itself.
    Returns the ids of the users newly notified."""
    ids = _user_ids(users)
    if not ids:
        return []
    with transaction.atomic():
        have = set(Notification.objects.filter(key=key, user_id__in=ids).values_list("user_id", flat=True))
        new = [i for i in ids if i not in have]
        Notification.objects.bulk_create([Notification(user_id=i, key=key, text=text[:MAX_TEXT], url=url) for i in new],
                                          ignore_conflicts=True)
        if new and email:
            transaction.on_commit(lambda: email_pending(keys=[key]))
    return new


def _subject(text: str) -> str:
    """【巡察通】and the tag the text starts with (【整改提醒】→ 整改提醒), or 提醒."""
    tag = text[1:text.index("】")] if text.startswith("【") and "】" in text[:20] else "提醒"
    return f"【巡察通】{tag}"


def email_body(note: Notification) -> str:
    return f"{note.text}\n\n请登录巡察通查看：{settings.SITE_URL}{note.url or '/notifications/'}\n\n（本邮件由巡察通自动发送，请勿回复。）"


def email_pending(*, keys: Iterable[str]) -> Sent:
    """Email the notifications of `keys` not emailed yet, when EMAIL_HOST is set. Each is claimed first
    (emailed=True), so concurrent runs never send one twice; a failed send releases it for a later run."""
    sent = Sent()
    keys = list(keys)
    if not settings.EMAIL_HOST or not keys:
        return sent
    pending = Notification.objects.filter(key__in=keys, emailed=False, user__is_active=True).exclude(user__email="").select_related("user")
    for note in pending:
        if not Notification.objects.filter(pk=note.pk, emailed=False).update(emailed=True):
            continue
        try:
            send_mail(_subject(note.text), email_body(note), None, [note.user.email],
                      connection=get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30))
        except (OSError, smtplib.SMTPException) as exc:
            Notification.objects.filter(pk=note.pk).update(emailed=False)
            sent.failed += 1
            logger.warning("notification email to user %s failed: %s", note.user_id, exc)
        else:
            sent.emailed += 1
    return sent


def notifications_mark_read(*, actor: User, ids: list[int] | None = None, request: HttpRequest | None = None) -> int:
    """Mark the actor's notifications read (the given ones, or all unread); never another user's."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        count = qs.update(read_at=timezone.now())
        if count:
            audit_record(actor=actor, action="notification.read", object_type="notify.notification", request=request,
                         summary=f"标记{count}条提醒为已读", data={"ids": ids})
    return count


def notification_open(*, actor: User, pk: int, request: HttpRequest | None = None) -> Notification:
    """The actor opens one of their notifications: it is marked read; another user's is NotFound."""
    note = Notification.objects.filter(pk=pk, user_id=actor.pk).first()
    if note is None or not actor.is_authenticated:
        raise NotFound
    if note.read_at is None:
        notifications_mark_read(actor=actor, ids=[note.pk], request=request)
        note.refresh_from_db(fields=["read_at"])
    return note
