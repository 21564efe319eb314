"""What every page's template knows from notify: the signed-in user's unread notifications."""

from typing import Any

from django.http import HttpRequest

from xuncha.accounts.selectors import role_codes

from .selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Only an account holding a role receives notifications; anyone else costs no query (the role
    # assignments are cached on the user for the request).
    unread = unread_count(user=user) if role_codes(user) else 0
    return {"unread_notifications": unread}
