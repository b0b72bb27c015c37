"""
A pytest plugin for teams' own conformance fixtures, and the adapter contract.

``pytest --cartnorm-fixtures=path/`` collects one test per ``<case>.payload.json`` under
``path`` (see `cartnorm.conformance` for the layout) and reports failures with the same
per-path differences as ``cartnorm conformance``. ``--cartnorm-source=NAME`` fixes the
adapter for every case.

``pytest --cartnorm-contract=NAME`` (an adapter's name, a plugin's too; ``all`` for every
available adapter) collects one test per check of `cartnorm.testing` for that adapter, run
on the cases of ``--cartnorm-fixtures`` that are its own. Without such a case (or without
``--cartnorm-fixtures``) the round trip was not checked, and its test fails saying so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conformance import Case, CaseResult, discover_cases, run_case
from .registry import available_adapters, get_adapter

__all__ = [
    "ConformanceCaseError",
    "ConformanceItem",
    "ContractItem",
    "pytest_addoption",
    "pytest_collection_modifyitems",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--cartnorm-fixtures`` and ``--cartnorm-source``."""
    group = parser.getgroup("cartnorm", "cartnorm conformance fixtures")
    group.addoption("--cartnorm-fixtures", action="append", default=[], metavar="DIR", help="fixture directory to run")
    group.addoption("--cartnorm-source", default=None, metavar="NAME", help="adapter for every case")
    group.addoption(
        "--cartnorm-contract",
        action="append",
        default=[],
        metavar="NAME",
        help="check this adapter (or 'all') against the adapter contract, on its --cartnorm-fixtures cases",
    )


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


class ContractItem(pytest.Item):
    """One check of the adapter contract (`cartnorm.testing.CHECKS`) as a pytest test."""

    def __init__(self, *, adapter: str, check: str, fixtures: list[Path], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.adapter = adapter
        self.check = check
        self.fixtures = fixtures

    def runtest(self) -> None:
        from .testing import ContractError, contract_problems  # noqa: PLC0415 - only when asked for

        # every directory at once: a case in any of them is the adapter's, and none in all is a problem
        problems = contract_problems(self.adapter, self.fixtures or None, checks={self.check})
        if problems:
            raise ContractError(self.adapter, problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[str, int, str]:
        return self.adapter, 0, f"cartnorm contract: {self.adapter} {self.check}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Append one item per case under each ``--cartnorm-fixtures`` directory, one per contract check asked for."""
    source = config.getoption("cartnorm_source")
    roots = [Path(directory) for directory in config.getoption("cartnorm_fixtures")]
    for root in roots:
        if not root.is_dir():
            raise pytest.UsageError(f"--cartnorm-fixtures: {root} is not a directory")
        for case in discover_cases(root):
            items.append(ConformanceItem.from_parent(session, name=f"cartnorm[{case.name}]", case=case, source=source))
    names: list[str] = []
    for name in config.getoption("cartnorm_contract"):
        names += list(available_adapters()) if name == "all" else [get_adapter(name).name]
    if not names:
        return
    from .testing import CHECKS  # noqa: PLC0415 - only when a contract is asked for

    for name in dict.fromkeys(names):
        for check in CHECKS:
            item = ContractItem.from_parent(
                session, name=f"cartnorm-contract[{name}:{check}]", adapter=name, check=check, fixtures=roots
            )
            items.append(item)
