"""Backup and restore through the commands, on the test database (SQLite or PostgreSQL, whichever the suite
runs on): real backup folders on disk, reopened by the restore; the installation wiped in between."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xuncha.accounts.models import User
from xuncha.core import crypto
from xuncha.intake import services
from xuncha.intake.models import Report
from xuncha.intake.selectors import receipt_find, reporter_masked
from xuncha.keys import key_ring
from xuncha.ops.archive import live_row_counts, sha256
from xuncha.ops.services import installation_filled_tables

pytestmark = pytest.mark.django_db(transaction=True)

RAW_MAIL = b"From: a@example.org\r\nSubject: =?utf-8?b?5Li+5oql?=\r\n\r\nbody"


@pytest.fixture
def installation(settings: Any, tmp_path: Path) -> Path:
    """This test's own data folders and key file (the restore writes into them)."""
    live = tmp_path / "live"
    settings.MEDIA_ROOT = live / "media"
    settings.CLASSIFIER_DIR = live / "models"
    settings.KEY_FILE = live / "keys" / "identity.key"
    key_ring.cache_clear()
    yield live
    key_ring.cache_clear()


def _real_name_report(inspection: Any) -> tuple[Report, str]:
    """A real-name phone report with a raw source (a sealed file in media); returns it and its receipt code."""
    member = User.objects.get(username="member")
    result = services.report_register(actor=member, data=services.ReportInput(
        inspection=inspection, content="食堂承包问题，实名反映", kind="phone", channel=inspection.channels.get(kind="phone"),
        received_at=dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC),
        reporter=services.ReporterData(name="刘一手", phone="13811112222"), raw_source=RAW_MAIL))
    return result.report, result.receipt_code


def _backup(dest: Path, *args: str) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", str(dest), *args, stdout=out)
    folders = sorted(p for p in dest.iterdir())
    return folders[-1], out.getvalue()


def _restore(src: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(src), *args, stdout=out, stderr=out)
    return out.getvalue()


def _modes(root: Path) -> set[tuple[str, int]]:
    return {("dir" if p.is_dir() else "file", p.stat().st_mode & 0o777) for p in [root, *root.rglob("*")]}


