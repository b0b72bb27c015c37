"""
A conversion leaves no reference cycles: a record's objects are freed with its last reference.

When they are not (a part's reading that pointed back at its parent did), every record's payload
waits for the cyclic collector: memory grows between passes, each pass walks it, and the next
record is built in memory that is no longer in the cache. The command line's run on a large file
stays flat only because the objects go at once; this holds the rule for every adapter, on the
command line's path (its own reader, the record owned) and on the call a user makes.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable

import pytest

import cartnorm
from cartnorm.conformance import CaseSettings, case_settings, discover_cases
from cartnorm.etl import Accepted, process_record
from cartnorm.limits import DEFAULT_LIMITS
from cartnorm.reading import parse_text
from cartnorm.registry import available_adapters
from conftest import FIXTURES


def cases_of(adapter: str) -> list[tuple[str, CaseSettings]]:
    """The adapter's fixture cases that convert (text, settings): an error case is a different path."""
    found = []
    for case in discover_cases(FIXTURES):
        if case.expected is None:
            continue
        settings = case_settings(case)
        if (settings.source or case.payload.relative_to(FIXTURES).parts[0].split("-")[0]) == adapter:
            found.append((case.payload.read_text(encoding="utf-8"), settings))
    return found


def on_the_command_lines_path(adapter: str, text: str, settings: CaseSettings) -> object:
    record = parse_text(text, DEFAULT_LIMITS)
    chosen = available_adapters()[adapter]
    outcome = process_record(0, record, chosen, settings.observed_at, settings.options, DEFAULT_LIMITS, owned=True)
    assert isinstance(outcome, Accepted), outcome
    return cartnorm.dumps(outcome.order)


def in_a_users_call(adapter: str, text: str, settings: CaseSettings) -> object:
    order = cartnorm.normalize(json.loads(text), adapter, observed_at=settings.observed_at, **settings.options)
    return cartnorm.dumps(order)


def garbage_left(work: Callable[[], object]) -> Counter[str]:
    """What ``work`` left for the cyclic collector, by type (run once before, so first-use caches are built)."""
    work()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        work()
        gc.collect()
        return Counter(type(item).__name__ for item in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


@pytest.mark.parametrize("way", [on_the_command_lines_path, in_a_users_call])
@pytest.mark.parametrize("adapter", sorted(available_adapters()))
def test_a_conversion_leaves_nothing_for_the_cyclic_collector(adapter, way):
    cases = cases_of(adapter)
    assert cases, f"{adapter} has no fixture that converts: nothing would be checked"
    for text, settings in cases:
        assert garbage_left(lambda: way(adapter, text, settings)) == Counter(), text[:200]  # noqa: B023 - run now
