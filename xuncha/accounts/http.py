"""The request type of staff views."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is a signed-in account, so that
    `request.user` goes to services as `actor: User`. A type annotation only; Django's HttpRequest
    is what arrives."""

    user: User
