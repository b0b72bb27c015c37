"""Every fixture pair under fixtures/ is one test: payload → expected order, or → expected error."""

from __future__ import annotations

import pytest

from cartnorm.adapters import get_adapter
from cartnorm.conformance import discover_cases, run_case
from conftest import FIXTURES

CASES = list(discover_cases(FIXTURES))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fixture_case(case):
    """The adapter turns the payload into exactly the expected order (or the expected error)."""
    result = run_case(case, get_adapter)
    assert result.passed, result.report()
