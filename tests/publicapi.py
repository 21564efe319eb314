"""A test client for the public API that does what a well-behaved client does: before each submission
it takes a proof-of-work challenge (GET /api/v1/public/challenge), solves it and sends the headers."""

from __future__ import annotations

from typing import Any

from django.test import Client

from xuncha.portal.challenge import solve

CHALLENGE_URL = "/api/v1/public/challenge"


def challenge_headers(client: Client) -> dict[str, str]:
    issued = client.get(CHALLENGE_URL).json()
    return {"HTTP_X_CHALLENGE": issued["challenge"], "HTTP_X_CHALLENGE_NONCE": solve(issued["challenge"], issued["difficulty"])}


class PublicClient(Client):
    def post(self, path: str, *args: Any, **extra: Any) -> Any:  # type: ignore[override]
        if path.startswith(("/api/v1/public/inspections/", "/api/v1/public/surveys/")) and "HTTP_X_CHALLENGE" not in extra:
            extra.update(challenge_headers(self))
        return super().post(path, *args, **extra)
