"""What every page's template knows about the signed-in user's roles. (Other apps add their own
context processors, e.g. the unread reminders of rectification.)"""

from typing import Any

from django.http import HttpRequest

from .selectors import role_codes


def roles(request: HttpRequest) -> dict[str, Any]:
    return {"my_roles": role_codes(getattr(request, "user", None))}
