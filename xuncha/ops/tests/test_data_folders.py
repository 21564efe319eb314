"""Backup and restore of the embedded deployment as an operator runs them: separate processes on real data
folders (an SQLite file in WAL mode, media, keys), a backup taken while another connection has written
to the WAL, restored into a fresh data folder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "XUNCHA_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "xuncha.settings"}
    for name in ("DATABASE_URL", "REDIS_URL", "XUNCHA_KEY_FILE", "CLASSIFIER_DIR"):
        env.pop(name, None)
    return env


def _manage(var: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(var), capture_output=True,
                            text=True, timeout=300, check=False)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder set up like `make run`: migrated, with the demo (reports with sealed identities, media)."""
    var = tmp_path_factory.mktemp("source") / "var"
    _manage(var, "migrate", "--noinput", "-v0")
    _manage(var, "createcachetable")
    _manage(var, "load_demo")
    return var


def test_a_backup_taken_beside_a_writer_restores_into_a_fresh_data_folder(source: Path, tmp_path: Path) -> None:
    # Another connection commits a row that stays in the -wal file (no checkpoint while it is open):
    # copying xuncha.sqlite3 alone would lose it; the online backup keeps it.
    writer = sqlite3.connect(source / "xuncha.sqlite3")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO auth_group (name) VALUES ('备份前写入的组')")
    writer.commit()
    try:
        assert (source / "xuncha.sqlite3-wal").stat().st_size > 0
        said = _manage(source, "backup", str(tmp_path / "backups"), "--keys", str(tmp_path / "keys-usb")).stdout
    finally:
        writer.close()
    assert "分开保存" in said
    backup = next((tmp_path / "backups").iterdir())
    keys = next((tmp_path / "keys-usb").iterdir())
    copy = sqlite3.connect(f"{(backup / 'database.sqlite3').as_uri()}?mode=ro", uri=True)
    assert copy.execute("SELECT count(*) FROM auth_group WHERE name = '备份前写入的组'").fetchone() == (1,)
    copy.close()

    fresh = tmp_path / "fresh" / "var"
    result = _manage(fresh, "restore", str(backup), "--keys", str(keys))
    assert "全部检查通过" in result.stdout and "密钥检查通过" in result.stdout, result.stdout
    assert _hashes(fresh / "media") == _hashes(source / "media") and _hashes(fresh / "media")
    assert _hashes(fresh / "keys") == _hashes(source / "keys")
    assert "审计链完整" in result.stdout
    assert "密钥检查通过" in _manage(fresh, "identity_keys", "check").stdout  # reopened by a new process
    # The restored installation starts (the WSGI entry point finds the key it needs).
    subprocess.run([sys.executable, "-c", "import xuncha.wsgi"], cwd=ROOT, env=_env(fresh), check=True, timeout=120)

    # The backup is left as it was (reading it wrote nothing beside it).
    assert sorted(p.name for p in backup.iterdir()) == ["database.sqlite3", "manifest.json", "media", "models"]


def test_a_fresh_data_folder_with_a_sealed_database_gets_no_new_key(source: Path, tmp_path: Path) -> None:
    """The database copied by hand into a new data folder, the key forgotten: neither `identity_keys status`
    nor the server makes a new key; each says to restore the key file. (A restore without the key is
    refused before it writes anything: test_backup.py.)"""
    fresh = tmp_path / "var"
    fresh.mkdir(mode=0o700)
    writer = sqlite3.connect(source / "xuncha.sqlite3")
    target = sqlite3.connect(fresh / "xuncha.sqlite3")
    writer.backup(target)
    target.close()
    writer.close()
    result = _manage(fresh, "identity_keys", "status", check=False)
    assert result.returncode != 0 and "请从备份中恢复密钥文件" in result.stderr, result.stderr
    server = subprocess.run([sys.executable, "-c", "import xuncha.wsgi"], cwd=ROOT, env=_env(fresh),
                            capture_output=True, text=True, timeout=120, check=False)
    assert server.returncode != 0 and "找不到密钥文件" in server.stderr
    assert not (fresh / "keys" / "identity.key").exists()



def test_a_key_file_kept_in_the_data_folder_takes_only_the_keys_along(settings: Any, tmp_path: Path) -> None:
    from xuncha.ops.archive import key_files

    var = tmp_path / "var"
    var.mkdir()
    for name in ("identity.key", "audit.key", "xuncha.sqlite3", "secret_key"):
        (var / name).write_text(name)
    settings.VAR_DIR = var
    settings.KEY_FILE = var / "identity.key"
    assert [p.name for p in key_files()] == ["audit.key", "identity.key"]
    settings.KEY_FILE = tmp_path / "keys" / "identity.key"
    (tmp_path / "keys").mkdir()
    for name in ("identity.key", "audit-anchor.json", ".identity.key.123.tmp"):
        (tmp_path / "keys" / name).write_text(name)
    assert [p.name for p in key_files()] == ["audit-anchor.json", "identity.key"]


def test_a_backup_of_a_database_never_migrated_says_so(tmp_path: Path) -> None:
    result = _manage(tmp_path / "var", "backup", str(tmp_path / "backups"), check=False)
    assert result.returncode != 0 and "未运行 python manage.py migrate" in result.stderr, result.stderr
    assert list((tmp_path / "backups").iterdir()) == []  # nothing half-written left behind
