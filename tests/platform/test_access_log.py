"""The server's access log keeps no client address and no receipt code (xuncha.accesslog)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config

from xuncha.accesslog import PrivateAccessLogger


def test_the_access_log_line_has_no_address_and_no_receipt_code() -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = PrivateAccessLogger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/public/receipts/1234567890123456",
               "PATH_INFO": "/api/v1/public/receipts/1234567890123456", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "203.0.113.9", "QUERY_STRING": "", "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    req = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.4"), ("USER-AGENT", "curl")])
    resp = SimpleNamespace(status="404 Not Found", sent=20, headers=[])
    atoms = logger.atoms(resp, req, environ, dt.timedelta(milliseconds=3))
    line = (config.access_log_format % atoms) + " " + " ".join(str(v) for v in atoms.values())
    assert "203.0.113.9" not in line and "198.51.100.4" not in line
    assert "1234567890123456" not in line
    assert "/api/v1/public/receipts/****" in atoms["r"]


@pytest.mark.django_db
def test_django_logs_no_receipt_code(demo: object, caplog: Any) -> None:
    import logging

    from django.conf import settings
    from django.test import Client

    from xuncha.logfilters import HideReceiptCodes

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["hide_receipt_codes"]
    caplog.handler.addFilter(HideReceiptCodes())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get("/api/v1/public/receipts/1234567890123456").status_code == 404
    assert "Not Found: /api/v1/public/receipts/****" in caplog.text
    assert "1234567890123456" not in caplog.text
