"""The Medusa adapter's shortcuts give what the plain definitions they stand for give."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cartnorm.adapters.medusa._reading import _has_big_number

keys = st.one_of(
    st.text(max_size=8),
    st.text(max_size=6).map(lambda rest: "raw_" + rest),
    st.text(max_size=6).map(lambda rest: rest + "\0raw_"),
    st.integers(),
)
values = st.one_of(st.none(), st.integers(), st.text(max_size=4), st.just({"value": "1", "precision": 20}),
                   st.dictionaries(st.text(max_size=6), st.none(), max_size=2))  # fmt: skip


def has_big_number_plainly(item: Any) -> bool:
    """A BigNumber: a ``raw_…`` key holding an object with a ``value``."""
    return isinstance(item, Mapping) and any(
        isinstance(key, str) and key.startswith("raw_") and isinstance(value, Mapping) and "value" in value
        for key, value in item.items()
    )


@given(st.dictionaries(keys, values, max_size=8) | st.lists(st.none()) | st.none())
def test_big_number_detection_agrees_with_its_definition(item):
    assert _has_big_number(item) is has_big_number_plainly(item)
