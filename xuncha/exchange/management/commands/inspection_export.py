"""manage.py inspection_export <inspection id> --to <peer> --user <office admin> [--out FILE]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.models import User
from xuncha.errors import DomainError, messages_of
from xuncha.exchange.services import inspection_export


class Command(BaseCommand):
    help = "把一个巡察任务导出为签名、加密的数据包（docs/exchange.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", type=int, help="巡察任务 ID")
        parser.add_argument("--to", required=True, help="对方部署代号（交换密钥中的 peers）")
        parser.add_argument("--user", required=True, help="以哪个巡察办管理员账号导出（记入审计）")
        parser.add_argument("--out", help="输出文件（默认为数据包的标准文件名，写在当前目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {options['user']}。")
        try:
            data, name, summary = inspection_export(actor=actor, inspection_id=options["inspection"], peer=options["to"])
        except DomainError as exc:
            raise CommandError("；".join(messages_of(exc))) from None
        out = Path(options["out"] or name)
        out.write_bytes(data)
        self.stdout.write(f"已导出 {out}：{sum(summary['counts'].values())} 行、{summary['files']} 个文件、"
                          f"{summary['events']} 条审计事件（数据包 {summary['package_id']}）。")
