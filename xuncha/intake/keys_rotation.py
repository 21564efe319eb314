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
from xuncha.core.sm import sm3_hex
from xuncha.keys import key_ring
from xuncha.uploads import attachment_storage, sealed_file_fields

from .models import Attachment, Mailbox, Report


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
        for att in Attachment.objects.exclude(text_sealed="").select_for_update().only("text_sealed", "lines_sealed").iterator(chunk_size=500):
            updates = {}
            for field, context in (("text_sealed", "attachment_text"), ("lines_sealed", "attachment_lines")):
                envelope = getattr(att, field)
                if envelope and crypto.envelope_key_id(envelope) != ring.active:
                    updates[field] = crypto.seal(ring, crypto.unseal(ring, envelope, context=context), context=context)
            if updates:
                Attachment.objects.filter(pk=att.pk).update(**updates)
                changed += len(updates)
        files = files_reseal()
        audit_record(actor=actor, action="keys.reseal",
                     summary=f"密钥轮换：{changed} 个加密字段、{files} 个加密文件已用新密钥 {ring.active} 重新加密",
                     data={"active": ring.active, "count": changed, "files": files})
    return changed + files


def sealed_file_names() -> Iterator[str]:
    """The name of every file kept in the sealed storage, found through every FileField that uses it (in
    any app: reports' attachments, interview records, delivered documents, ...)."""
    for model, field in sealed_file_fields():
        yield from (name for name in model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).iterator() if name)


def files_reseal() -> int:
    """Bring every sealed file up to date: seal those an older version left in plain, re-wrap the key of
    those wrapped with a retired key (the body is not re-encrypted). Returns how many changed."""
    storage = attachment_storage()
    changed = 0
    for name in sealed_file_names():
        if storage.exists(name) and storage.reseal(name):
            changed += 1
    return changed


def attachments_fill_digests() -> int:
    """Fill the SM3 of the plaintext of attachments stored before it was kept."""
    filled = 0
    for att in Attachment.objects.filter(sm3="").exclude(file="").iterator(chunk_size=200):
        if not att.file.name or not att.file.storage.exists(att.file.name):
            continue
        with att.file.open("rb") as f:
            Attachment.objects.filter(pk=att.pk).update(sm3=sm3_hex(f.read()))
        filled += 1
    return filled


def files_check(limit: int | None = None) -> tuple[int, list[str]]:
    """Open every sealed file (or the `limit` newest of each field) with the key file in use: (opened, failures)."""
    storage = attachment_storage()
    opened, failures = 0, []
    for n, name in enumerate(sealed_file_names()):
        if limit is not None and n >= limit:
            break
        try:
            if not storage.is_sealed(name):
                failures.append(f"文件 {name} 尚未加密（请运行 manage.py attachments_seal）")
                continue
            crypto.open_file(key_ring(), storage.raw(name))
            opened += 1
        except FileNotFoundError:
            failures.append(f"文件 {name} 不存在")
        except Exception:  # noqa: BLE001 - any failure to open is what this check reports
            failures.append(f"文件 {name} 无法解密")
    return opened, failures


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
