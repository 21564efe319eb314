"""The audit chain's key: HMAC-SM3, in its own file next to the identity key (settings.AUDIT_KEY_FILE),
never in the database. Someone who can write the database but not read this file cannot recompute
the chain after changing an event.

The file says from which event on the chain is keyed (`keyed_from`): 0 on a new installation (every
event), or the first event after the upgrade of an installation whose older events were chained with
plain SM3. Those older events stay as they were; the first keyed event covers the last of them through
its `prev_hash`, so rewriting them is found too.

Like the identity key (xuncha/keys.py), the key is created only while no keyed chain exists: the first
set-up, or the upgrade. With a keyed chain in the database and no key file, nothing starts a new key;
writing an event, verifying and starting the server refuse with a message saying what to restore.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from xuncha.core.crypto import KeyError_, write_new_private_json
from xuncha.core.sm import sm3_hmac_hex

from .chain import canonical, link_hash
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class AuditKey:
    key: bytes
    keyed_from: int  # events with id >= keyed_from are keyed

    @property
    def key_id(self) -> str:
        """A public fingerprint of the key (recorded in the chain head to catch a mismatched key file)."""
        return sm3_hmac_hex(self.key, b"xuncha-audit-key-id")[:16]

    def for_event(self, event_id: int) -> bytes | None:
        """The key an event's hash is made with: this key from `keyed_from` on, none (plain SM3) before."""
        return self.key if event_id >= self.keyed_from else None


def event_hash(event: AuditEvent, prev_hash: str, key: AuditKey | None) -> str:
    """The hash of an event linked after `prev_hash`: what the sealer writes and verification recomputes."""
    return link_hash(prev_hash, canonical(
        at=event.at, actor_id=event.actor_id, actor_name=event.actor_name, action=event.action,
        object_type=event.object_type, object_id=event.object_id, summary=event.summary,
        data=event.data, ip=event.ip,
    ), key.for_event(event.pk) if key is not None else None)


def missing_audit_key_message() -> str:
    return (f"找不到审计密钥文件 {settings.AUDIT_KEY_FILE}，而数据库中的审计链已用该密钥签名。"
            "请从备份中恢复审计密钥文件（或把 XUNCHA_AUDIT_KEY_FILE 指向它）后再启动；"
            "不会生成新密钥，否则已有的审计事件将无法校验。")


def mismatched_audit_key_message() -> str:
    return (f"审计密钥文件 {settings.AUDIT_KEY_FILE} 与数据库中的审计链不配套（密钥指纹不同）。"
            "请恢复与该数据库同时备份的审计密钥文件；不会用这个密钥继续签名。")


@lru_cache(maxsize=4)
def _load(path: Path) -> AuditKey:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyError_(f"审计密钥文件 {path} 的权限为 {oct(mode)}，应为 0600（仅属主可读写）。")
    try:
        data = json.loads(path.read_text())
        key = bytes.fromhex(data["key"])
        keyed_from = int(data["keyed_from"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyError_(f"审计密钥文件 {path} 内容无效。") from exc
    if len(key) != 32 or keyed_from < 0:
        raise KeyError_(f"审计密钥文件 {path} 内容无效。")
    return AuditKey(key=key, keyed_from=keyed_from)


def cache_clear() -> None:
    _load.cache_clear()


def keyed_chain_exists() -> bool:
    """The database says a keyed chain was started (its copy of the boundary, or its key fingerprint)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return head is not None and (head.keyed_from is not None or bool(head.key_id))


def load_audit_key() -> AuditKey | None:
    """The key, or None when there is no key file and no keyed chain (before the first set-up or the
    upgrade); raises KeyError_ when the keyed chain exists but the key file does not."""
    path: Path = settings.AUDIT_KEY_FILE
    if path.exists():
        return _load(path)
    if keyed_chain_exists():
        raise KeyError_(missing_audit_key_message())
    return None


def _create_key_file(path: Path, keyed_from: int) -> None:
    """Write a new key file (0600); never overwrites, and a process starting at the same moment sees no
    file or a complete one (`write_new_private_json`)."""
    write_new_private_json(path, {"key": secrets.token_hex(32), "keyed_from": keyed_from, "created": timezone.now().isoformat()})


def audit_key_for_writing(head: AuditChainHead) -> AuditKey:
    """The key for the next event; `head` is the chain head, locked by the caller. Starts the keyed chain
    when there is none yet: the key file is created with the boundary after the last existing event, and
    the head records the boundary and the key's fingerprint (in the caller's transaction)."""
    key = load_audit_key()
    if key is None:
        # After the last event already linked: events waiting for the sealer are the first keyed ones.
        last = AuditEvent.objects.filter(seq__isnull=False).order_by("-id").values_list("id", flat=True).first()
        _create_key_file(settings.AUDIT_KEY_FILE, keyed_from=(last + 1) if last else 0)
        key = _load(settings.AUDIT_KEY_FILE)
    if head.key_id and head.key_id != key.key_id:
        raise KeyError_(mismatched_audit_key_message())
    if head.keyed_from is None or not head.key_id:
        # Record the start of the keyed chain once; a later difference is evidence for audit_verify, not overwritten.
        head.keyed_from = key.keyed_from if head.keyed_from is None else head.keyed_from
        head.key_id = key.key_id
        AuditChainHead.objects.filter(pk=head.pk).update(keyed_from=head.keyed_from, key_id=head.key_id)
    return key


def check_audit_key_at_startup() -> None:
    """Refuse to serve when the keyed chain exists but its key is missing or does not match."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        key = load_audit_key()
    except KeyError_ as exc:
        raise ImproperlyConfigured(str(exc)) from None
    head = AuditChainHead.objects.filter(pk=1).first()
    if key is not None and head is not None and head.key_id and head.key_id != key.key_id:
        raise ImproperlyConfigured(mismatched_audit_key_message())
