"""The Medusa adapter's shortcuts give what the plain definitions they stand for give."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cartnorm
from cartnorm._datetime import parse_rfc3339
from cartnorm._json import encode_json, parse_json
from cartnorm.adapters import medusa
from cartnorm.adapters.medusa._reading import _has_big_number, optional_datetime
from cartnorm.errors import PayloadError
from cartnorm.reading import Unreadable, parse_text
from conftest import FIXTURES
from strategies.medusa import medusa_datetime, moments
from strategies.mutations import mutated

OBSERVED = datetime(2026, 1, 1, tzinfo=timezone.utc)

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


def _parsed(function: Any, *args: Any) -> Any:
    try:
        value = function(*args)
    except PayloadError as error:
        return str(error)
    return None if value is None else (value, value.tzinfo, value.fold)


medusa_shaped = st.builds(
    "{}-{}-{}T{}:{}:{}.{}Z".format,
    *(st.integers(0, 10**width - 1).map(lambda n, width=width: str(n).zfill(width)) for width in (4, 2, 2, 2, 2, 2, 3)),
)


#: Medusa's form from real moments (years 1..9999 too), random digits of that shape (dates that do
#: not exist: errors), other offsets, anything else.
datetime_texts = st.one_of(
    moments.map(medusa_datetime),
    st.datetimes(timezones=st.just(timezone.utc)).map(
        lambda moment: moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ),
    medusa_shaped,
    medusa_shaped.map(lambda text: text.replace("Z", "+00:00")),
    st.text(max_size=30),
    st.none(),
    st.integers(),
)


@given(datetime_texts)
def test_medusa_datetimes_parse_as_rfc3339_does(text):
    """optional_datetime parses without a path and builds it only for an error: the same value or error."""
    expected = None if text is None else _parsed(parse_rfc3339, text, "$.x.at")
    assert _parsed(optional_datetime, {"at": text}, "at", "$.x") == expected


_PAYLOAD_TEXTS = sorted((FIXTURES / "medusa").glob("*.payload.json")) + sorted(
    (FIXTURES / "medusa-live").rglob("*.json")
)


@st.composite
def records(draw: st.DrawFn) -> Any:
    """A Medusa payload, perhaps broken, as the command line's reader gives it (exact numbers, no floats)."""
    payload = draw(mutated([parse_json(draw(st.sampled_from(_PAYLOAD_TEXTS)).read_bytes())]))
    try:
        return parse_text(encode_json(payload), None)
    except (ValueError, Unreadable, RecursionError):  # not JSON text (NaN), no record the reader gives, or
        assume(False)  # nesting the writer cannot reach from this stack (it depends on the depth: not data)


@settings(max_examples=60)
@given(records())
def test_reading_a_payload_in_place_gives_what_reading_it_as_sent_gives(payload):
    """
    ``owned=True`` (the command line's records, read in place) and the plain read (payload never
    modified) give the same order, or the same error, and the order gives the payload back.
    """

    def outcome(given: Any, **options: Any) -> tuple[Any, Any]:
        try:
            order = medusa.convert(given, observed_at=OBSERVED, limits=None, **options).order
        except cartnorm.CartnormError as error:
            return (type(error).__name__, str(error)), None
        return cartnorm.dumps(order), order

    kept = copy.deepcopy(payload)
    plain, order = outcome(payload)
    assert payload == kept  # the plain read never changes the payload
    assert outcome(copy.deepcopy(payload), owned=True)[0] == plain
    if order is not None:
        assert medusa.from_canonical(order) == kept
