"""The one domain error of the product. A service that refuses raises one of these with a Chinese
message for the user; pages and the API each map it once:

| error        | page                                   | API                       |
|--------------|----------------------------------------|---------------------------|
| NotFound     | 404 page (also: what you may not see)  | 404 {"detail": message}   |
| NotAllowed   | 403 page, or the message on the form   | 403 {"detail": message}   |
| Invalid      | the message(s) on the form             | 400 {"detail": message}   |
| Conflict     | the message on the form                | 409 {"detail": message}   |

What a user may not see at all is NotFound, never NotAllowed: a 403 would confirm that it exists.
NotFound is an Http404 and Invalid a ValidationError, so Django's own handling of those (404 page,
form errors) applies to them unchanged.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404


class DomainError(Exception):
    """Base of the errors services raise; `messages` are Chinese sentences for the user."""

    status = 400

    def __init__(self, message: str | list[str] = "") -> None:
        self.problems = [message] if isinstance(message, str) else [str(m) for m in message]
        super().__init__("；".join(self.problems))

    @property
    def messages(self) -> list[str]:
        return self.problems

    @property
    def detail(self) -> str:
        return "；".join(self.problems)


class NotFound(DomainError, Http404):
    """The object does not exist, or the actor may not see it (the two are not told apart)."""

    status = 404

    def __init__(self, message: str | list[str] = "未找到该内容，或您无权查看。") -> None:
        super().__init__(message)


class NotAllowed(DomainError, PermissionError):
    """The actor sees the object but may not do this to it (a member approving, a closed step)."""

    status = 403

    def __init__(self, message: str | list[str] = "您无权进行此操作。") -> None:
        super().__init__(message)


class Invalid(DomainError, ValidationError):
    """The input breaks a rule; every problem is one message."""

    status = 400

    def __init__(self, message: str | list[str]) -> None:
        DomainError.__init__(self, message)
        ValidationError.__init__(self, self.problems)


class Conflict(DomainError):
    """The request collides with the object's current state (already issued, already signed off,
    changed by someone else meanwhile)."""

    status = 409


def messages_of(exc: BaseException) -> list[str]:
    """The Chinese messages of a domain error or of Django's ValidationError / PermissionError."""
    if isinstance(exc, DomainError):
        return exc.messages
    found = getattr(exc, "messages", None)
    return list(found) if found else [str(exc)]
