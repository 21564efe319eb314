from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.crypto import KeyError_
from xuncha.intake import keys_rotation


class Command(BaseCommand):
    help = ("Seal the attachments an older version stored unencrypted (and re-wrap files of a retired key), "
            "then fill the SM3 digest of attachments stored without it. Safe to run again.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            digests = keys_rotation.attachments_fill_digests()
            files = keys_rotation.files_reseal()
        except KeyError_ as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已加密或更新 {files} 个文件，补填 {digests} 个附件的 SM3 摘要。")
