"""How the staff API knows its caller: a bearer token, or the browser session. Either way the
authenticated User is `request.user` (and `request.auth`), the actor the endpoints pass to services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser session (sessions work for the API too); CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_active:
            return user
        return None


staff_auth = [BearerToken(), Session()]
