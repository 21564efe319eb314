"""Celery application: Redis broker in the scaled deployment, eager tasks in the embedded one."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")

app = Celery("xuncha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
