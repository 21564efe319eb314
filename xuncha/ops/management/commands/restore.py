import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from xuncha.ops.archive import BackupError
from xuncha.ops.services import backup_restore


class Command(BaseCommand):
    help = ("Restore a backup (folder or .tar) into an empty installation, with the key folder from --keys, then "
            "check row counts, file hashes, the key (identity_keys check) and the audit chain (audit_verify).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="a backup folder (xuncha-backup-…) or its .tar")
        parser.add_argument("--keys", type=Path, dest="keys_src", help="the separate key backup folder (xuncha-keys-…)")
        parser.add_argument("--force", action="store_true", help="replace the data of a non-empty installation")

    def handle(self, *args: Any, src: Path, keys_src: Path | None, force: bool, **options: Any) -> None:
        try:
            result = backup_restore(src=src, keys_src=keys_src, force=force)
        except (BackupError, OSError, DatabaseError, sqlite3.Error) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        for line in result.lines:
            self.stdout.write(line)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"✗ {problem}")
            raise CommandError(f"恢复后的检查发现 {len(result.problems)} 处问题（见上）；数据已写入，但在问题解决前不要启用本安装。")
        self.stdout.write(f"恢复完成，全部检查通过：{src}")
