"""The pieces of a backup folder: private files and folders, hashes, the database copy of each engine.

A backup folder holds `manifest.json`, the database (`database.sqlite3`, an SQLite online backup, or
`database.dump`, a pg_dump custom-format archive) and copies of the data folders (`media/`, `models/`).
Every file is written 0600, every folder 0700: a backup holds the same case data as the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
KEYS_MANIFEST = "keys.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"


class BackupError(Exception):
    """A backup or restore step failed; the message is Chinese and says what to do."""


def data_folders() -> dict[str, Path]:
    """The folders backed up beside the database: attachments and the classifier's model files."""
    return {"media": Path(settings.MEDIA_ROOT), "models": Path(settings.CLASSIFIER_DIR)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def private_dir(path: Path) -> Path:
    """Make `path` and its missing parents, each 0700 (folders that exist already are left as they are)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    return missing[0] if missing else path


def copy_private(src: Path, dst: Path) -> None:
    private_dir(dst.parent)
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)


def write_json(path: Path, data: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"读不出 {path}（{exc}）：不是完整的巡察通备份。") from exc
    if not isinstance(data, dict):
        raise BackupError(f"{path} 内容无效：不是完整的巡察通备份。")
    return data


def files_under(folder: Path) -> Iterator[Path]:
    """Regular files under `folder`, sorted (symbolic links are not followed)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def key_files() -> list[Path]:
    """Every key file of this installation: the files in settings.KEY_FILE's folder (the identity key and
    whatever other key the platform keeps there), without the temporary files of an atomic write."""
    key_file = Path(settings.KEY_FILE)
    folder = key_file.parent
    if not folder.is_dir():
        return []
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
    if _holds_data(folder):
        # A key file kept in the data folder itself: only the key files, never the database beside them.
        files = [p for p in files if p == key_file or p.suffix == ".key"]
    return files


def _holds_data(folder: Path) -> bool:
    database = connection.settings_dict["NAME"] if connection.vendor == "sqlite" else ""
    resolved = folder.resolve()
    return resolved == Path(settings.VAR_DIR).resolve() or (bool(database) and Path(str(database)).resolve().parent == resolved)


def key_ids(path: Path) -> list[str]:
    """The ids of the keys in an identity key file (the ids are not secret; the keys are)."""
    try:
        data = json.loads(path.read_text())
        return sorted(data["keys"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


# --- tables -------------------------------------------------------------------------------------------------

def model_tables() -> dict[str, str]:
    """Each concrete model's label and table (many-to-many tables included)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def row_counts(cursor: Any, quote: Any, present: set[str] | None = None) -> dict[str, int]:
    counts = {}
    for label, table in model_tables().items():
        if present is not None and table not in present:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names come from the models
        counts[label] = int(cursor.fetchone()[0])
    return counts


def migration_state(cursor: Any, present: set[str]) -> dict[str, list[str]]:
    """The applied migrations, by app."""
    if "django_migrations" not in present:
        raise BackupError("数据库还没有建表（未运行 python manage.py migrate），没有可备份的数据。")
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(str(app), []).append(str(name))
    return state


def live_row_counts() -> dict[str, int]:
    """Row counts of the `default` database (a table missing there is left out)."""
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return row_counts(cursor, connection.ops.quote_name, present)


def live_migration_state() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return migration_state(cursor, set(connection.introspection.table_names(cursor)))


# --- the database, by engine --------------------------------------------------------------------------------

@dataclass
class DatabaseCopy:
    file: str  # its name in the backup folder
    counts: dict[str, int]
    migrations: dict[str, list[str]]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dump_database(folder: Path) -> DatabaseCopy:
    """Copy the database into `folder`, consistently while the server keeps writing, and count the rows
    and migrations of that very copy."""
    if connection.vendor == "sqlite":
        return _dump_sqlite(folder / SQLITE_FILE)
    if connection.vendor == "postgresql":
        return _dump_postgresql(folder / PG_FILE)
    raise BackupError(f"不支持的数据库类型：{connection.vendor}")


def _dump_sqlite(target: Path) -> DatabaseCopy:
    # The online backup API copies a consistent snapshot page by page (writers wait only per step);
    # copying the file itself would miss what still sits in the -wal file.
    connection.ensure_connection()
    source = connection.connection
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        cursor = copy.cursor()
        # One self-contained file (the live database's WAL mode would make readers add -wal/-shm files).
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {str(name) for (name,) in cursor.fetchall()}
        migrations = migration_state(cursor, present)
        counts = row_counts(cursor, _sqlite_quote, present)
    finally:
        copy.close()
    os.chmod(target, 0o600)
    return DatabaseCopy(file=SQLITE_FILE, counts=counts, migrations=migrations)


def pg_env() -> tuple[list[str], dict[str, str]]:
    """The connection of the `default` database for pg_dump/pg_restore: arguments and environment
    (the password goes through PGPASSWORD, never the command line)."""
    conf = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if conf.get(key):
            env[var] = str(conf[key])
    if (conf.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(conf["OPTIONS"]["sslmode"])
    return ["-d", str(conf["NAME"])], env


def pg_tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client），版本不低于数据库服务器。")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 执行失败（退出码 {result.returncode}）：{result.stderr.strip()[:2000]}")


def _dump_postgresql(target: Path) -> DatabaseCopy:
    # One snapshot for the counts and the dump: a repeatable-read transaction exports it, pg_dump uses it.
    target_args, env = pg_env()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        present = set(connection.introspection.table_names(cursor))
        migrations = migration_state(cursor, present)
        counts = row_counts(cursor, connection.ops.quote_name, present)
        _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", *target_args], env)
    os.chmod(target, 0o600)
    return DatabaseCopy(file=PG_FILE, counts=counts, migrations=migrations)


def load_database(folder: Path, manifest: dict[str, Any]) -> None:
    """Replace the content of the `default` database with the backup's copy."""
    file = folder / str(manifest["database"]["file"])
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        # Read-only and immutable: reading the backup never writes beside it.
        source = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    target_args, env = pg_env()
    connection.close()
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *target_args, str(file)], env)


# --- one-file archives --------------------------------------------------------------------------------------

def make_tar(folder: Path) -> Path:
    archive = folder.with_name(folder.name + ".tar")
    fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f, tarfile.open(fileobj=f, mode="w") as tar:
        tar.add(folder, arcname=folder.name)
    shutil.rmtree(folder)
    return archive


def open_tar(archive: Path, into: Path) -> Path:
    """Unpack a backup archive into `into` (plain files and folders only) and return its backup folder."""
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法打开备份文件 {archive}（{exc}）。") from exc
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) != 1:
        raise BackupError(f"{archive} 不是巡察通备份文件（应只含一个备份文件夹）。")
    return folders[0]
