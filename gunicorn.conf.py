"""gunicorn settings of 巡察通 (gunicorn reads ./gunicorn.conf.py when started from the project folder).

Each worker starts the embedded scheduler thread and the triage drain thread once it has loaded the
application; the scheduler itself makes sure only one process runs each job per period, and stays off
when Celery beat runs the jobs (SCHEDULER_EMBEDDED, see docs/deploy.md); the drain thread stays off when
Celery drains (xuncha/triage/drain.py)."""

from typing import Any

wsgi_app = "xuncha.wsgi"


def post_worker_init(worker: Any) -> None:
    from xuncha.scheduler.runner import start

    start()
