"""What the office sees of the scheduler: each job's last run and last success."""

from __future__ import annotations

from dataclasses import dataclass

from .jobs import Job, jobs
from .models import JobRun


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last: JobRun | None
    last_ok: JobRun | None


def job_statuses() -> list[JobStatus]:
    out = []
    for job in jobs():
        runs = JobRun.objects.filter(job=job.name).order_by("-started_at", "-id")
        out.append(JobStatus(job, runs.first(), runs.filter(ok=True).first()))
    return out
