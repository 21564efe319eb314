"""A logging filter that keeps receipt codes out of the server's logs: Django logs the path of every
4xx/5xx answer ("Not Found: /api/v1/public/receipts/<code>"), and a receipt code is a secret."""

from __future__ import annotations

import logging
import re

RECEIPT_PATH = re.compile(r"(/api/v1/public/receipts/)[^/?\s\"']+")


def mask(text: str) -> str:
    return RECEIPT_PATH.sub(r"\1****", text)


class HideReceiptCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
