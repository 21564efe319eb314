"""Verifying the audit chain and its anchors: every problem found, named in Chinese.

The chain (in the database) shows an event changed or deleted in the middle; the key (outside the
database) shows a chain recomputed without it; the anchors (outside the database) show the end cut
off, or the whole chain recomputed by someone who had the key.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .anchors import Anchor, read_anchor_file
from .chain import GENESIS, ChainReport
from .keys import AuditKey, event_hash, load_audit_key, mismatched_audit_key_message
from .models import AuditChainHead, AuditEvent


@dataclass
class _Findings:
    problems: list[str]
    broken_id: int | None = None
    reason: str = ""

    def add(self, text: str, *, event_id: int | None = None, reason: str = "") -> None:
        self.problems.append(text)
        if event_id is not None and self.broken_id is None:
            self.broken_id, self.reason = event_id, reason


def _collect_anchors(key: AuditKey | None, extra_files: Sequence[Path], found: _Findings, notes: list[str]) -> list[Anchor]:
    """The anchors to compare with the database: the anchor file's and those of copies the auditor kept.
    An anchor whose signature does not match is reported and not trusted."""
    anchors: dict[str, Anchor] = {}
    default: Path = settings.AUDIT_ANCHOR_FILE
    sources: list[tuple[Path, bool]] = [(default, True)] if default.exists() else []
    if not default.exists():
        notes.append(f"未找到锚点文件 {default}：无法发现末尾被删除或整链被重写，请确认它未被删除，并用 --anchors 与保存的锚点副本核对。")
    for path in extra_files:
        if not path.exists():
            found.add(f"找不到锚点副本 {path}。")
            continue
        sources.append((path, False))
    for path, is_log in sources:
        content = read_anchor_file(path, strict=is_log)
        for number in content.unreadable:
            found.add(f"锚点文件 {path} 第 {number} 行无法识别（被修改或损坏）。")
        if is_log:
            expected = 1
            for anchor in content.anchors:
                if anchor.seq > expected:
                    missing = f"{expected}" if anchor.seq == expected + 1 else f"{expected}–{anchor.seq - 1}"
                    found.add(f"锚点文件 {path} 缺少序号 {missing} 的锚点（有锚点被删除）。")
                expected = max(expected, anchor.seq + 1)
        elif not content.anchors:
            found.add(f"锚点副本 {path} 中没有可识别的锚点行。")
        for anchor in content.anchors:
            if key is not None and not anchor.mac_ok(key.key):
                found.add(f"{anchor.label()}签名不符：锚点被伪造或修改，或不是用本系统的审计密钥写的（{path}）。")
                continue
            anchors.setdefault(anchor.line(), anchor)
    if key is None and anchors:
        notes.append("尚未启用审计密钥，锚点签名未校验。")
    return list(anchors.values())


def _compare_anchor(anchor: Anchor, *, db_count: int, event_hash: str | None, last_db_id: int, found: _Findings) -> None:
    label = anchor.label()
    if event_hash is None:
        if anchor.last_id > last_db_id:
            found.add(f"{label}记录了 {anchor.count} 条事件（最后为事件 #{anchor.last_id}），数据库中只有 {db_count} 条（末尾被删除）。",
                      event_id=anchor.last_id, reason="链尾不符：锚点之后末尾的事件被删除")
        else:
            found.add(f"{label}记录的最后一条事件 #{anchor.last_id} 在数据库中不存在（被删除）。",
                      event_id=anchor.last_id, reason="锚点记录的事件被删除")
        return
    if event_hash != anchor.head:
        found.add(f"{label}记录的事件 #{anchor.last_id} 的哈希与数据库不符（该事件或其之前的事件被改写，链被重新计算）。",
                  event_id=anchor.last_id, reason="锚点哈希不符：链被改写")
    if db_count < anchor.count:
        found.add(f"{label}记录截至事件 #{anchor.last_id} 共 {anchor.count} 条事件，数据库中只有 {db_count} 条（有事件被删除）。",
                  event_id=anchor.last_id, reason="锚点计数不符：事件被删除")
    elif db_count > anchor.count:
        found.add(f"{label}记录截至事件 #{anchor.last_id} 共 {anchor.count} 条事件，数据库中有 {db_count} 条（有事件被插入）。",
                  event_id=anchor.last_id, reason="锚点计数不符：事件被插入")


def verify_chain(*, anchor_files: Sequence[Path] = ()) -> ChainReport:
    """Walk the chain in order, then compare every trusted anchor with it. Raises KeyError_ when the
    chain is keyed but the key file is missing."""
    key = load_audit_key()
    head = AuditChainHead.objects.filter(pk=1).first()
    found = _Findings([])
    notes: list[str] = []
    if key is None:
        notes.append("尚未启用审计密钥：事件只有不带密钥的 SM3 链。")
    elif head is not None:
        if head.key_id and head.key_id != key.key_id:
            found.add(mismatched_audit_key_message())
        if head.keyed_from is not None and head.keyed_from != key.keyed_from:
            found.add(f"数据库记录的密钥签名起点（事件 #{head.keyed_from}）与审计密钥文件（事件 #{key.keyed_from}）不符（链头被修改）。")
    anchors = _collect_anchors(key, anchor_files, found, notes)
    by_last_id: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.count or anchor.last_id:
            by_last_id.setdefault(anchor.last_id, []).append(anchor)

    prev = GENESIS
    checked = 0
    last_id = 0
    ids = array("q")
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            found.add(f"事件 #{event.pk} 的前序哈希不符：它之前的事件被删除或改写。", event_id=event.pk,
                      reason="前序哈希不符：其前一条事件被删除或篡改")
        keyed = key is not None and key.for_event(event.pk) is not None
        if event.hash != event_hash(event, event.prev_hash, key):
            found.add(f"事件 #{event.pk} 被修改（内容哈希不符{'，或未用审计密钥签名' if keyed else ''}）。", event_id=event.pk,
                      reason="内容哈希不符：该事件内容被修改")
        prev = event.hash or ""  # a sealed event whose hash was erased breaks the next link too
        last_id = event.pk
        checked += 1
        ids.append(event.pk)
        for anchor in by_last_id.pop(event.pk, []):
            _compare_anchor(anchor, db_count=checked, event_hash=event.hash, last_db_id=event.pk, found=found)
    in_order = sorted(ids)  # chain order is id order among the events committed at each sealing
    for pending in by_last_id.values():
        for anchor in pending:
            _compare_anchor(anchor, db_count=bisect_right(in_order, anchor.last_id), event_hash=None,
                            last_db_id=max(ids, default=0), found=found)
    if head is not None and (head.last_hash != prev or head.count != checked or (checked and head.last_id != last_id)):
        found.add(f"链头记录 {head.count} 条事件（最后为事件 #{head.last_id}），"
                  f"数据库中有 {checked} 条（最后为事件 #{last_id}）：末尾的事件被删除或链头被修改。",
                  event_id=head.last_id or last_id, reason="链尾不符：最后的事件被删除")
    waiting = AuditEvent.objects.filter(seq__isnull=True).count()
    if waiting:
        notes.append(f"另有 {waiting} 条刚写入的事件尚待封入审计链（通常几秒内完成），本次未校验。")
    if anchors:
        latest = max(anchors, key=lambda a: (a.at, a.seq))
        notes.insert(0, f"已与 {len(anchors)} 个锚点核对，最近一个为{latest.label()}。")
    if key is not None:
        notes.insert(0, "事件由审计密钥签名" + (f"（自事件 #{key.keyed_from} 起）。" if key.keyed_from else "。"))
    return ChainReport(not found.problems, checked, found.broken_id, found.reason, tuple(found.problems), tuple(notes))
