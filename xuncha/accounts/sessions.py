"""An account's signed-in sessions: recorded at login (a `UserSession` row naming the session key),
listed on the profile page, ended by "退出其他会话", by a password change (the other sessions) and by a
password reset (all of them).

The session data stays in Django's session store (settings.SESSION_ENGINE); a row whose session has
expired or ended is not listed, and is pruned at the account's next login. The current session's
previous request time comes from the session itself (middleware.password_change_required notes it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.core.client import client_address

from .middleware import LOGIN_AT_KEY
from .models import User, UserSession


def _store_class() -> type[SessionBase]:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def _live_keys(keys: list[str]) -> dict[str, dt.datetime | None]:
    """Which of these session keys still name a live session, with its expiry when the store tells it
    (a database store: one query; another store: asked key by key)."""
    store = _store_class()
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is not None:
        rows = get_model_class()._default_manager.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return dict(rows.values_list("session_key", "expire_date"))
    return {key: None for key in keys if store().exists(key)}


def _end(keys: list[str]) -> None:
    store = _store_class()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()


# --- signal receivers (connected in apps.AccountsConfig.ready) ------------------------------------------

def note_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: stamp the session and record it for the account (the login itself is audited by
    services.user_login_success). Rows of the account's sessions that have ended meanwhile are pruned."""
    if request is None or not hasattr(request, "session") or not isinstance(user, User):
        return
    request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    with transaction.atomic():
        known = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        live = _live_keys(known)
        UserSession.objects.filter(user=user).exclude(session_key__in=list(live)).delete()
        UserSession.objects.update_or_create(session_key=key, defaults={
            "user": user, "address": client_address(request),
            "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:200]})


def note_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_out`: the session is over."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


# --- writes -------------------------------------------------------------------------------------------

def session_keep_after_password_change(request: HttpRequest, user: User) -> None:
    """Keep the current session signed in after its password changed (Django then gives it a new key),
    and follow the new key in its record."""
    old = request.session.session_key
    update_session_auth_hash(request, user)
    new = request.session.session_key
    if old and new and old != new:
        UserSession.objects.filter(session_key=old).update(session_key=new)


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """End the account's sessions except `keep` (a session key); the number ended. Called inside the
    transaction of the service that decided it (password change, reset, "退出其他会话")."""
    keys = list(UserSession.objects.filter(user=user).exclude(session_key=keep or "").values_list("session_key", flat=True))
    _end(keys)
    return len(keys)


def sessions_end_others(*, actor: User, request: HttpRequest) -> int:
    """"退出其他会话": end every session of the signed-in user but this one."""
    with transaction.atomic():
        count = sessions_end(user=actor, keep=request.session.session_key)
        audit_record(actor=actor, action="auth.sessions_end_others", obj=actor,
                     summary=f"{actor.username} 退出其他会话（{count} 个）", request=request, data={"count": count})
    return count


# --- reads --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    current: bool
    login_at: dt.datetime | None
    address: str
    user_agent: str
    last_activity: dt.datetime | None


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def session_list(request: HttpRequest, user: User) -> list[SessionRow]:
    """The signed-in user's live sessions, this one first. A session's last activity is its expiry less
    the idle timeout (every request renews it, settings.SESSION_SAVE_EVERY_REQUEST); for this one, the
    request before the current page."""
    current = request.session.session_key
    records = list(UserSession.objects.filter(user=user).order_by("-created_at"))
    live = _live_keys([r.session_key for r in records])
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = []
    for record in records:
        if record.session_key == current:
            rows.append(SessionRow(True, _when(request.session.get(LOGIN_AT_KEY)) or record.created_at, record.address,
                                   record.user_agent, _when(getattr(request, "xuncha_previous_seen", None))))
        elif record.session_key in live:
            expiry = live[record.session_key]
            rows.append(SessionRow(False, record.created_at, record.address, record.user_agent, expiry - idle if expiry else None))
    if not any(row.current for row in rows):
        # A session that signed in before sessions were recorded.
        rows.append(SessionRow(True, _when(request.session.get(LOGIN_AT_KEY)), client_address(request), "",
                               _when(getattr(request, "xuncha_previous_seen", None))))
    return sorted(rows, key=lambda row: not row.current)
