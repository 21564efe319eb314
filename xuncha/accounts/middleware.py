"""Before anything else, a signed-in user enrols a TOTP authenticator (when required) and replaces a
password the sysadmin set (a new account, a reset). Every request also stamps the session's activity
(shown on the profile page)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/p/", "/api/")

# What a user who must change their password may still reach: the change itself, logging out, the
# public pages, the session keep-alive, and the API's own password endpoint.
PASSWORD_ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/accounts/login/", "/static/", "/p/",
                             "/session/keepalive/", "/api/v1/auth/")

# Session keys: when this session signed in, and its request before the current one.
LOGIN_AT_KEY = "xuncha_login_at"
SEEN_KEY = "xuncha_seen"


def totp_enrolment(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (settings.TOTP_REQUIRED and user is not None and user.is_authenticated
                and not getattr(user, "totp_enabled", False) and not request.path.startswith(ALLOWED_PREFIXES)):
            return redirect("accounts:totp_setup")
        return get_response(request)

    return middleware


def password_change_required(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            # The previous request's time stays readable for this one (the profile page shows it).
            request.xuncha_previous_seen = session.get(SEEN_KEY)  # type: ignore[attr-defined]  # per-request note
            session[SEEN_KEY] = timezone.now().isoformat()
            if getattr(user, "must_change_password", False) and not request.path.startswith(PASSWORD_ALLOWED_PREFIXES):
                return redirect("accounts:password_change")
        return get_response(request)

    return middleware
