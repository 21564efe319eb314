"""The short run of bench/reliability.py: kill -9 of gunicorn's processes under a stream of public
submissions and a database cut lose no acknowledged report, leave none half-written, answer 503 to
every submission refused during the cut, and keep the audit chain whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_reliability_run_passes() -> None:
    done = subprocess.run([sys.executable, "bench/reliability.py", "--quick"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "结论：通过" in done.stdout
    assert "503 占 100%" in done.stdout
