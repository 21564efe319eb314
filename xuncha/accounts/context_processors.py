from typing import Any

from django.http import HttpRequest

from .selectors import role_codes


def roles(request: HttpRequest) -> dict[str, Any]:
    codes = role_codes(getattr(request, "user", None))
    return {"my_roles": codes}
