"""When TOTP is required, a signed-in user without it is sent to enrol before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/p/", "/api/")


def totp_enrolment(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (settings.TOTP_REQUIRED and user is not None and user.is_authenticated
                and not getattr(user, "totp_enabled", False) and not request.path.startswith(ALLOWED_PREFIXES)):
            return redirect("accounts:totp_setup")
        return get_response(request)

    return middleware
