"""Backup and restore of an installation (`manage.py backup`, `manage.py restore`).

A backup is a dated folder (or one .tar of it): the database, the data folders and a manifest (time,
migration state, row counts per model, sha256 of every file, version). The keys never go into it: they
are copied, only on request, into a separate dated keys folder, to be kept on other media, so that a lost
data backup alone does not reveal who reported what.

A restore goes into an empty installation only (or with force), checks the whole backup against its
manifest before touching anything, refuses when sealed data would arrive without its key, and afterwards
checks the result: row counts, file hashes, the key opening a sample of sealed data, the audit chain.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tempfile
import tomllib
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.keys import key_ring, sealed_data_count

from . import archive
from .archive import FORMAT, KEYS_MANIFEST, MANIFEST, BackupError

ACTOR = "系统运维"
# Tables that a freshly migrated installation already fills: they do not make a database "not empty".
_SET_UP_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


def _version() -> dict[str, str | None]:
    version = None
    with contextlib.suppress(OSError, ValueError, KeyError):
        version = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    commit = None
    try:
        result = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S603, S607
                                capture_output=True, text=True, timeout=10, check=False)
        commit = (result.stdout.strip() or None) if result.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"version": version, "commit": commit}


def _new_folder(dest: Path, prefix: str, stamp: str) -> Path:
    archive.private_dir(dest)
    for n in range(1, 100):
        folder = dest / (f"{prefix}-{stamp}" if n == 1 else f"{prefix}-{stamp}-{n}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder
    raise BackupError(f"无法在 {dest} 中新建备份文件夹。")


@dataclass
class BackupResult:
    path: Path  # the backup folder or .tar
    manifest: dict[str, Any]
    key_files: list[Path]
    keys_path: Path | None


def backup_create(*, dest: Path, keys_dest: Path | None = None, tar: bool = False) -> BackupResult:
    """Write a dated backup of the database and the data folders under `dest`; with `keys_dest`, a dated
    copy of the key files there (never in the same folder)."""
    now = timezone.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    dest, keys_dest = dest.resolve(), keys_dest.resolve() if keys_dest else None
    if keys_dest is not None and (keys_dest == dest or dest in keys_dest.parents or keys_dest in dest.parents):
        raise BackupError("密钥备份的目录不能与数据备份的目录相同或互相包含：请为密钥另选一个位置（最好是另一块介质）。")
    folder = _new_folder(dest, "xuncha-backup", stamp)
    try:
        db = archive.dump_database(folder)
        files = {db.file: archive.sha256(folder / db.file)}
        for name, source in archive.data_folders().items():
            archive.private_dir(folder / name)
            for path in archive.files_under(source):
                rel = f"{name}/{path.relative_to(source).as_posix()}"
                archive.copy_private(path, folder / rel)
                files[rel] = archive.sha256(folder / rel)
        keys = archive.key_files()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "kind": "xuncha-backup",
            "created_at": now.isoformat(),
            "engine": connection.vendor,
            "app": _version(),
            "database": {"file": db.file, "migrations": db.migrations},
            "row_counts": db.counts,
            "files": files,
            # What the restore needs beside this backup: the key files by name and the ids of the identity
            # keys (names and ids only; no key material is ever written here).
            "keys": {"files": [p.name for p in keys], "identity_key_file": Path(settings.KEY_FILE).name,
                     "identity_key_ids": archive.key_ids(Path(settings.KEY_FILE)), "sealed_rows": sealed_data_count()},
        }
        archive.write_json(folder / MANIFEST, manifest)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    keys_path = _keys_copy(keys, keys_dest, stamp, folder.name) if keys_dest is not None and keys else None
    path = archive.make_tar(folder) if tar else folder
    # Recorded once written (so this event is not in the backup itself; the next backup has it).
    audit_record(actor=ACTOR, action="backup.create", summary=f"数据备份：写入 {path}" + (f"，密钥另存 {keys_path}" if keys_path else ""),
                 data={"path": str(path), "keys": str(keys_path or ""), "rows": sum(db.counts.values())})
    return BackupResult(path=path, manifest=manifest, key_files=keys, keys_path=keys_path)


def _keys_copy(keys: list[Path], dest: Path, stamp: str, backup_name: str) -> Path:
    folder = _new_folder(dest, "xuncha-keys", stamp)
    hashes = {}
    for path in keys:
        archive.copy_private(path, folder / path.name)
        hashes[path.name] = archive.sha256(folder / path.name)
    archive.write_json(folder / KEYS_MANIFEST, {
        "format": FORMAT, "kind": "xuncha-keys", "backup": backup_name, "files": hashes,
        "identity_key_file": Path(settings.KEY_FILE).name, "identity_key_ids": archive.key_ids(Path(settings.KEY_FILE))})
    return folder


# --- restore -----------------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    ok: bool
    lines: list[str] = field(default_factory=list)  # the Chinese summary
    problems: list[str] = field(default_factory=list)


def backup_verify(folder: Path) -> dict[str, Any]:
    """The manifest of a backup folder, after checking every file against it (nothing missing, nothing
    changed, nothing added)."""
    manifest = archive.read_json(folder / MANIFEST)
    if manifest.get("kind") != "xuncha-backup" or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} 不是本版本巡察通的备份（清单格式 {manifest.get('format')}）。")
    listed: dict[str, str] = manifest["files"]
    present = {p.relative_to(folder).as_posix() for p in archive.files_under(folder)} - {MANIFEST}
    problems = [f"缺少文件 {name}" for name in sorted(set(listed) - present)]
    problems += [f"文件 {name} 与清单中的校验值不符" for name in sorted(set(listed) & present)
                 if archive.sha256(folder / name) != listed[name]]
    problems += [f"多出清单中没有的文件 {name}" for name in sorted(present - set(listed))]
    if problems:
        raise BackupError(f"备份 {folder} 已损坏或被改动，未做任何恢复：" + "；".join(problems[:20])
                          + ("等" if len(problems) > 20 else "") + "。")
    return manifest


def _keys_verify(folder: Path) -> dict[str, Any]:
    keys = archive.read_json(folder / KEYS_MANIFEST)
    if keys.get("kind") != "xuncha-keys":
        raise BackupError(f"{folder} 不是巡察通的密钥备份（缺少 {KEYS_MANIFEST}）。")
    bad = [name for name, digest in keys["files"].items()
           if not (folder / name).is_file() or archive.sha256(folder / name) != digest]
    if bad:
        raise BackupError(f"密钥备份 {folder} 已损坏或被改动：{'、'.join(bad)}。未做任何恢复。")
    return keys


def installation_filled_tables() -> list[str]:
    """The tables that hold rows (none in a new installation). What migrate itself writes does not count, nor
    a model marked `derived = True` (counts kept from other rows: deleting those rows appends -1 deltas)."""
    tables = set(connection.introspection.table_names())
    return [meta.db_table for meta in (model._meta for model in apps.get_models(include_auto_created=True))
            if meta.managed and not meta.proxy and meta.label not in _SET_UP_BY_MIGRATE and meta.db_table in tables
            and not getattr(meta.model, "derived", False) and meta.model._base_manager.using("default").exists()]


def backup_restore(*, src: Path, keys_src: Path | None = None, force: bool = False) -> RestoreResult:
    """Restore a backup folder or .tar into this installation, then check the result."""
    with ExitStack() as stack:
        if src.is_file():
            src = archive.open_tar(src, Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="xuncha-restore-"))))
        if not src.is_dir():
            raise BackupError(f"找不到备份 {src}。")
        return _restore(src, keys_src, force)
    raise AssertionError  # pragma: no cover - ExitStack does not swallow


def _restore(folder: Path, keys_src: Path | None, force: bool) -> RestoreResult:
    manifest = backup_verify(folder)
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"这是 {manifest['engine']} 数据库的备份，当前安装使用 {connection.vendor}，不能直接恢复。")
    keys_info = manifest["keys"]
    key_file = Path(settings.KEY_FILE)
    keys = _keys_verify(keys_src) if keys_src is not None else None
    # The identity key the restored data will be opened with: the one given, else the one in place.
    given_ids = keys["identity_key_ids"] if keys else archive.key_ids(key_file)
    missing = sorted(set(keys_info["identity_key_ids"]) - set(given_ids))
    if keys_info["sealed_rows"] and (keys is None and not key_file.exists()):
        raise BackupError(
            f"未提供密钥：备份中有 {keys_info['sealed_rows']} 条用密钥加密或签名的数据。没有备份时的密钥文件，"
            "恢复后反映人身份信息和邮箱密码无法解密，已发出的查询码也全部失效。请用 --keys 指定单独保存的密钥备份"
            f"（xuncha-keys-… 文件夹），或先把密钥文件放到 {key_file}。未做任何恢复。")
    if keys_info["sealed_rows"] and missing:
        raise BackupError(f"密钥与备份不配套：备份的数据用密钥 {'、'.join(missing)} 加密，"
                          f"{'所给密钥备份' if keys else f'密钥文件 {key_file}'}中没有这些密钥。"
                          "恢复后反映人身份信息和查询码将无法打开。请找到与这份备份配套的密钥备份。未做任何恢复。")
    if not force:
        filled = installation_filled_tables()
        occupied = [f"数据库中已有数据（{connection.settings_dict['NAME']}，表 {'、'.join(filled[:3])}"
                    f"{' 等' if len(filled) > 3 else ''}）"] if filled else []
        occupied += [f"{name} 文件夹 {path} 不是空的" for name, path in archive.data_folders().items()
                     if any(archive.files_under(path))]
        if keys is not None:
            occupied += [f"密钥文件 {target} 已存在且内容不同" for name, target in _key_targets(keys, key_file).items()
                         if target.exists() and archive.sha256(target) != keys["files"][name]]
        if occupied:
            raise BackupError("目标安装不是空的：" + "；".join(occupied)
                              + "。恢复只用于新安装；确需覆盖现有数据，请加 --force（现有数据将被替换）。未做任何恢复。")

    archive.load_database(folder, manifest)
    for name, target in archive.data_folders().items():
        prefix = f"{name}/"
        archive.private_dir(target)
        for rel in manifest["files"]:
            if rel.startswith(prefix):
                archive.copy_private(folder / rel, target / rel[len(prefix):])
    if keys is not None and keys_src is not None:
        archive.private_dir(key_file.parent)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        for name, target in _key_targets(keys, key_file).items():
            if target.exists() and archive.sha256(target) != keys["files"][name]:
                # Only with --force: the key in place is kept beside (a key is never thrown away).
                target.rename(target.with_name(f"{target.name}.replaced-{stamp}"))
            archive.copy_private(keys_src / name, target)
    key_ring.cache_clear()
    return _check(manifest, keys_given=keys is not None)


def _key_targets(keys: dict[str, Any], key_file: Path) -> dict[str, Path]:
    """Where each backed-up key file goes: the identity key to this installation's KEY_FILE (whatever its
    name here), the other key files beside it."""
    return {name: key_file if name == keys.get("identity_key_file") else key_file.parent / name for name in keys["files"]}


def _check(manifest: dict[str, Any], *, keys_given: bool) -> RestoreResult:
    result = RestoreResult(ok=True)
    lines, problems = result.lines, result.problems
    lines.append(f"备份时间：{manifest['created_at']}；版本：{manifest['app'].get('version') or '未知'}"
                 f"（{(manifest['app'].get('commit') or '未知提交')[:12]}）")

    counts = archive.live_row_counts()
    expected: dict[str, int] = manifest["row_counts"]
    wrong = [f"{label} 应为 {n} 行，实际 {counts.get(label, '缺表')}" for label, n in expected.items() if counts.get(label) != n]
    problems += [f"行数不符：{w}" for w in wrong]
    lines.append(f"数据行数：{len(expected) - len(wrong)}/{len(expected)} 张表与清单一致（共 {sum(expected.values())} 行）")

    restored, bad = 0, []
    for name, target in archive.data_folders().items():
        prefix = f"{name}/"
        for rel, digest in manifest["files"].items():
            if rel.startswith(prefix):
                path = target / rel[len(prefix):]
                if not path.is_file() or archive.sha256(path) != digest:
                    bad.append(rel)
                restored += 1
    problems += [f"恢复后的文件 {rel} 与清单中的校验值不符" for rel in bad]
    lines.append(f"附件与模型文件：{restored - len(bad)}/{restored} 个与清单一致")

    ours = archive.live_migration_state()
    if ours != manifest["database"]["migrations"]:
        lines.append("提示：当前代码的数据库迁移与备份时不同；如代码较新，请运行 python manage.py migrate。")
    known = {(m.app_label, m.name) for m in _code_migrations()}
    unknown = [f"{a}.{n}" for a, names in manifest["database"]["migrations"].items() for n in names if (a, n) not in known]
    if unknown:
        problems.append(f"备份来自较新的版本（当前代码没有迁移 {'、'.join(unknown[:5])}），请先升级代码")

    for label, command, args in (("密钥检查", "identity_keys", ["check"]), ("审计链校验", "audit_verify", [])):
        out = io.StringIO()
        try:
            call_command(command, *args, stdout=out, stderr=out)
            lines.append(f"{label}：{out.getvalue().strip() or '通过'}")
        except CommandError as exc:
            problems.append(f"{label}未通过：{exc}")
        except Exception as exc:  # noqa: BLE001 - any failure of a check is reported, not raised
            problems.append(f"{label}未通过：{type(exc).__name__}: {exc}")
    if not keys_given:
        lines.append(f"密钥：未随恢复提供，使用已有的 {settings.KEY_FILE}")
    result.ok = not problems
    if result.ok:
        audit_record(actor=ACTOR, action="backup.restore", summary=f"从备份恢复（备份时间 {manifest['created_at']}）",
                     data={"created_at": manifest["created_at"], "rows": sum(expected.values())})
    return result


def _code_migrations() -> list[Any]:
    from django.db.migrations.loader import MigrationLoader

    return list(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values())
