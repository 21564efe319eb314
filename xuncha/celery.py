"""Celery application: Redis broker in the scaled deployment, eager tasks in the embedded one."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")

app = Celery("xuncha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs, run by `celery -A xuncha beat` next to the workers (scaled deployment only; in the
# embedded one the scheduler threads of the gunicorn workers run the same jobs, xuncha/scheduler).
MAIL_FETCH_SECONDS = float(os.environ.get("MAIL_FETCH_INTERVAL", "300"))

app.conf.beat_schedule = {
    "intake-fetch-mailboxes": {
        "task": "intake.fetch_all_mailboxes",
        "schedule": MAIL_FETCH_SECONDS,
        # A run that waited longer than one interval in the queue is dropped: the next one covers it.
        "options": {"expires": MAIL_FETCH_SECONDS},
    },
    # Labels confirmed since the last training also trigger retraining on commit; this catches up
    # if that trigger was lost (worker down) and is a no-op when nothing is due.
    # Rectification reminders (items due soon or overdue, notices past their deadline): once a day;
    # idempotent per day, so a second run sends nothing new.
    "rectification-reminders": {
        "task": "rectification.reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    # Reports whose triage after registration was lost (a worker killed after the commit): catch up.
    "triage-catch-up": {
        "task": "scheduler.run_job",
        "schedule": 600.0,
        "args": ["triage_catch_up"],
        "options": {"expires": 600.0},
    },
    # The statistics tallies' +1/-1 rows folded into one per key (xuncha.triage.tallies.compact).
    "tallies-compact": {
        "task": "scheduler.run_job",
        "schedule": 300.0,
        "args": ["tallies_compact"],
        "options": {"expires": 300.0},
    },
    # Attachments whose reading (OCR, text layers) after registration was lost: catch up every minute.
    "attachments-read-catch-up": {
        "task": "scheduler.run_job",
        "schedule": 60.0,
        "args": ["attachments_read"],
        "options": {"expires": 60.0},
    },
    # Audit events whose sealing after the commit was lost (a worker killed after its commit): catch up.
    "audit-seal": {
        "task": "scheduler.run_job",
        "schedule": 60.0,
        "args": ["audit_seal"],
        "options": {"expires": 60.0},
    },
    # The audit chain's daily anchor (xuncha.audit.services.write_anchor; skipped where absent).
    "audit-anchor": {
        "task": "scheduler.run_job",
        "schedule": crontab(hour=0, minute=30),
        "args": ["audit_anchor"],
    },
    "triage-classifier-retrain": {
        "task": "triage.classifier_retrain_if_due",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}
