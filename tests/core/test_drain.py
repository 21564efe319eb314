"""xuncha.core.drain: a background thread that runs its work when woken, coalescing wakes."""

from __future__ import annotations

import threading
import time

from xuncha.core.drain import Drain


def wait_until(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def test_a_burst_of_wakes_runs_the_work_a_few_times_not_once_per_wake() -> None:
    runs: list[float] = []
    gate = threading.Event()

    def work() -> None:
        runs.append(time.monotonic())
        gate.wait(1)

    drain = Drain("test-drain", work, interval=60)
    try:
        for _ in range(200):
            drain.wake()
        gate.set()
        wait_until(lambda: len(runs) >= 1)
        time.sleep(0.2)
        assert 1 <= len(runs) <= 3
    finally:
        drain.stop()


def test_the_thread_survives_a_failing_run_and_runs_again_on_the_next_wake() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")

    drain = Drain("test-drain-errors", work, interval=60)
    try:
        drain.wake()
        wait_until(lambda: len(calls) == 1)
        time.sleep(0.05)
        drain.wake()
        wait_until(lambda: len(calls) == 2)
    finally:
        drain.stop()


def test_the_interval_runs_the_work_without_a_wake() -> None:
    calls: list[int] = []
    drain = Drain("test-drain-interval", lambda: calls.append(1), interval=0.05)
    try:
        drain.wake()
        wait_until(lambda: len(calls) >= 3)
    finally:
        drain.stop()


def test_stop_ends_the_thread() -> None:
    drain = Drain("test-drain-stop", lambda: None, interval=60)
    drain.wake()
    thread = drain._thread
    assert thread is not None and thread.is_alive()
    drain.stop()
    assert not thread.is_alive()
