"""Writing audit events. A service calls `audit_record` inside its own transaction, with the change
being recorded; alone (a read or an export being logged) it opens its own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.core.client import client_address

from .chain import GENESIS, ChainReport, canonical, link_hash
from .models import AuditChainHead, AuditEvent
from .selectors import audit_chain_verify, audit_require_auditor


def client_ip(request: HttpRequest | None) -> str:
    return client_address(request)


def audit_record(*, actor: User | AnonymousUser | str | None, action: str, obj: models.Model | None = None, summary: str = "",
                 data: dict[str, Any] | None = None, request: HttpRequest | None = None,
                 object_type: str = "", object_id: str = "") -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or a new one).

    The actor is a signed-in account, None for the public (recorded as 公众), or the name of a process
    for scheduled jobs ("系统")."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        user = actor if isinstance(actor, User) and actor.is_authenticated else None
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_name=(user.get_username() if user else (str(actor) if actor else "公众")),
            action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=object_id or (str(obj.pk) if obj is not None else ""),
            summary=summary[:500],
            data=data or {},
            ip=client_ip(request),
            prev_hash=head.last_hash,
        )
        event.hash = link_hash(event.prev_hash, canonical(
            at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
            action=event.action, object_type=event.object_type, object_id=event.object_id,
            summary=event.summary, data=event.data, ip=event.ip,
        ))
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_id=event.pk, last_hash=event.hash, count=head.count + 1)
    return event


def audit_chain_check(*, actor: User, request: HttpRequest | None = None) -> ChainReport:
    """The auditor verifies the chain; the verification is itself logged."""
    audit_require_auditor(actor)
    report = audit_chain_verify()
    audit_record(actor=actor, action="audit.verify", summary=report.message(), request=request,
                 data={"ok": report.ok, "checked": report.checked, "broken_id": report.broken_id})
    return report
