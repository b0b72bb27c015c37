"""
The Gearment adapter checks `cartnorm.Limits` while it reads (`Adapter.checks_limits`): it
must give exactly the verdicts, and the errors, of the separate pre-check it replaces.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import cartnorm
from cartnorm.adapters import gearment
from cartnorm.adapters.gearment._fast_read import _DEEPEST_MESSAGE, _LONGEST_NAME, reader_enforces
from cartnorm.errors import CartnormError, LimitExceededError
from cartnorm.limits import Limits, check_payload
from strategies.gearment import OWN, order_trees, render
from strategies.mutations import mutated

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)

#: Limits the reader can enforce itself, tight enough to bite on small generated orders.
biting_limits = st.builds(
    Limits,
    max_depth=st.integers(min_value=_DEEPEST_MESSAGE + 2, max_value=_DEEPEST_MESSAGE + 6),
    max_number_digits=st.integers(min_value=20, max_value=45),
    max_string_chars=st.integers(min_value=_LONGEST_NAME, max_value=_LONGEST_NAME + 40),
    max_array_items=st.integers(min_value=3, max_value=6),
    max_nodes=st.integers(min_value=40, max_value=400),
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


@st.composite
def near_the_limits(draw: st.DrawFn) -> Any:
    """A generated order, perhaps broken, with a long string, a big number or deep JSON put somewhere."""
    payload = draw(order_trees().map(lambda tree: render(tree, OWN)).flatmap(lambda p: mutated([p])))
    places = _places(payload)
    if places and draw(st.booleans()):
        *parents, key = draw(st.sampled_from(places))
        parent = payload
        for part in parents:
            parent = parent[part]
        parent[key] = draw(
            st.one_of(
                st.integers(min_value=_LONGEST_NAME - 2, max_value=_LONGEST_NAME + 45).map(lambda n: "s" * n),
                st.integers(min_value=18, max_value=48).map(lambda digits: 10**digits),
                st.integers(min_value=1, max_value=14).map(_nested),
                st.just("text with a lone \udc00 surrogate"),
            )
        )
    return payload


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"zz": [value]}
    return value


def _outcome(payload: Any, limits: Limits | None) -> tuple[Any, ...]:
    try:
        order = gearment.convert(copy.deepcopy(payload), observed_at=OBSERVED, limits=limits).order
    except CartnormError as error:
        return type(error).__name__, error.path, repr(error.value)[:300], error.expected
    return ("order", cartnorm.dumps(order))


@settings(max_examples=300)
@given(near_the_limits(), biting_limits)
def test_checking_while_reading_gives_the_pre_checks_verdicts_and_errors(payload, limits):
    assert reader_enforces(limits)
    try:
        check_payload(payload, limits)
    except LimitExceededError as error:
        expected = (type(error).__name__, error.path, repr(error.value)[:300], error.expected)
    else:
        expected = _outcome(payload, None)
    assert _outcome(payload, limits) == expected


def test_normalize_lets_the_adapter_check_and_still_refuses_with_the_path():
    payload = render(order_trees().example(), OWN) if False else {"order_id": "o-1", "store_name": "s" * 2_000_000}
    try:
        cartnorm.normalize(payload, "gearment")
    except LimitExceededError as error:
        assert error.path == "$.store_name"
    else:
        raise AssertionError("a 2 MB string passed the default limits")
    assert gearment.ADAPTER.checks_limits
