"""The house rules the machine checks: ruff and mypy, as configured in pyproject.toml, pass on the whole tree.

They run here so the README's one test command (and so .ci/run) enforces them; a failure prints what to fix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: pip install -r tests/requirements.txt")
    return path


def test_ruff_passes_on_the_whole_tree() -> None:
    done = subprocess.run([_tool("ruff"), "check", ".", "--output-format", "concise", "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"ruff check . found problems:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"


def test_mypy_passes_on_core_and_app() -> None:
    done = subprocess.run([_tool("mypy"), "--no-incremental"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"
