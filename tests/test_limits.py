"""Hostile sizes are refused fast, with the path of the offending place; the limits are configurable."""

from __future__ import annotations

import copy
import time
from decimal import Decimal

import pytest
from hypothesis import given

import cartnorm
import cartnorm._json
from cartnorm.conformance import FIXTURE_OBSERVED_AT
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


def _objects(value: object) -> list[dict]:
    """Every JSON object in a payload, outermost first."""
    found: list[dict] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found += _objects(item)
    elif isinstance(value, list):
        for item in value:
            found += _objects(item)
    return found


@pytest.mark.parametrize(
    ("vendor", "fixture"),
    [
        ("gearment", "gearment/shipped_envelope_full_order"),
        ("gearment", "gearment/minimal_order_defaults_omitted"),
        ("medusa", "medusa/usd_partially_shipped"),
        ("medusa", "medusa/v2_shipped_fractional_amounts"),
    ],
)
def test_free_json_as_deep_as_the_limits_allow_reads_back_from_every_place(vendor, fixture):
    """
    An unknown field nested as deep as normalize accepts, in any object of a payload, ends up in
    additional_fields a few levels deeper; dumps then writes a document that loads reads back.
    """
    from conftest import FIXTURES

    payload = cartnorm._json.parse_json((FIXTURES / f"{fixture}.payload.json").read_bytes())
    for place in range(len(_objects(payload))):
        low, high = 0, DEFAULT_LIMITS.max_depth  # the deepest nesting accepted here, by bisection
        deepest = None
        while low <= high:
            levels = (low + high) // 2
            tried = copy.deepcopy(payload)
            _objects(tried)[place]["zz_unknown"] = _deep(levels)
            try:
                deepest = cartnorm.normalize(tried, vendor, observed_at=FIXTURE_OBSERVED_AT)
            except cartnorm.CartnormError:
                high = levels - 1
            else:
                low = levels + 1
        if deepest is not None:
            assert cartnorm.loads(cartnorm.dumps(deepest)) == deepest


@pytest.mark.parametrize(
    "fixture",
    [
        None,  # a payload no adapter claims
        "gearment/shipped_envelope_full_order",
        "medusa/usd_partially_shipped",
        "medusa/v2_shipped_fractional_amounts",
        "shopify/membi_hkd_orders_create_1054_discounts",
    ],
)
@pytest.mark.parametrize(
    "hostile",
    [_deep(1000), 10**5000, Decimal("1E+999999"), "x" * 1_000_001, [0] * 100_001],
    ids=["deep", "huge int", "huge exponent", "long string", "long array"],
)
def test_normalize_without_a_source_refuses_what_check_payload_refuses(fixture, hostile):
    """
    With source=None the adapter is detected first (cheaply); the payload is still refused over
    the limits with check_payload's path and words, whether an adapter claims it or none does.
    """
    from conftest import FIXTURES

    payload = (
        {"what": "no vendor's order"}
        if fixture is None
        else cartnorm._json.parse_json((FIXTURES / f"{fixture}.payload.json").read_bytes())
    )
    _objects(payload)[-1]["zz_hostile"] = hostile
    with pytest.raises(LimitExceededError) as expected:
        check_payload(payload)
    with pytest.raises(LimitExceededError) as caught:
        cartnorm.normalize(payload, observed_at=FIXTURE_OBSERVED_AT)
    assert (caught.value.path, caught.value.expected) == (expected.value.path, expected.value.expected)
