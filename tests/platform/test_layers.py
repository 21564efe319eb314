"""The layers contract (.importlinter) holds on the code, and it does catch an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin", "COLUMNS": "250"}, check=False)


def _copy_tree(tmp: Path) -> Path:
    """The package's Python files and the contract, copied (a probe must never touch the real tree)."""
    shutil.copytree(ROOT / "xuncha", tmp / "xuncha", ignore=shutil.ignore_patterns("__pycache__", "templates", "*.html", "*.css"))
    shutil.copy(ROOT / ".importlinter", tmp / ".importlinter")
    return tmp


def test_the_code_keeps_the_layers(tmp_path: Path) -> None:
    result = _lint(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Every dependency points down the layers KEPT" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    # intake (a lower layer) reaching up into rectification, as the old replies code did, even inside a function.
    (tree / "xuncha" / "intake" / "probe_upward.py").write_text(
        "def feedback_model():\n    from xuncha.rectification.models import Feedback\n\n    return Feedback\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "xuncha.intake is not allowed to import xuncha.rectification" in result.stdout
    assert "xuncha.intake.probe_upward -> xuncha.rectification.models" in result.stdout
