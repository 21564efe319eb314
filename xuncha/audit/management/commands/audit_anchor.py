from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xuncha.audit.services import write_anchor
from xuncha.core.crypto import KeyError_


class Command(BaseCommand):
    help = "Append an anchor of the audit chain head (time, last event, count, head hash, HMAC) to the anchor file."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            anchor = write_anchor()
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已写入锚点（序号 {anchor.seq}，{timezone.localtime(anchor.at):%Y-%m-%d %H:%M:%S}）："
                          f"共 {anchor.count} 条事件，最后为事件 #{anchor.last_id}。文件：{settings.AUDIT_ANCHOR_FILE}")
        self.stdout.write(anchor.line())
