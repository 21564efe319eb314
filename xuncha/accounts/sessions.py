"""What the profile page tells about the current session: when it signed in, from where, its previous
activity. Kept in the session itself (no extra table): the login stamps it, the middleware
(middleware.password_change_required) notes each request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .middleware import LOGIN_AT_KEY

ADDRESS_KEY = "xuncha_login_ip"


def note_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Receiver of `user_logged_in` (connected in apps.AccountsConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
    request.session[ADDRESS_KEY] = str(request.META.get("REMOTE_ADDR", ""))[:64]


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class SessionInfo:
    login_at: dt.datetime | None
    address: str
    previous_activity: dt.datetime | None
    idle_minutes: int


def session_info(request: HttpRequest) -> SessionInfo:
    return SessionInfo(
        login_at=_when(request.session.get(LOGIN_AT_KEY)),
        address=str(request.session.get(ADDRESS_KEY, "")),
        previous_activity=_when(getattr(request, "xuncha_previous_seen", None)),
        idle_minutes=settings.SESSION_COOKIE_AGE // 60,
    )
