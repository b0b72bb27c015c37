"""The Medusa residue: `diff` computes exactly what `reference_diff` defines, keys and paths in the same order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cartnorm._json import parse_json
from cartnorm.adapters import medusa
from cartnorm.adapters.medusa import _layout
from cartnorm.adapters.medusa._from_canonical import regenerate
from cartnorm.adapters.medusa._reading import unwrap
from cartnorm.adapters.medusa._residue import diff, reference_diff
from cartnorm.errors import CartnormError
from strategies.medusa import medusa_payloads
from strategies.mutations import arbitrary_json, mutated

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "medusa"
PAYLOADS = [parse_json(path.read_bytes()) for path in sorted(FIXTURES.glob("*.payload.json"))]


class _Key(str):
    """A mapping key in the token stream of `tokens` (never confused with a value)."""


def tokens(value: Any) -> list[Any]:
    """
    ``value`` as a flat list of tokens that shows every order and type (dict equality ignores
    key order). A loop with its own stack: the values compared may be nested hundreds deep.
    """
    out: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Key:
            out.append(("key", str(item)))
        elif isinstance(item, Mapping):
            out.append((type(item).__name__, len(item)))
            for key, sub in reversed(list(item.items())):
                stack += [sub, _Key(key)]
        elif isinstance(item, (list, tuple)):
            out.append((type(item).__name__, len(item)))
            stack += reversed(item)
        elif isinstance(item, Decimal):
            out.append(("Decimal", str(item)))
        else:
            out.append((type(item).__name__, repr(item)))
    return out


def outcome(function: Any, *args: Any) -> Any:
    """The result as `tokens`, or the error's type and message."""
    try:
        return tokens(function(*args))
    except CartnormError as error:
        return type(error), str(error)


def assert_same_diff(payload: Mapping[str, Any], regenerated: Mapping[str, Any]) -> None:
    try:
        expected = outcome(reference_diff, payload, regenerated)
    except RecursionError:
        return  # nested deeper than Python recurses (cartnorm.etl rejects such records before this)
    assert outcome(diff, payload, regenerated) == expected


def _regenerated(payload: Any) -> tuple[Mapping[str, Any], dict[str, Any]] | None:
    """The order inside ``payload`` and its regeneration, or None when the payload does not convert."""
    try:
        order = medusa.to_canonical(payload, observed_at=OBSERVED)
    except (CartnormError, RecursionError):
        return None
    hints, _, _ = _layout.read_hints(order.additional_fields)
    inner, _, _, _ = unwrap(payload)
    return inner, regenerate(order, hints)


@given(medusa_payloads)
def test_diff_agrees_with_its_definition_on_payloads(payload):
    pair = _regenerated(payload)
    assert pair is not None
    assert_same_diff(*pair)


@given(st.data())
def test_diff_agrees_with_its_definition_on_damaged_payloads(data):
    pair = _regenerated(data.draw(mutated(PAYLOADS)))
    if pair is not None:
        assert_same_diff(*pair)


def _loosen(value: Any, draw: st.DrawFn) -> Any:
    """``value`` with some dicts turned into other mappings and some lists into tuples (foreign callers' data)."""
    if isinstance(value, dict):
        inner = {key: _loosen(item, draw) for key, item in value.items()}
        return MappingProxyType(inner) if draw(st.integers(0, 3)) == 0 else inner
    if isinstance(value, list):
        items = [_loosen(item, draw) for item in value]
        return tuple(items) if draw(st.integers(0, 3)) == 0 else items
    return value


@st.composite
def document_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two JSON objects that share most of their structure (the second is the first, damaged)."""
    first = draw(st.dictionaries(st.text(max_size=6), arbitrary_json, min_size=1, max_size=6))
    second = draw(mutated([first]))
    if not isinstance(second, dict):
        second = {"replaced": second}
    return first, second


@given(st.data())
def test_diff_agrees_with_its_definition_on_arbitrary_documents(data):
    first, second = data.draw(document_pairs())
    assert_same_diff(first, second)
    assert_same_diff(second, first)
    assert_same_diff(_loosen(first, data.draw), _loosen(second, data.draw))


def test_absent_keys_are_reported_with_their_paths_in_order():
    payload = {"a": {"x": 1}, "items": [{"id": "1"}, {"id": "2", "odd key": {}}]}
    regenerated = {"a": {"x": 1, "y": 2}, "items": [{"id": "1", "sku": None}, {"id": "2", "odd key": {"z": 0}}],
                   "total": 5}  # fmt: skip
    patch, absent, floats = diff(payload, regenerated)
    assert patch == {}
    assert absent == ["$.a.y", "$.items[0].sku", "$.items[1]['odd key'].z", "$.total"]
    assert not floats
    assert (patch, absent, floats) == reference_diff(payload, regenerated)


def test_floats_equal_to_the_regenerated_digits_need_no_patch_and_are_reported():
    """A json.loads float whose shortest text is the regenerated decimal is not stored twice; others are kept exact."""
    payload = {"total": 105.5760875, "tax": 0.1, "nested": {"rate": 8.875}, "same": 2}
    regenerated = {"total": Decimal("105.5760875"), "tax": Decimal("0.10"), "nested": {}, "same": 2}
    for function in (diff, reference_diff):
        patch, absent, floats = function(payload, regenerated)
        assert floats and absent == []
        assert patch == {"tax": Decimal("0.1"), "nested": {"rate": Decimal("8.875")}}
        assert all(type(value) is not float for value in (patch["tax"], patch["nested"]["rate"]))
    assert diff({"total": 1}, {"total": 1}).floats is False
