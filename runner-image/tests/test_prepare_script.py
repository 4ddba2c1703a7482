"""scripts/prepare-runner-venv.sh: idempotent for the venv running these tests, clear on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "prepare-runner-venv.sh"


def test_up_to_date_venv_is_left_alone() -> None:
    venv = Path(sys.prefix)
    if not (venv / ".waldiez-runner-stamp").is_file():
        import pytest

        pytest.skip("tests are not running from a venv made by prepare-runner-venv.sh")
    proc = subprocess.run(["bash", str(SCRIPT), str(venv)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout


def test_missing_interpreter_fails_with_a_message(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHON=str(tmp_path / "no-python"))
    proc = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "venv")], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode != 0
    assert "ERROR" in proc.stderr and "no-python not found" in proc.stderr
    assert not (tmp_path / "venv").exists()
