"""manage.py inspection_import FILE --office <office id> --user <office admin> [--check]

Checks the package and lists what it holds; without --check it then imports it (a second import of the
same package changes nothing and says so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from xuncha.accounts.models import User
from xuncha.errors import Conflict, DomainError, messages_of
from xuncha.exchange.rows import verbose_label
from xuncha.exchange.services import package_discard, package_import_confirm, package_upload


class Command(BaseCommand):
    help = "检查并导入另一部署导出的巡察数据包（docs/exchange.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="数据包文件")
        parser.add_argument("--office", type=int, required=True, help="导入到哪个巡察办（ID）")
        parser.add_argument("--user", required=True, help="以哪个巡察办管理员账号导入（记入审计）")
        parser.add_argument("--check", action="store_true", help="只检查并列出内容，不导入")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {options['user']}。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            record = package_upload(actor=actor, office_id=options["office"], content=path.read_bytes())
        except Conflict as exc:
            self.stdout.write("；".join(messages_of(exc)))
            return
        except DomainError as exc:
            raise CommandError("；".join(messages_of(exc))) from None
        summary = record.summary
        self.stdout.write(f"数据包 {record.package_id}，来自 {summary.get('origin_name', record.origin)}："
                          f"{summary.get('inspection', {}).get('title', '')}")
        for label, n in (summary.get("counts") or {}).items():
            if n:
                new = (summary.get("preview") or {}).get(label, {}).get("new", n)
                self.stdout.write(f"  {verbose_label(label)}：{n} 行（本部署尚无 {new} 行）")
        self.stdout.write(f"  附件 {summary.get('files', 0)} 个，对方审计事件 {summary.get('events', 0)} 条")
        if options["check"]:
            with transaction.atomic():
                package_discard(actor=actor, import_id=record.pk)
            self.stdout.write("只做了检查，未导入。")
            return
        try:
            record = package_import_confirm(actor=actor, import_id=record.pk)
        except DomainError as exc:
            raise CommandError("；".join(messages_of(exc))) from None
        result = record.result
        self.stdout.write(f"已导入：新增 {sum(result['created'].values())} 行、更新 {sum(result['updated'].values())} 行、"
                          f"{result['files']} 个附件、{result['events']} 条对方审计事件（导入记录第 {record.pk} 号）。")
