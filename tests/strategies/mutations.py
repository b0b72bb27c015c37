"""Strategies for hostile input: arbitrary JSON, and valid vendor payloads broken in one place."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**60),
    st.integers(max_value=-1),
    st.just(10**4000),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("1E+999"), Decimal("-0"), Decimal("0.1"), Decimal("1E-30")]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.sampled_from(["", " ", "usd", "XXX", "2024-13-40T99:99:99Z", "NaN", "1e309", "-1", "\u0000", "💥" * 50]),
)
arbitrary_json: st.SearchStrategy[Any] = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)


def _deep(levels: int) -> Any:
    value: Any = {}
    for _ in range(levels):
        value = {"x": [value]}
    return value


replacements = st.one_of(
    hostile_scalars,
    st.lists(hostile_scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), hostile_scalars, max_size=3),
    st.sampled_from([_deep(40), _deep(400), [{}] * 1000]),
)


def _locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _locations(item, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, payloads: list[Any]) -> Any:
    """One of ``payloads`` with one to three places dropped, replaced, duplicated or emptied."""
    payload = copy.deepcopy(draw(st.sampled_from(payloads)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = _locations(payload)
        where = draw(st.sampled_from(places))
        if not where:
            return draw(replacements)
        parent = payload
        for part in where[:-1]:
            parent = parent[part]
        key = where[-1]
        action = draw(st.sampled_from(["drop", "replace", "replace", "empty", "duplicate"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(replacements)
        elif action == "empty":
            parent[key] = type(parent[key])() if isinstance(parent[key], (dict, list, str)) else None
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[f"{key}_copy"] = copy.deepcopy(parent[key])
    return payload
