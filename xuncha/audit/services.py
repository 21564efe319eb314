"""Writing audit events. Call inside the transaction of the change being recorded."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .chain import GENESIS, canonical, link_hash
from .models import AuditChainHead, AuditEvent


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def audit_record(*, actor: Any, action: str, obj: models.Model | None = None, summary: str = "",
                 data: dict[str, Any] | None = None, request: HttpRequest | None = None,
                 object_type: str = "", object_id: str = "") -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or a new one)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        user = actor if getattr(actor, "is_authenticated", False) else None
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
