"""The code stays ruff-clean and mypy-strict-clean: the same checks a reviewer would run."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "src", "tests", "scripts", "benchmarks"],
        [sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "scripts", "benchmarks"],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_static_checks_pass(command):
    """Lint, format and strict typing report nothing."""
    if shutil.which("ruff") is None and command[2] == "ruff":  # pragma: no cover
        pytest.fail("ruff is part of the test extra: pip install -e '.[test]'")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
