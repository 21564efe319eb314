"""The hash chain of audit events (SM3)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from xuncha.core.sm import sm3_hex

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


def link_hash(prev_hash: str, body: bytes) -> str:
    return sm3_hex(prev_hash.encode() + body)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条事件。"
        return f"审计链断裂：第一个断点为事件 #{self.broken_id}（{self.reason}）；此前 {self.checked} 条事件完整。"
