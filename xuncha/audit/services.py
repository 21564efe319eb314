"""Writing audit events. A service calls `audit_record` inside its own transaction, with the change
being recorded; alone (a read or an export being logged) it opens its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.core.client import client_address

from .anchors import Anchor, append_anchor
from .chain import GENESIS, ChainReport
from .keys import audit_key_for_writing, load_audit_key
from .models import AuditChainHead, AuditEvent
from .sealing import audit_seal, request_seal
from .selectors import audit_anchor_get, audit_chain_verify, audit_require_auditor


def client_ip(request: HttpRequest | None) -> str:
    return client_address(request)


def audit_record(*, actor: User | AnonymousUser | str | None, action: str, obj: models.Model | None = None, summary: str = "",
                 data: dict[str, Any] | None = None, request: HttpRequest | None = None,
                 object_type: str = "", object_id: str = "") -> AuditEvent:
    """Write one event, in the caller's transaction (or on its own); it is sealed into the chain after the
    transaction commits (xuncha.audit.sealing), so no writer waits for another's commit.

    The actor is a signed-in account, None for the public (recorded as 公众), or the name of a process
    for scheduled jobs ("系统")."""
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    # A keyed chain whose key file is missing refuses the write (and with it the change being recorded), as
    # when events were linked in the writer's transaction: nothing is written that could not be sealed.
    load_audit_key()
    if settings.AUDIT_SEALING == "immediate":
        with transaction.atomic():
            event = _write_event(user, actor, action, obj, summary, data, request, object_type, object_id)
            audit_seal()  # in the writer's transaction, holding the head until its commit (the tests)
        event.refresh_from_db(fields=["seq", "prev_hash", "hash"])
        return event
    # One INSERT: inside the caller's transaction no savepoint is needed (the event stands or falls with
    # the change it records); alone, the insert commits by itself.
    event = _write_event(user, actor, action, obj, summary, data, request, object_type, object_id)
    transaction.on_commit(request_seal)  # outside a transaction: runs at once
    return event


def _write_event(user: User | None, actor: User | AnonymousUser | str | None, action: str, obj: models.Model | None,
                 summary: str, data: dict[str, Any] | None, request: HttpRequest | None, object_type: str,
                 object_id: str) -> AuditEvent:
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_username() if user else (str(actor) if actor else "公众")),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        summary=summary[:500],
        data=data or {},
        ip=client_ip(request),
    )


def audit_chain_check(*, actor: User, request: HttpRequest | None = None) -> ChainReport:
    """The auditor verifies the chain; the verification is itself logged."""
    audit_require_auditor(actor)
    audit_seal()  # what committed a moment ago belongs in the verdict
    report = audit_chain_verify()
    audit_record(actor=actor, action="audit.verify", summary=report.message(), request=request,
                 data={"ok": report.ok, "checked": report.checked, "broken_id": report.broken_id})
    return report


def write_anchor() -> Anchor:
    """Append an anchor of the chain head to the anchor file (settings.AUDIT_ANCHOR_FILE) and return it.

    A plain function with a stable name and signature: `manage.py audit_anchor` and the scheduler call it.
    It writes no audit event (the anchor file is its own record). Starts the keyed chain if needed (an
    anchor is signed with the audit key); refuses like `audit_record` when the key file is missing (KeyError_).
    Seals what has committed first, so the anchor covers every event written before it."""
    audit_seal()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        key = audit_key_for_writing(head)
        # Written while the head is locked: no event can be appended between reading it and anchoring it.
        return append_anchor(settings.AUDIT_ANCHOR_FILE, key.key, last_id=head.last_id, count=head.count, head=head.last_hash)


def audit_anchor_create(*, actor: User, request: HttpRequest | None = None) -> Anchor:
    """The auditor writes an anchor now (to download and print it); logged."""
    audit_require_auditor(actor)
    anchor = write_anchor()
    audit_record(actor=actor, action="audit.anchor", summary=f"写入审计锚点（序号 {anchor.seq}，事件 #{anchor.last_id}）",
                 request=request, data={"seq": anchor.seq, "last_id": anchor.last_id, "count": anchor.count})
    return anchor


def audit_anchor_export(*, actor: User, seq: int, request: HttpRequest | None = None) -> Anchor:
    """The auditor downloads one anchor to print or send elsewhere; logged."""
    anchor = audit_anchor_get(user=actor, seq=seq)
    audit_record(actor=actor, action="export.audit_anchor", summary=f"下载审计锚点（序号 {anchor.seq}）", request=request,
                 data={"seq": anchor.seq, "last_id": anchor.last_id})
    return anchor


def audit_key_start() -> tuple[int, bool]:
    """Start the keyed chain now (the upgrade step of an older installation): returns the first keyed event
    id and whether the key was created now. The boundary is recorded in the key file and the chain head."""
    created = load_audit_key() is None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        key = audit_key_for_writing(head)
    if created:
        audit_record(actor="系统", action="audit.key_start",
                     summary=f"启用审计密钥：自事件 #{key.keyed_from} 起用 HMAC-SM3 签名" if key.keyed_from else "启用审计密钥",
                     data={"keyed_from": key.keyed_from})
    return key.keyed_from, created
