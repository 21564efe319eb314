"""How the staff API knows its caller: a bearer token, or the browser session. Either way the
authenticated User is `request.user` (and `request.auth`), the actor the endpoints pass to services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser session (sessions work for the API too); CSRF is checked for unsafe methods.

    The CSRF check runs only for a signed-in session: a caller with no session (or an expired one) is
    simply not authenticated by this method, so an anonymous write answers 401, not a CSRF 403."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, after we know there is a signed-in session

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if not (isinstance(user, User) and user.is_active):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, "CSRF 校验失败：请刷新页面后重试（接口调用请改用 Authorization: Bearer 令牌）。")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:
            return None
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_active:
            return user
        return None


staff_auth = [BearerToken(), Session()]
