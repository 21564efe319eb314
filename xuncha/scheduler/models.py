"""One row per scheduled job and period: the claim that lets exactly one process run it, and its heartbeat."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    """Inserted before the job runs (the unique (job, period) pair is the lock: a second process that tries
    the same period fails to insert and skips); finished_at/ok/result are written when it ends."""

    job = models.CharField("任务", max_length=64)
    period = models.CharField("周期", max_length=32)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    ok = models.BooleanField("成功", null=True)
    result = models.TextField("结果", blank=True, default="")
    runner = models.CharField("执行进程", max_length=128, blank=True, default="")

    class Meta:
        verbose_name = "定时任务运行记录"
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="scheduler_one_run_per_period")]
        indexes = [models.Index(fields=["job", "-started_at"], name="scheduler_job_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
