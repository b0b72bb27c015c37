"""
A pytest plugin for teams' own conformance fixtures.

``pytest --cartnorm-fixtures=path/`` collects one test per ``<case>.payload.json`` under
``path`` (see `cartnorm.conformance` for the layout) and reports failures with the same
per-path differences as ``cartnorm conformance``. ``--cartnorm-source=NAME`` fixes the
adapter for every case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conformance import Case, CaseResult, discover_cases, run_case
from .registry import get_adapter

__all__ = ["ConformanceCaseError", "ConformanceItem", "pytest_addoption", "pytest_collection_modifyitems"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--cartnorm-fixtures`` and ``--cartnorm-source``."""
    group = parser.getgroup("cartnorm", "cartnorm conformance fixtures")
    group.addoption("--cartnorm-fixtures", action="append", default=[], metavar="DIR", help="fixture directory to run")
    group.addoption("--cartnorm-source", default=None, metavar="NAME", help="adapter for every case")


class ConformanceCaseError(Exception):
    """A conformance case did not produce what its expected file says."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.report())
        self.result = result


class ConformanceItem(pytest.Item):
    """One conformance case as a pytest test."""

    def __init__(self, *, case: Case, source: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.source = source

    def runtest(self) -> None:
        source = self.source
        result = run_case(self.case, (lambda _name: get_adapter(source)) if source else get_adapter)
        if not result.passed:
            raise ConformanceCaseError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceCaseError):
            return excinfo.value.result.report()
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.case.payload, 0, f"cartnorm conformance: {self.case.name}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Append one item per case found under each ``--cartnorm-fixtures`` directory."""
    source = config.getoption("cartnorm_source")
    for directory in config.getoption("cartnorm_fixtures"):
        root = Path(directory)
        if not root.is_dir():
            raise pytest.UsageError(f"--cartnorm-fixtures: {root} is not a directory")
        for case in discover_cases(root):
            items.append(ConformanceItem.from_parent(session, name=f"cartnorm[{case.name}]", case=case, source=source))
