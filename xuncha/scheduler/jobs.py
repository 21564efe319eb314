"""The scheduled jobs of the embedded deployment (the scaled one runs the same work under Celery beat,
xuncha/celery.py). Each job names its function by dotted path, so this table imports nothing: a job
whose function is not there (a feature of a later version) is skipped with a log line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Every:
    """Once in every period of `seconds`, counted from the epoch (all processes agree on the periods)."""

    seconds: int

    def period(self, now: dt.datetime) -> str | None:
        return f"e{int(now.timestamp()) // self.seconds}"

    def describe(self) -> str:
        if self.seconds % 3600 == 0:
            return f"每 {self.seconds // 3600} 小时"
        if self.seconds % 60 == 0:
            return f"每 {self.seconds // 60} 分钟"
        return f"每 {self.seconds} 秒"


@dataclass(frozen=True)
class DailyAt:
    """Once a day at or after hh:mm local time (a server that starts later in the day still runs it)."""

    hour: int
    minute: int = 0

    def period(self, now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if (local.hour, local.minute) < (self.hour, self.minute):
            return None
        return f"d{local.date().isoformat()}"

    def describe(self) -> str:
        return f"每天 {self.hour}:{self.minute:02d}"


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    target: str  # dotted path of a function without arguments
    schedule: Every | DailyAt


def jobs() -> list[Job]:
    return [
        Job("fetch_mail", "收取邮箱", "xuncha.intake.tasks.fetch_all_mailboxes", Every(settings.MAIL_FETCH_INTERVAL)),
        Job("send_reminders", "整改提醒", "xuncha.rectification.tasks.reminders_send_task", DailyAt(8, 0)),
        Job("triage_catch_up", "补做研判", "xuncha.triage.tasks.triage_pending", Every(600)),
        Job("tallies_compact", "合并统计计数", "xuncha.triage.tallies.compact_all", Every(300)),
        Job("attachments_read", "补做附件文字识别", "xuncha.intake.reading.attachments_read_catch_up", Every(60)),
        Job("classifier_retrain", "重训分类模型", "xuncha.triage.classifier.classifier_retrain_if_due", Every(3600)),
        Job("audit_seal", "审计事件封链", "xuncha.audit.sealing.audit_seal", Every(60)),
        Job("audit_anchor", "审计链锚点", "xuncha.audit.services.write_anchor", DailyAt(0, 30)),
        Job("prune_runs", "清理运行记录", "xuncha.scheduler.runner.prune_runs", DailyAt(3, 0)),
    ]