def _wipe(settings: Any, tmp_path: Path, key_name: str = "identity.key") -> None:
    """An empty installation: no rows, no media, and the key file of a new data folder (not there yet)."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    settings.KEY_FILE = tmp_path / "new" / "keys" / key_name
    key_ring.cache_clear()


def test_backup_then_restore_into_an_empty_database_gives_everything_back(
        demo: dict, installation: Path, settings: Any, tmp_path: Path) -> None:
    report, code = _real_name_report(demo["seed000"])
    media = {p.relative_to(settings.MEDIA_ROOT): sha256(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    assert media  # at least the sealed raw source
    (tmp_path / "live" / "keys" / "audit.key").write_text("another key of the platform")
    os.chmod(tmp_path / "live" / "keys" / "audit.key", 0o600)

    folder, said = _backup(tmp_path / "backups", "--keys", str(tmp_path / "keys-usb"))
    keys = next((tmp_path / "keys-usb").iterdir())
    assert "密钥已另存" in said and "分开保存" in said
    manifest = json.loads((folder / "manifest.json").read_text())
    before = live_row_counts()
    assert before.pop("audit.AuditEvent") == manifest["row_counts"]["audit.AuditEvent"] + 1  # the backup, recorded after
    before["audit.AuditEvent"] = manifest["row_counts"]["audit.AuditEvent"]
    assert manifest["row_counts"] == before and manifest["row_counts"]["intake.Report"] == Report.objects.count()
    assert manifest["engine"] == connection.vendor and manifest["database"]["migrations"]["intake"]
    assert {f"media/{p.as_posix()}" for p in media} <= set(manifest["files"])
    # The keys stay out of the data backup; both key files go to the separate folder.
    assert not any("identity" in name or name.endswith(".key") for name in manifest["files"])
    assert sorted(manifest["keys"]["files"]) == ["audit.key", "identity.key"]
    assert sorted(p.name for p in keys.iterdir()) == ["audit.key", "identity.key", "keys.json"]
    assert _modes(folder) | _modes(keys) <= {("dir", 0o700), ("file", 0o600)}

    _wipe(settings, tmp_path, key_name="xuncha-identity.key")  # the new machine names its key file otherwise
    assert installation_filled_tables() == []
    # A flush that empties the statistics before the reports leaves the reports' -1 deltas behind (the order
    # of its DELETEs varies from run to run): counts kept from other rows are no data of their own.
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO triage_reporttally (inspection_id, status, channel_kind, in_window, anonymous, n) "
                       "VALUES (1, 'new', 'phone', %s, %s, -1)", [True, False])
    assert installation_filled_tables() == []

    with pytest.raises(CommandError, match="未提供密钥") as refused:
        _restore(folder)
    assert "查询码也全部失效" in str(refused.value) and "未做任何恢复" in str(refused.value)
    assert installation_filled_tables() == [] and not settings.KEY_FILE.exists()  # nothing restored, no key made

    said = _restore(folder, "--keys", str(keys))
    assert "全部检查通过" in said and "密钥检查通过" in said and "审计链完整" in said
    after = live_row_counts()
    assert after.pop("audit.AuditEvent") == before.pop("audit.AuditEvent") + 1  # the restore is recorded
    assert after == before
    restored = Report.objects.get(pk=report.pk)
    assert reporter_masked(restored)["name"] == "刘**"
    assert crypto.unseal(key_ring(), restored.reporter_sealed["phone"], context="phone") == "13811112222"
    found = receipt_find(code)
    assert found is not None and found.pk == report.pk
    with restored.raw_source.open("rb") as f:
        assert crypto.unseal_bytes(key_ring(), f.read(), context="raw_source") == RAW_MAIL
    assert {p.relative_to(settings.MEDIA_ROOT): sha256(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == media
    assert sorted(p.name for p in settings.KEY_FILE.parent.iterdir()) == ["audit.key", "xuncha-identity.key"]
    assert (settings.KEY_FILE.parent / "audit.key").read_text() == "another key of the platform"
    call_command("audit_verify", stdout=io.StringIO())


def test_a_restore_refuses_a_full_database_a_changed_file_and_a_wrong_key(
        demo: dict, installation: Path, settings: Any, tmp_path: Path) -> None:
    _real_name_report(demo["seed000"])
    archive, said = _backup(tmp_path / "backups", "--tar", "--keys", str(tmp_path / "keys-usb"))
    assert archive.suffix == ".tar" and archive.stat().st_mode & 0o777 == 0o600
    keys = next((tmp_path / "keys-usb").iterdir())

    # Into the running installation itself: refused, nothing touched.
    rows = live_row_counts()
    with pytest.raises(CommandError, match="目标安装不是空的.*--force"):
        _restore(archive, "--keys", str(keys))
    assert live_row_counts() == rows

    # One changed byte in an attachment of an unpacked copy: found before anything is restored.
    shutil.unpack_archive(archive, tmp_path / "unpacked")
    folder = next((tmp_path / "unpacked").iterdir())
    victim = next(p for p in (folder / "media").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes()[:-1] + b"X")
    _wipe(settings, tmp_path)
    with pytest.raises(CommandError, match="已损坏或被改动.*与清单中的校验值不符"):
        _restore(folder, "--keys", str(keys))
    assert installation_filled_tables() == []

    # A key file that is not the backup's: refused before restoring.
    wrong = tmp_path / "wrong-keys"
    crypto.create_key_file(wrong / "identity.key")
    (wrong / "keys.json").write_text(json.dumps({"kind": "xuncha-keys", "files": {"identity.key": sha256(wrong / "identity.key")},
                                                 "identity_key_ids": sorted(crypto.load_key_ring(wrong / "identity.key").keys)}))
    with pytest.raises(CommandError, match="密钥与备份不配套"):
        _restore(archive, "--keys", str(wrong))
    assert installation_filled_tables() == []

    # The .tar itself, with its keys, into the empty installation; then again over it with --force.
    assert "全部检查通过" in _restore(archive, "--keys", str(keys))
    settings.KEY_FILE.write_text(settings.KEY_FILE.read_text().replace('"active"', ' "active"'))  # some other key file
    assert "全部检查通过" in _restore(archive, "--keys", str(keys), "--force")
    kept = [p.name for p in settings.KEY_FILE.parent.iterdir() if ".replaced-" in p.name]
    assert len(kept) == 1 and kept[0].startswith("identity.key.replaced-")


def test_a_postgresql_backup_is_a_pg_dump_archive(demo: dict, installation: Path, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore apply to PostgreSQL only")
    folder, _ = _backup(tmp_path / "backups")
    listing = subprocess.run(["/usr/bin/pg_restore", "--list", str(folder / "database.dump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public intake_report" in listing and "TABLE DATA public audit_auditevent" in listing


def test_a_backup_while_reports_are_registered_is_one_consistent_snapshot(
        demo: dict, installation: Path, settings: Any, tmp_path: Path) -> None:
    """Three threads register reports while a fourth backs up; the restore's checks (row counts against the
    manifest, the audit chain) pass: the counts and the dump come from the same snapshot."""
    import itertools
    import threading

    from tests.threads import run_in_threads

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    seed = demo["seed000"]
    member = User.objects.get(username="member")
    phone = seed.channels.get(kind="phone")
    turn, lock, started = itertools.count(), threading.Lock(), threading.Event()
    before = Report.objects.count()

    def work() -> None:
        with lock:
            mine = next(turn)
        if mine == 0:
            started.wait(timeout=120)  # back up in the middle of the registrations
            call_command("backup", str(tmp_path / "backups"), "--keys", str(tmp_path / "keys-usb"), stdout=io.StringIO())
            return
        for i in range(6):
            services.report_register(actor=member, data=services.ReportInput(
                inspection=seed, content=f"并发登记 {mine}-{i}", kind="phone", channel=phone,
                received_at=dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC), reporter=services.ReporterData(name=f"张{mine}{i}", phone="13800000000")))
            if i == 1:
                started.set()

    assert run_in_threads(work) == []
    folder = next((tmp_path / "backups").iterdir())
    keys = next((tmp_path / "keys-usb").iterdir())
    saved = json.loads((folder / "manifest.json").read_text())["row_counts"]["intake.Report"]
    assert before < saved <= before + 18 == Report.objects.count()
    _wipe(settings, tmp_path)
    said = _restore(folder, "--keys", str(keys))
    assert "全部检查通过" in said and "审计链完整" in said
    assert Report.objects.count() == saved


def test_sealed_attachments_survive_a_backup_and_restore_and_only_open_with_their_key(
        demo: dict, installation: Path, settings: Any, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.intake import keys_rotation
    from xuncha.intake.models import Attachment

    letter = "学院后勤处处长收受购物卡".encode() * 20
    docx = io.BytesIO()
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("学院后勤处处长收受购物卡")
    document.save(docx)
    member = User.objects.get(username="member")
    inspection = demo["seed000"]
    result = services.report_register(actor=member, data=services.ReportInput(
        inspection=inspection, content="附来信", kind="letterbox", channel=inspection.channels.filter(kind="letterbox").first(),
        received_at=dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC), files=[SimpleUploadedFile("来信.docx", docx.getvalue())]))
    att = Attachment.objects.get(report=result.report)
    stored = b"".join(p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert docx.getvalue()[:100] not in stored and letter[:30] not in stored

    folder, _said = _backup(tmp_path / "backups", "--keys", str(tmp_path / "keys-usb"))
    keys = next((tmp_path / "keys-usb").iterdir())
    backed_up = b"".join(p.read_bytes() for p in (folder / "media").rglob("*") if p.is_file())
    assert backed_up and docx.getvalue()[:100] not in backed_up  # the data backup alone reveals nothing
    _wipe(settings, tmp_path)
    said = _restore(folder, "--keys", str(keys))
    assert "全部检查通过" in said and "加密文件" in said
    restored = Attachment.objects.get(pk=att.pk)
    with restored.file.open("rb") as f:
        assert f.read() == docx.getvalue()
    assert keys_rotation.files_check() == (1, [])
    # With another key file, the same bytes do not open.
    settings.KEY_FILE = tmp_path / "other" / "identity.key"
    crypto.create_key_file(settings.KEY_FILE)
    key_ring.cache_clear()
    opened, failures = keys_rotation.files_check()
    assert opened == 0 and len(failures) == 1
