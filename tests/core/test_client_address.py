"""xuncha.core.client.client_address: X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from xuncha.core.client import client_address


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    ([], "198.51.100.7", "", "198.51.100.7"),
    ([], "198.51.100.7", "203.0.113.5", "198.51.100.7"),  # no proxy configured: the header is ignored
    (["10.0.0.1"], "198.51.100.7", "203.0.113.5", "198.51.100.7"),  # not from the proxy: ignored
    (["10.0.0.1"], "10.0.0.1", "203.0.113.5", "203.0.113.5"),
    (["10.0.0.1"], "10.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client's own left part is not believed
    (["10.0.0.0/8"], "10.0.0.1", "203.0.113.5, 10.2.3.4", "203.0.113.5"),  # rightmost untrusted hop
    (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::9, [2001:db9::5]:443", "2001:db9::5"),
    (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
    (["10.0.0.1"], "10.0.0.1", "203.0.113.5, not-an-address", "10.0.0.1"),  # malformed: fall back to the proxy
    (["10.0.0.1"], "10.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
])
def test_the_client_address(settings: Any, proxies: list[str], remote: str, forwarded: str, expected: str) -> None:
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_address(request) == expected


def test_audit_records_the_address_behind_the_proxy(demo: dict[str, Any], settings: Any) -> None:
    from django.test import Client

    from xuncha.audit.models import AuditEvent

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    Client(HTTP_X_FORWARDED_FOR="203.0.113.44").post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert AuditEvent.objects.filter(action="auth.login_failed").latest("id").ip == "203.0.113.44"
