"""An installation from before the audit key: its events are chained with plain SM3. The keyed chain
starts after the last of them (the boundary is kept in the key file and the chain head); the older
events stay as they were and are covered by the first keyed event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xuncha.audit import keys
from xuncha.audit.models import AuditChainHead, AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.audit.services import audit_record, write_anchor

from .test_keyed_chain import rewrite_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def legacy(demo: dict, settings: Any, tmp_path: Path) -> int:
    """The demo's events as an older installation had them: plain SM3, no key file; returns the last id."""
    settings.AUDIT_KEY_FILE = tmp_path / "upgraded" / "keys" / "audit.key"
    first = AuditEvent.objects.order_by("id").values_list("id", flat=True)[0]
    rewrite_from(first, None)
    AuditChainHead.objects.filter(pk=1).update(keyed_from=None, key_id="")
    report = audit_chain_verify()
    assert report.ok and "尚未启用审计密钥" in report.message()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    return int(last)


def test_audit_key_start_keys_every_later_event(legacy: int, settings: Any, capsys: Any) -> None:
    call_command("audit_key", "start")
    assert f"自事件 #{legacy + 1} 起签名" in capsys.readouterr().out
    assert settings.AUDIT_KEY_FILE.stat().st_mode & 0o777 == 0o600
    key = keys.load_audit_key()
    assert key is not None and key.keyed_from == legacy + 1
    head = AuditChainHead.objects.get()
    assert (head.keyed_from, head.key_id) == (legacy + 1, key.key_id)
    started = AuditEvent.objects.get(action="audit.key_start")
    assert started.pk >= legacy + 1
    call_command("audit_key", "start")  # again: nothing changes
    assert "未做改动" in capsys.readouterr().out
    report = audit_chain_verify()
    assert report.ok and f"自事件 #{legacy + 1} 起" in report.message()
    call_command("audit_key", "status")
    assert "已签名事件 1 条，启用密钥之前的事件" in capsys.readouterr().out


def test_the_first_event_after_the_upgrade_starts_the_keyed_chain(legacy: int) -> None:
    event = audit_record(actor=None, action="test.event", summary="升级后第一条")
    key = keys.load_audit_key()
    assert key is not None and key.keyed_from == legacy + 1 <= event.pk
    assert audit_chain_verify().ok


def test_an_older_event_rewritten_with_plain_sm3_is_found_at_the_first_keyed_event(legacy: int) -> None:
    first_keyed = audit_record(actor=None, action="test.event", summary="升级后第一条")
    audit_record(actor=None, action="test.event", summary="升级后第二条")
    target = AuditEvent.objects.order_by("id")[5]
    rewrite_from(target.pk, None, summary="改写升级前的事件")
    report = audit_chain_verify()
    assert not report.ok
    assert report.problems[0] == f"事件 #{first_keyed.pk} 被修改（内容哈希不符，或未用审计密钥签名）。"


def test_moving_the_boundary_in_the_database_does_not_help(legacy: int) -> None:
    audit_record(actor=None, action="test.event", summary="升级后第一条")
    last = audit_record(actor=None, action="test.event", summary="升级后第二条")
    # The attacker declares every event unkeyed and recomputes the tail with plain SM3.
    AuditChainHead.objects.filter(pk=1).update(keyed_from=last.pk + 1000)
    rewrite_from(legacy + 1, None)
    report = audit_chain_verify()
    assert not report.ok
    assert any("与审计密钥文件（事件 #" in p for p in report.problems)
    assert any(p.startswith("事件 #") and "被修改" in p for p in report.problems)


def test_an_anchor_starts_the_keyed_chain_too(legacy: int) -> None:
    anchor = write_anchor()
    assert anchor.last_id == legacy
    key = keys.load_audit_key()
    assert key is not None and anchor.mac_ok(key.key)
    assert audit_chain_verify().ok
