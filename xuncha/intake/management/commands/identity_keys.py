from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.core.crypto import KeyError_
from xuncha.intake import keys_rotation
from xuncha.keys import key_ring


class Command(BaseCommand):
    help = ("Reporter-identity keys: status, check (the key opens a sample of the stored data and files), or rotate "
            "(new active key, then re-seal every value and re-wrap every sealed file's key).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "check", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ring = key_ring()
            if options["action"] == "check":
                opened, failures = keys_rotation.check_sample()
                files_opened, file_failures = keys_rotation.files_check(limit=200)
                if file_failures:
                    raise CommandError(f"密钥文件 {settings.KEY_FILE} 打不开 {len(file_failures)} 个加密文件"
                                       f"（抽查 {files_opened + len(file_failures)} 个）：{'、'.join(file_failures[:5])}")
                if failures:
                    raise CommandError(f"密钥文件 {settings.KEY_FILE} 打不开 {len(failures)} 个加密字段（抽查 {opened + len(failures)} 个），"
                                       f"可能不是加密这些数据时所用的密钥：{'、'.join(failures[:5])}")
                self.stdout.write(f"密钥检查通过：抽查的 {opened} 个加密字段、{files_opened} 个加密文件均能用 {settings.KEY_FILE} 打开。")
                return
            if options["action"] == "rotate":
                new_id, count = keys_rotation.rotate()
                self.stdout.write(f"已启用新密钥 {new_id}，重新加密 {count} 个字段和文件。请立即备份新的密钥文件：{settings.KEY_FILE}")
                return
            self.stdout.write(f"密钥文件：{settings.KEY_FILE}")
            self.stdout.write(f"当前密钥：{ring.active}（共 {len(ring.keys)} 个密钥）")
            for key_id, count in sorted(keys_rotation.sealed_counts().items()):
                self.stdout.write(f"  密钥 {key_id}：{count} 个加密字段{'（当前）' if key_id == ring.active else ''}")
        except KeyError_ as exc:
            raise CommandError(str(exc)) from exc
