import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xuncha.audit.models import AuditChainHead, AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.audit.services import audit_record


@pytest.mark.django_db
def test_demo_chain_is_intact(demo: dict, capsys: pytest.CaptureFixture[str]) -> None:
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == AuditEvent.objects.count() > 50
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out


@pytest.mark.django_db
def test_each_event_links_to_the_previous_one(demo: dict) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    for prev, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == prev.hash
    assert AuditChainHead.objects.get().last_hash == events[-1].hash


@pytest.mark.django_db
def test_a_row_changed_in_the_database_is_found(demo: dict) -> None:
    target = AuditEvent.objects.order_by("id")[10]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["篡改后的摘要", target.pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_id == target.pk
    assert "内容哈希不符" in report.reason
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_a_deleted_row_is_found_at_the_next_link(demo: dict) -> None:
    events = list(AuditEvent.objects.order_by("id")[:6])
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[4].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_id == events[5].pk
    assert "前序哈希不符" in report.reason


@pytest.mark.django_db
def test_a_deleted_last_row_is_found(demo: dict) -> None:
    last = audit_record(actor=None, action="test.event", summary="最后一条")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    report = audit_chain_verify()
    assert not report.ok
    assert "链尾不符" in report.reason


@pytest.mark.django_db
def test_rewriting_the_whole_row_with_a_new_hash_breaks_the_next_link(demo: dict) -> None:
    events = list(AuditEvent.objects.order_by("id")[:3])
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    report = audit_chain_verify()
    assert report.broken_id == events[1].pk


@pytest.mark.django_db
def test_audit_event_rolls_back_with_the_change() -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rollback", summary="不应留下")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.rollback").exists()
    assert audit_chain_verify().ok
