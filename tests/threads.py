"""Run a piece of work in several threads at once (each with its own database connection) and collect
what any of them raised: the concurrency tests on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_in_threads(work: Callable[[], None], count: int = 4) -> list[BaseException]:
    """Start `count` threads together (a barrier), wait for all, return the exceptions raised."""
    from django.db import connection

    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def runner() -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # noqa: BLE001 - collected for the test's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
