"""Fetch the IMAP mailboxes of the email channels once, or keep doing it. (Served by gunicorn, the
embedded scheduler already fetches every MAIL_FETCH_INTERVAL seconds; the loop is for other setups.)

    python manage.py fetch_mail                    # once; exit status 1 if a mailbox failed
    python manage.py fetch_mail --loop             # every 5 minutes until stopped
    python manage.py fetch_mail --loop --interval 600 --mailbox 3

The scaled deployment runs the same job as the Celery task `intake.fetch_all_mailboxes` under beat.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from xuncha.intake.mail import fetch_all_mailboxes


class Command(BaseCommand):
    help = "收取各邮箱渠道的 IMAP 邮箱，将新邮件登记为信访件（从不删除服务器上的邮件）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔 --interval 秒收取一次")
        parser.add_argument("--interval", type=int, default=300, help="循环收取的间隔秒数（默认 300）")
        parser.add_argument("--mailbox", type=int, action="append", default=[], help="只收取指定编号的邮箱（可重复）")
        parser.add_argument("--max-runs", type=int, default=0, help=argparse.SUPPRESS)  # tests: stop after N runs

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 10 and options["loop"] and not options["max_runs"]:
            raise CommandError("收取间隔不能少于 10 秒。")
        runs = 0
        try:
            while True:
                if not connection.in_atomic_block:  # a long-running loop must not keep a dead connection
                    close_old_connections()
                failed = self.run_once(options["mailbox"])
                runs += 1
                if not options["loop"]:
                    if failed:
                        raise CommandError(f"{failed} 个邮箱收取出错，详见上文。")
                    return
                if options["max_runs"] and runs >= options["max_runs"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("已停止收取。")

    def run_once(self, mailbox_ids: list[int]) -> int:
        results = fetch_all_mailboxes(mailbox_ids or None)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if not results:
            self.stdout.write(f"[{stamp}] 没有启用的收件邮箱。")
            return 0
        failed = 0
        for mailbox, result in results:
            channel = mailbox.channel
            line = (f"[{stamp}] 邮箱 {channel.value or mailbox.username}（{channel.inspection}，编号 {mailbox.pk}）："
                    f"新登记 {result.new} 件，已登记跳过 {result.skipped} 封，需人工处理 {result.flagged} 件")
            if result.errors:
                failed += 1
                self.stdout.write(line + f"，出错 {len(result.errors)} 处")
                for error in result.errors:
                    self.stderr.write(f"    错误：{error}")
            else:
                self.stdout.write(line + "。")
        return failed
