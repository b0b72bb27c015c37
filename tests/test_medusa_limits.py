"""
The Medusa adapter checks `cartnorm.Limits` while it copies the payload (`Adapter.checks_limits`):
it must give exactly the verdicts, and the errors, of the separate pre-check it replaces.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import cartnorm
from cartnorm._json import parse_json
from cartnorm.adapters import medusa
from cartnorm.errors import CartnormError, LimitExceededError
from cartnorm.limits import Limits, check_payload
from strategies.mutations import mutated

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medusa"
TEXTS = [path.read_bytes() for path in sorted(FIXTURES.glob("*.payload.json"))]

#: Limits that bite on real Medusa orders now and then (they nest about eight deep).
biting_limits = st.builds(
    Limits,
    max_depth=st.integers(min_value=4, max_value=12),
    max_number_digits=st.integers(min_value=8, max_value=45),
    max_string_chars=st.integers(min_value=20, max_value=120),
    max_array_items=st.integers(min_value=1, max_value=8),
    max_nodes=st.integers(min_value=100, max_value=3000),
)


@st.composite
def payloads(draw: st.DrawFn) -> Any:
    """A real Medusa payload (parsed exactly or by json.loads), perhaps broken, perhaps with a hostile value."""
    text = draw(st.sampled_from(TEXTS))
    payload = parse_json(text) if draw(st.booleans()) else json.loads(text)
    payload = draw(mutated([payload]))
    if isinstance(payload, dict) and payload and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(payload)))
        payload[key] = draw(
            st.one_of(
                st.integers(min_value=10, max_value=200).map(lambda n: "s" * n),
                st.integers(min_value=8, max_value=48).map(lambda digits: 10**digits),
                st.just(1e300),
                st.just("text with a lone \udc00 surrogate"),
            )
        )
    return payload


def _outcome(payload: Any, limits: Limits | None) -> tuple[Any, ...]:
    try:
        order = medusa.convert(copy.deepcopy(payload), observed_at=OBSERVED, limits=limits).order
    except CartnormError as error:  # the message, not the value's repr: a float read from the copy is its Decimal
        return type(error).__name__, error.path, str(error)[:300], error.expected
    return ("order", cartnorm.dumps(order))


@settings(max_examples=150)
@given(payloads(), biting_limits | st.just(Limits()))
def test_checking_while_copying_gives_the_pre_checks_verdicts_and_errors(payload, limits):
    try:
        check_payload(payload, limits)
    except LimitExceededError as error:
        expected = (type(error).__name__, error.path, str(error)[:300], error.expected)
    else:
        expected = _outcome(payload, None)
    assert _outcome(payload, limits) == expected


def test_normalize_lets_the_adapter_check_and_still_refuses_with_the_path():
    payload = parse_json(TEXTS[0])
    payload["order" if "order" in payload else "id"] = "s" * 2_000_000
    try:
        cartnorm.normalize(payload, "medusa")
    except LimitExceededError as error:
        assert error.path in ("$.order", "$.id")
    else:
        raise AssertionError("a 2 MB string passed the default limits")
    assert medusa.ADAPTER.checks_limits
