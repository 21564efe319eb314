"""A background drain: one daemon thread per process that runs a piece of work when woken, and at least
every `interval` seconds. Wakes that arrive while it works coalesce into one more run, so a burst of
writes costs a handful of runs, not one per write. Pure Python: what the work does (and the database
connection it needs) is the caller's.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

logger = logging.getLogger("xuncha.drain")


class Drain:
    def __init__(self, name: str, work: Callable[[], object], *, interval: float = 5.0, settle: float = 0.0) -> None:
        """`work` runs in the thread; `settle` waits that long after a wake before running, so that the
        writes of one burst are taken together."""
        self.name = name
        self.work = work
        self.interval = interval
        self.settle = settle
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._stopping = False

    def wake(self) -> None:
        """Ask for a run soon; starts the thread on first use (and again in a forked child)."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._stopping = False
                self._event = threading.Event()
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
        self._event.set()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            thread, self._stopping = self._thread, True
        self._event.set()
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping:
            self._event.wait(self.interval)
            if self._stopping:
                break
            if self.settle:
                threading.Event().wait(self.settle)
            self._event.clear()
            try:
                self.work()
            except Exception:  # the thread must survive: the next wake or interval runs the work again
                logger.exception("background work %s failed; it runs again on the next wake", self.name)
