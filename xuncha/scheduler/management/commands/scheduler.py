"""The embedded scheduler from the command line.

    python manage.py scheduler status     # each job: schedule, last run, result, last success
    python manage.py scheduler run        # run the jobs due now (once), as a worker's tick would
    python manage.py scheduler run --loop # a dedicated scheduler process (instead of the gunicorn threads)
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xuncha.scheduler.runner import Scheduler, run_due
from xuncha.scheduler.selectors import job_statuses


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


class Command(BaseCommand):
    help = "内置定时任务：查看状态（status）或执行到期任务（run）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "run"])
        parser.add_argument("--loop", action="store_true", help="持续运行（独立的定时任务进程）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self.status()
        elif options["loop"]:
            self.stdout.write(f"定时任务进程已启动，每 {settings.SCHEDULER_TICK_SECONDS} 秒检查一次（Ctrl+C 停止）。")
            scheduler = Scheduler(settings.SCHEDULER_TICK_SECONDS, first_delay=0)
            try:
                scheduler.run()
            except KeyboardInterrupt:
                self.stdout.write("已停止。")
        else:
            outcomes = run_due()
            for o in outcomes:
                self.stdout.write(f"{o.job}：{'成功' if o.ok else '失败'}，{o.result}")
            if not outcomes:
                self.stdout.write("没有到期的任务（或已由其他进程执行）。")
            if any(not o.ok for o in outcomes):
                raise CommandError("有任务失败，详见上文。")

    def status(self) -> None:
        mode = "内置（gunicorn 进程内）" if settings.SCHEDULER_EMBEDDED else "Celery beat（本进程不执行定时任务）"
        self.stdout.write(f"定时任务：{mode}")
        now = time.time()
        for s in job_statuses():
            last = s.last
            if last is None:
                state = "尚未运行"
            elif last.finished_at is None:
                running = now - last.started_at.timestamp()
                state = f"运行中或已中断（开始于 {_when(last.started_at)}，已 {int(running)} 秒）"
            else:
                state = f"{'成功' if last.ok else '失败'}，{_when(last.finished_at)}：{last.result}"
            self.stdout.write(f"- {s.job.label}（{s.job.name}，{s.job.schedule.describe()}）：{state}；"
                              f"上次成功 {_when(s.last_ok.finished_at if s.last_ok else None)}")
