from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuncha.accounts.models import User
from xuncha.inspections.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo (the two source inspections and a practice inspection) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when accounts already exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据加载。")
                self.print_accounts()
                return
            self.stderr.write("数据库已有数据：演示数据只能加载到空数据库。")
            raise SystemExit(1)
        inspections = load_demo()
        for inspection in inspections:
            self.stdout.write(f"已加载：{inspection}（{inspection.start_date} 至 {inspection.end_date}）")
        self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示，切勿用于正式环境）：")
        for username, name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {name}（{role.label}）")
