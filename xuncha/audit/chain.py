"""The hash chain of audit events: HMAC-SM3 with the audit key (plain SM3 for events from before the key)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from xuncha.core.sm import sm3_hex, sm3_hmac_hex

GENESIS = "0" * 64


def canonical(*, at: dt.datetime, actor_id: int | None, actor_name: str, action: str,
              object_type: str, object_id: str, summary: str, data: Any, ip: str) -> bytes:
    payload = {
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary,
        "data": data,
        "ip": ip,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(prev_hash: str, body: bytes, key: bytes | None = None) -> str:
    """The event's hash: keyed (HMAC-SM3) with the audit key, or plain SM3 for events before the key."""
    if key is None:
        return sm3_hex(prev_hash.encode() + body)
    return sm3_hmac_hex(key, prev_hash.encode() + body)


MAX_LISTED = 20


@dataclass(frozen=True)
class ChainReport:
    """The verdict on the chain and its anchors. `broken_id`/`reason`: the first broken link;
    `problems`: everything found, in Chinese, naming events and anchors; `notes`: what was checked."""

    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""
    problems: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条事件。" + "".join(self.notes)
        if self.broken_id is not None:
            head = f"审计链断裂：第一个断点为事件 #{self.broken_id}（{self.reason}）；共发现 {len(self.problems)} 处问题。"
        else:
            head = f"审计链异常：共发现 {len(self.problems)} 处问题。"
        listed = list(self.problems[:MAX_LISTED])
        if len(self.problems) > MAX_LISTED:
            listed.append(f"……另有 {len(self.problems) - MAX_LISTED} 处，从略。")
        return "\n".join([head, *listed])
