from typing import Any

from django.http import HttpRequest

from .selectors import role_codes


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    codes = role_codes(user)
    unread = 0
    if codes and getattr(user, "is_authenticated", False):
        from xuncha.rectification.selectors import unread_count

        unread = unread_count(user=user)
    return {"my_roles": codes, "unread_notifications": unread}
