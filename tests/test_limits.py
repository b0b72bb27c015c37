"""Hostile sizes are refused fast, with the path of the offending place; the limits are configurable."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given

import cartnorm
from cartnorm.errors import ConfigurationError, LimitExceededError
from cartnorm.limits import DEFAULT_LIMITS, Limits, check_payload
from strategies.mutations import arbitrary_json


def _deep(levels: int) -> list:
    root: list = []
    current = root
    for _ in range(levels):
        child: list = []
        current.append(child)
        current = child
    return root


@pytest.mark.parametrize(
    ("payload", "path", "expected"),
    [
        ({"order": {"x": _deep(10_000)}}, "$.order.x" + "[0]" * 62, "nesting at most 64"),
        ({"items": [{"quantity": 10**5000}]}, "$.items[0].quantity", "integers of at most 40 digits"),
        ({"total": Decimal("1E+999999")}, "$.total", "numbers of at most 40 digits"),
        ({"note": "x" * 1_000_001}, "$.note", "strings of at most 1000000"),
        ({"items": [0] * 100_001}, "$.items", "arrays of at most 100000"),
    ],
)
def test_hostile_payloads_are_refused_with_a_path(payload, path, expected):
    """Each hostile shape raises LimitExceededError (a PayloadError) naming where it is, quickly."""
    started = time.monotonic()
    with pytest.raises(LimitExceededError) as caught:
        check_payload(payload)
    assert caught.value.path == path
    assert expected in caught.value.expected
    assert time.monotonic() - started < 2


def test_limits_are_configurable():
    """A pipeline with genuine large orders raises the bound; nonsense bounds are refused."""
    big = {"items": [0] * 200}
    with pytest.raises(LimitExceededError):
        check_payload(big, Limits(max_array_items=100))
    check_payload(big, Limits(max_array_items=1000))
    with pytest.raises(ConfigurationError):
        Limits(max_depth=0)
    assert DEFAULT_LIMITS.max_depth == 64


def test_normalize_applies_the_limits_before_any_adapter():
    """normalize() refuses a hostile payload with LimitExceededError, whatever adapter it names."""
    with pytest.raises(LimitExceededError):
        cartnorm.normalize({"x": _deep(1000)}, "trackstar")
    (rejection,) = cartnorm.normalize_many([{"x": _deep(1000)}], "trackstar")
    assert rejection.error == "LimitExceededError"


@given(arbitrary_json)
def test_fast_pass_never_accepts_what_the_careful_pass_refuses(payload):
    """The pathless fast walk and the careful walk agree: 'within' is never a false yes."""
    from cartnorm.limits import _locate, _within

    small = Limits(max_depth=4, max_number_digits=12, max_string_chars=8, max_array_items=3)
    for limits in (DEFAULT_LIMITS, small):
        if _within(payload, limits):
            _locate(payload, limits)  # must not raise
