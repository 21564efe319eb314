"""Anchors of the audit chain head, written outside the database.

One line per anchor in an append-only file (settings.AUDIT_ANCHOR_FILE):

    v1 at=2026-12-03T04:00:00.000000+00:00 seq=12 last_id=480 count=480 head=<sm3 hex> mac=<hmac-sm3 hex>

`mac` = HMAC-SM3(audit key, "anchor:" + the line up to " mac="). An anchor says: at this time the
chain held `count` events, the last one #last_id with hash `head`. Deleting events at the end, or
rewriting the chain (even with the key), no longer matches the anchors written before; the printed or
sent copy of a daily anchor keeps that proof when the anchor file itself is replaced.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone

from xuncha.core.sm import sm3_hmac_hex

TAIL_BYTES = 8192
LINE = re.compile(r"^v1 at=(?P<at>\S+) seq=(?P<seq>\d+) last_id=(?P<last_id>\d+) count=(?P<count>\d+) "
                  r"head=(?P<head>[0-9a-f]{64}) mac=(?P<mac>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Anchor:
    at: dt.datetime
    seq: int
    last_id: int
    count: int
    head: str
    mac: str = ""

    def body(self) -> str:
        return (f"v1 at={self.at.astimezone(dt.UTC).isoformat(timespec='microseconds')} seq={self.seq} "
                f"last_id={self.last_id} count={self.count} head={self.head}")

    def line(self) -> str:
        return f"{self.body()} mac={self.mac}"

    def signed(self, key: bytes) -> Anchor:
        return Anchor(self.at, self.seq, self.last_id, self.count, self.head, anchor_mac(key, self.body()))

    def mac_ok(self, key: bytes) -> bool:
        return self.mac == anchor_mac(key, self.body())

    def label(self) -> str:
        """How messages name the anchor: its local time and sequence number."""
        return f"锚点 {timezone.localtime(self.at):%Y-%m-%d %H:%M}（序号 {self.seq}）"


def anchor_mac(key: bytes, body: str) -> str:
    return sm3_hmac_hex(key, b"anchor:" + body.encode())


def parse_anchor(line: str) -> Anchor | None:
    m = LINE.match(line.strip())
    if m is None:
        return None
    try:
        at = dt.datetime.fromisoformat(m["at"])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return Anchor(at, int(m["seq"]), int(m["last_id"]), int(m["count"]), m["head"], m["mac"])


@dataclass(frozen=True)
class AnchorFile:
    anchors: list[Anchor]
    unreadable: list[int]  # line numbers of lines that are not anchors (damaged or edited)


def read_anchor_file(path: Path, *, strict: bool = True) -> AnchorFile:
    """The anchors of a file. `strict`: every non-empty line must be an anchor (the anchor file itself);
    otherwise other lines are skipped (a downloaded anchor page with explanations around the line)."""
    anchors: list[Anchor] = []
    unreadable: list[int] = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            anchor = parse_anchor(line)
            if anchor is not None:
                anchors.append(anchor)
            elif strict:
                unreadable.append(number)
    return AnchorFile(anchors, unreadable)


def _last_seq(f: BinaryIO) -> int:
    """The highest sequence number in the file: from its last few kilobytes, or the whole file when those
    hold no anchor (kept short: the chain head is locked meanwhile)."""
    size = f.seek(0, os.SEEK_END)
    for start in dict.fromkeys((max(0, size - TAIL_BYTES), 0)):
        f.seek(start)
        lines = f.read().decode("utf-8", errors="replace").splitlines()
        if start:
            lines = lines[1:]  # the first may be cut
        seqs = [a.seq for a in map(parse_anchor, lines) if a is not None]
        if seqs:
            return max(seqs)
    return 0


def append_anchor(path: Path, key: bytes, *, last_id: int, count: int, head: str) -> Anchor:
    """Append one signed anchor, under an exclusive lock (the scheduler and the command may run at once);
    the sequence number follows the file's last anchor."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "rb+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            anchor = Anchor(timezone.now(), _last_seq(f) + 1, last_id, count, head).signed(key)
            f.write((anchor.line() + "\n").encode())  # O_APPEND: at the end, whatever was read
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    return anchor
