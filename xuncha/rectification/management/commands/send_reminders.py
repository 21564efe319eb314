"""Send today's rectification reminders by hand (the embedded scheduler and Celery beat run it daily at 8:00)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.rectification.services import reminders_send


class Command(BaseCommand):
    help = "生成整改事项到期、逾期提醒（站内提醒；已配置 EMAIL_HOST 时同时发送邮件）。同一天重复运行不会重复提醒。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        run = reminders_send(today=today)
        self.stdout.write(f"新生成提醒 {run.created} 条，发送邮件 {run.emailed} 封，发送失败 {run.failed} 封。")
