"""The request of a signed-in user: views behind `login_required` and the staff API take it, so that
`request.user` is typed as the User that services expect as their actor."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    """An HttpRequest whose user is signed in (never anonymous); for type checking only."""

    user: User
