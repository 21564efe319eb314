"""Celery task of the audit app: seal committed events into the chain (xuncha.audit.sealing)."""

from __future__ import annotations

from celery import shared_task

from .sealing import audit_seal


# Celery ships no type hints: the task is an untyped object with .apply_async().
@shared_task(name="audit.seal", ignore_result=True)
def audit_seal_task() -> int:
    return audit_seal()
