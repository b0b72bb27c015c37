"""Every code block in the docs runs: Python blocks in one namespace per page, shell blocks in bash."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

_BLOCK = re.compile(r"^```(python|sh)\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted([*(REPO / "docs").rglob("*.md"), REPO / "README.md"])


def _blocks(page: Path, language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(page.read_text(encoding="utf-8")) if lang == language]


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p, "python")], ids=lambda p: str(p.relative_to(REPO)))
def test_python_blocks_run(page, monkeypatch, capsys):
    """The page's Python examples run, top to bottom, from the project root."""
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for block in _blocks(page, "python"):
        exec(compile(block, str(page), "exec"), namespace)


# The README's set-up commands install the package: they are what CI itself runs, not examples.
SHELL_PAGES = [p for p in PAGES if p.name != "README.md" and _blocks(p, "sh")]


@pytest.mark.parametrize("page", SHELL_PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_shell_blocks_run(page, tmp_path):
    """The page's shell examples succeed, run in a scratch directory that sees the fixtures."""
    (tmp_path / "fixtures").symlink_to(REPO / "fixtures")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert shutil.which("cartnorm", path=env["PATH"]), "the cartnorm console script is not installed"
    for block in _blocks(page, "sh"):
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
