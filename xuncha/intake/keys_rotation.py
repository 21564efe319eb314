"""Key rotation: add a new active key, then re-seal every sealed value with it (audited)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.keys import key_ring

from .models import Mailbox, Report


def _report_values(report: Report) -> Iterator[tuple[str, str]]:
    yield from report.reporter_sealed.items()
    if report.source.get("caller_number_sealed"):
        yield "caller_number", report.source["caller_number_sealed"]


def sealed_counts() -> Counter[str]:
    """How many sealed values each key id protects."""
    counts: Counter[str] = Counter()
    for report in Report.objects.only("reporter_sealed", "source").iterator(chunk_size=2000):
        for _field, envelope in _report_values(report):
            counts[crypto.envelope_key_id(envelope) or "?"] += 1
    for mailbox in Mailbox.objects.only("password_sealed"):
        counts[crypto.envelope_key_id(mailbox.password_sealed) or "?"] += 1
    return counts


def reseal_all(*, actor: User | str | None = None) -> int:
    """Re-seal every value not sealed with the active key. Returns how many were re-sealed."""
    ring = key_ring()
    changed = 0
    with transaction.atomic():
        for report in Report.objects.select_for_update().only("reporter_sealed", "source").iterator(chunk_size=500):
            dirty = False
            for field, envelope in list(report.reporter_sealed.items()):
                if crypto.envelope_key_id(envelope) != ring.active:
                    report.reporter_sealed[field] = crypto.seal(ring, crypto.unseal(ring, envelope, context=field), context=field)
                    dirty = True
                    changed += 1
            caller = report.source.get("caller_number_sealed")
            if caller and crypto.envelope_key_id(caller) != ring.active:
                plain = crypto.unseal(ring, caller, context="caller_number")
                report.source["caller_number_sealed"] = crypto.seal(ring, plain, context="caller_number")
                dirty = True
                changed += 1
            if dirty:
                Report.objects.filter(pk=report.pk).update(reporter_sealed=report.reporter_sealed, source=report.source)
        for report in Report.objects.exclude(raw_source="").only("raw_source").iterator(chunk_size=200):
            with report.raw_source.open("rb") as f:
                blob = f.read()
            if blob.split(b":", 2)[1].decode() != ring.active:
                raw = crypto.unseal_bytes(ring, blob, context="raw_source")
                name = str(report.raw_source.name)
                report.raw_source.storage.delete(name)
                report.raw_source.storage.save(name, ContentFile(crypto.seal_bytes(ring, raw, context="raw_source")))
                changed += 1
        for mailbox in Mailbox.objects.select_for_update():
            if mailbox.password_sealed and crypto.envelope_key_id(mailbox.password_sealed) != ring.active:
                plain = crypto.unseal(ring, mailbox.password_sealed, context="mailbox_password")
                Mailbox.objects.filter(pk=mailbox.pk).update(password_sealed=crypto.seal(ring, plain, context="mailbox_password"))
                changed += 1
        audit_record(actor=actor, action="keys.reseal", summary=f"密钥轮换：{changed} 个加密字段已用新密钥 {ring.active} 重新加密",
                     data={"active": ring.active, "count": changed})
    return changed


def rotate(*, actor: User | str | None = None) -> tuple[str, int]:
    new_id = crypto.add_active_key(settings.KEY_FILE)
    key_ring.cache_clear()
    return new_id, reseal_all(actor=actor)


def check_sample(limit: int = 200) -> tuple[int, list[str]]:
    """Open up to `limit` sealed values with the key file in use: (how many opened, the failures). After a
    restore this says whether the key file is the one the data was sealed with."""
    ring = key_ring()
    opened, failures = 0, []
    for report in Report.objects.exclude(reporter_sealed={}).only("reporter_sealed", "source").order_by("-pk")[:limit]:
        for field, envelope in _report_values(report):
            try:
                crypto.unseal(ring, envelope, context=field)
                opened += 1
            except Exception:  # noqa: BLE001 - any failure to open is what this check reports
                failures.append(f"信访件ID {report.pk} 的 {field}")
    return opened, failures
