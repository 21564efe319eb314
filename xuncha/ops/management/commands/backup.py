import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from xuncha.ops.archive import BackupError
from xuncha.ops.services import backup_create


class Command(BaseCommand):
    help = ("Back up the database, the media and model folders with a manifest into a dated folder under DEST "
            "(consistent while the server runs). Key files only with --keys DEST2, to a separate place.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="folder that receives the dated backup folder")
        parser.add_argument("--keys", type=Path, dest="keys_dest",
                            help="separate folder (other media) that receives a dated copy of the key files")
        parser.add_argument("--tar", action="store_true", help="write one .tar archive instead of a folder")

    def handle(self, *args: Any, dest: Path, keys_dest: Path | None, tar: bool, **options: Any) -> None:
        try:
            result = backup_create(dest=dest, keys_dest=keys_dest, tar=tar)
        except (BackupError, OSError, DatabaseError, sqlite3.Error) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        manifest = result.manifest
        self.stdout.write(f"数据备份已写入：{result.path}")
        self.stdout.write(f"  数据库（{manifest['engine']}）{sum(manifest['row_counts'].values())} 行，"
                          f"文件 {len(manifest['files']) - 1} 个；清单 manifest.json 记有每个文件的 SHA-256。")
        if not result.key_files:
            self.stdout.write(f"密钥：{Path(settings.KEY_FILE).parent} 中没有密钥文件。")
            return
        names = "、".join(str(p) for p in result.key_files)
        if result.keys_path is not None:
            self.stdout.write(f"密钥已另存：{result.keys_path}（{names}）")
            self.stdout.write("  请把这个密钥文件夹与数据备份分开保存：放在另一块离线介质或密钥管理系统中，由另一人保管；"
                              "不要与数据备份放在同一磁盘、同一网盘或同一个压缩包里。")
        else:
            self.stdout.write(f"注意：密钥文件没有放进这份备份：{names}")
            self.stdout.write("  没有密钥，恢复后反映人身份信息无法解密，查询码也全部失效。请用 --keys 另选目录另存密钥"
                              "（离线介质或密钥管理系统），与数据备份分开保存；密钥轮换后须重新另存。")
