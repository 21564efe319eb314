"""Rewriting the audit log is found: the chain is keyed (HMAC-SM3, key outside the database) and anchored
in a file outside the database. Each attack here verified as intact with the plain SM3 chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from xuncha.audit import keys
from xuncha.audit.chain import GENESIS, canonical, link_hash
from xuncha.audit.models import AuditChainHead, AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.audit.services import audit_record, write_anchor
from xuncha.core.crypto import KeyError_

pytestmark = pytest.mark.django_db


def _body(e: AuditEvent) -> bytes:
    return canonical(at=e.at, actor_id=e.actor_id, actor_name=e.actor_name, action=e.action, object_type=e.object_type,
                     object_id=e.object_id, summary=e.summary, data=e.data, ip=e.ip)


def rewrite_from(event_id: int, key: bytes | None, **changes: Any) -> None:
    """The attacker edits event #event_id and recomputes every later link and the head: with plain SM3
    (key=None, no access to the key file) or with the stolen key."""
    AuditEvent.objects.filter(pk=event_id).update(**changes)
    prev = AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first() or GENESIS
    for e in AuditEvent.objects.filter(id__gte=event_id).order_by("id"):
        new_hash = link_hash(prev, _body(e), key)
        AuditEvent.objects.filter(pk=e.pk).update(prev_hash=prev, hash=new_hash)
        prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def truncate(n: int) -> None:
    """The attacker deletes the last n events and makes the head agree with what is left."""
    doomed = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:n])
    AuditEvent.objects.filter(pk__in=doomed).delete()
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    AuditChainHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash, count=AuditEvent.objects.count())


def current_key() -> bytes:
    key = keys.load_audit_key()
    assert key is not None
    return key.key


def test_the_chain_is_keyed_and_the_key_lives_outside_the_database(demo: dict, settings: Any) -> None:
    path: Path = settings.AUDIT_KEY_FILE
    assert path.exists() and path.parent == settings.KEY_FILE.parent  # the keys folder, backed up with the identity key
    assert path.stat().st_mode & 0o777 == 0o600
    event = audit_record(actor=None, action="test.event", summary="带密钥")
    assert event.hash == link_hash(event.prev_hash, _body(event), current_key())
    assert event.hash != link_hash(event.prev_hash, _body(event))  # not the plain SM3 any more
    head = AuditChainHead.objects.get()
    assert head.keyed_from == 0 and head.key_id == keys.load_audit_key().key_id  # type: ignore[union-attr]
    assert audit_chain_verify().ok


def test_deleting_the_last_events_and_updating_the_head_is_found_by_the_anchor(demo: dict, capsys: Any) -> None:
    anchor = write_anchor()
    audit_record(actor=None, action="test.event", summary="锚点之后")
    truncate(6)
    report = audit_chain_verify()
    assert not report.ok
    assert (f"记录了 {anchor.count} 条事件（最后为事件 #{anchor.last_id}），数据库中只有 {anchor.count - 5} 条（末尾被删除）"
            in report.message())
    assert anchor.label() in report.message()
    with pytest.raises(CommandError, match="末尾被删除"):
        call_command("audit_verify")


def test_editing_an_old_event_and_recomputing_with_plain_sm3_is_found(demo: dict) -> None:
    target = AuditEvent.objects.order_by("id")[10]
    rewrite_from(target.pk, None, summary="篡改后的摘要")
    report = audit_chain_verify()  # no anchor file: the key alone finds it
    assert not report.ok
    assert report.broken_id == target.pk
    assert report.problems[0].startswith(f"事件 #{target.pk} 被修改")
    with pytest.raises(CommandError, match=f"事件 #{target.pk} 被修改"):
        call_command("audit_verify")


def test_a_rewrite_with_the_stolen_key_is_found_by_the_anchors(demo: dict) -> None:
    target = AuditEvent.objects.order_by("id")[10]
    anchor = write_anchor()
    rewrite_from(target.pk, current_key(), summary="用密钥重算")
    assert not AuditEvent.objects.filter(hash=anchor.head).exists()
    report = audit_chain_verify()
    assert not report.ok
    assert f"{anchor.label()}记录的事件 #{anchor.last_id} 的哈希与数据库不符" in report.message()
    assert len(report.problems) == 1  # the chain itself is consistent: only the anchor tells


def test_a_truncation_with_the_stolen_key_is_found_by_the_anchors(demo: dict) -> None:
    anchor = write_anchor()
    truncate(3)
    audit_record(actor=None, action="test.event", summary="删除后重新追加")  # the chain goes on, validly keyed
    report = audit_chain_verify()
    assert not report.ok
    assert f"{anchor.label()}记录的最后一条事件 #{anchor.last_id} 在数据库中不存在（被删除）" in report.message()


def test_a_replaced_anchor_file_is_found_with_the_copy_the_auditor_kept(demo: dict, settings: Any, tmp_path: Path) -> None:
    write_anchor()
    kept = tmp_path / "printed-anchor.txt"
    kept.write_text("巡察通 审计链锚点\n说明文字\n" + settings.AUDIT_ANCHOR_FILE.read_text(), encoding="utf-8")
    call_command("audit_verify", "--anchors", str(kept))
    # With the key: cut the end, then rewrite the anchor file to match.
    truncate(4)
    settings.AUDIT_ANCHOR_FILE.unlink()
    write_anchor()
    call_command("audit_verify")  # the server's own anchors agree with the forgery
    with pytest.raises(CommandError, match="末尾被删除"):
        call_command("audit_verify", "--anchors", str(kept))


def test_an_edited_or_deleted_anchor_line_is_named(demo: dict, settings: Any) -> None:
    for _ in range(3):
        write_anchor()
    path: Path = settings.AUDIT_ANCHOR_FILE
    lines = path.read_text().splitlines()
    forged = lines[0].replace("count=", "count=9")
    path.write_text("\n".join([forged, lines[2]]) + "\n")
    report = audit_chain_verify()
    assert not report.ok
    assert any("（序号 1）签名不符" in p for p in report.problems), report.problems
    assert any("缺少序号 2 的锚点" in p for p in report.problems)


def test_a_missing_key_with_a_keyed_chain_is_refused_not_replaced(demo: dict, settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = tmp_path / "restored-without-key" / "audit.key"
    events = AuditEvent.objects.count()
    with pytest.raises(KeyError_, match="请从备份中恢复审计密钥文件"):
        audit_record(actor=None, action="test.event", summary="不应写入")
    with pytest.raises(KeyError_, match="不会生成新密钥"):
        write_anchor()
    with pytest.raises(CommandError, match="找不到审计密钥文件"):
        call_command("audit_verify")
    with pytest.raises(CommandError, match="找不到审计密钥文件"):
        call_command("audit_anchor")
    with pytest.raises(ImproperlyConfigured, match="找不到审计密钥文件"):
        keys.check_audit_key_at_startup()
    assert not settings.AUDIT_KEY_FILE.exists()
    assert AuditEvent.objects.count() == events


def test_a_key_file_of_another_installation_is_refused(demo: dict, settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = tmp_path / "other" / "audit.key"
    keys._create_key_file(settings.AUDIT_KEY_FILE, keyed_from=0)
    with pytest.raises(KeyError_, match="不配套"):
        audit_record(actor=None, action="test.event")
    with pytest.raises(ImproperlyConfigured, match="不配套"):
        keys.check_audit_key_at_startup()
    report = audit_chain_verify()
    assert not report.ok and "不配套" in report.problems[0]


def test_a_key_file_readable_by_others_is_refused(demo: dict, settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = tmp_path / "loose" / "audit.key"
    keys._create_key_file(settings.AUDIT_KEY_FILE, keyed_from=0)
    settings.AUDIT_KEY_FILE.chmod(0o644)
    with pytest.raises(KeyError_, match="应为 0600"):
        keys.load_audit_key()


def test_the_anchor_command_appends_a_signed_line(demo: dict, settings: Any, capsys: Any) -> None:
    call_command("audit_anchor")
    call_command("audit_anchor")
    out = capsys.readouterr().out
    assert "已写入锚点（序号 2" in out
    lines = settings.AUDIT_ANCHOR_FILE.read_text().splitlines()
    head = AuditChainHead.objects.get()
    assert len(lines) == 2 and lines[1] in out
    assert f"last_id={head.last_id} count={head.count} head={head.last_hash}" in lines[1]
    assert settings.AUDIT_ANCHOR_FILE.stat().st_mode & 0o777 == 0o600
    call_command("audit_verify")
    assert "已与 2 个锚点核对" in capsys.readouterr().out
