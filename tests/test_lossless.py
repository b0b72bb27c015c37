"""The lossless engine keeps its laws: what a Reading records is remainder_of, and restore gives the payload back."""

from __future__ import annotations

import copy
import enum
from collections import OrderedDict
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cartnorm import _json, lossless
from cartnorm._json import encode_json
from cartnorm.errors import LimitExceededError
from cartnorm.limits import DEFAULT_LIMITS, Limits, check_payload
from cartnorm.lossless import (
    ESCAPED,
    OMITTED,
    Carried,
    Reading,
    apply,
    as_floats,
    check_within,
    copy_json,
    note_floats,
    owned_copy,
    patch_of,
    remainder_of,
    restore,
    same,
)
from strategies.canonical import json_values
from strategies.mutations import arbitrary_json

#: Keys that collide with the marker now and then.
keys = st.sampled_from(["a", "b", "c", "_omitted", "_escaped", "__omitted", "omitted"]) | st.text(max_size=4)
numbers = st.integers(-(10**6), 10**6) | st.decimals(allow_nan=False, allow_infinity=False, places=3)
values = json_values | numbers | st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def sent_and_written(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """An object and what a reverse mapping writes for it: some keys the same, some changed, some new."""
    sent = draw(st.dictionaries(keys, values, max_size=6))
    written: dict[str, Any] = {}
    for key in draw(st.lists(keys, unique=True, max_size=6)):
        same_value = key in sent and draw(st.booleans())
        written[key] = copy.deepcopy(sent[key]) if same_value else draw(values)
    return sent, written


def _text(value: Any) -> str:
    """JSON text with keys sorted, floats as their exact decimals: what `same` compares."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{encode_json(key)}:{_text(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_text, value)) + "]"
    return encode_json(copy_json(value))


@given(values, values)
@example(1, True)
@example(Decimal("1.50"), Decimal("1.5"))
@example(1, Decimal(1))
@example(0.1, Decimal("0.1"))
@example({"a": 1, "b": 2}, {"b": 2, "a": 1})
def test_same_is_equal_json_text(left, right):
    """same(a, b) holds exactly when cartnorm writes a and b as the same JSON text (key order aside)."""
    assert same(left, right) == (_text(left) == _text(right))
    assert same(left, left)


@given(sent_and_written())
def test_restore_gives_the_object_back(pair):
    """restore(written, remainder_of(sent, written)) is sent: the same text, and == too."""
    sent, written = pair
    rebuilt = restore(written, remainder_of(sent, written))
    assert same(rebuilt, sent)
    assert _text(rebuilt) == _text(sent)


@given(sent_and_written(), st.booleans(), st.booleans())
def test_a_reading_records_remainder_of(pair, owned, with_verdicts):
    """A mapping that says what the reverse writes gets remainder_of, key order included, owned or not."""
    sent, written = pair
    before = copy.deepcopy(sent)
    reading = Reading(copy.deepcopy(sent) if owned else sent, owned=owned)
    for key, value in written.items():
        if with_verdicts:
            reading.rewrites(key, key in sent and same(sent[key], value))
        else:
            reading.writes(key, value)
    rest, expected = reading.remainder(), remainder_of(before, written)
    assert list(rest) == list(expected) and same(rest, expected)  # owned: the adapter's floats stay its own
    if not owned:
        assert sent == before  # the payload is never changed


def test_take_is_writing_back_what_was_sent():
    reading = Reading({"id": "1", "note": "x"})
    assert reading.take("id") == "1" and reading.take("missing") is None
    assert reading.remainder() == {"note": "x"}


def test_the_marker_never_mistakes_a_payload_key():
    """A payload's own _omitted and _escaped survive, kept under _escaped in the remainder."""
    sent = {"_omitted": ["id"], "_escaped": 1, "__omitted": 2, "id": "1"}
    rest = remainder_of(sent, {"id": "1", "total": "5"})
    assert rest == {"__omitted": 2, ESCAPED: {"_omitted": ["id"], "_escaped": 1}, OMITTED: ["total"]}
    assert restore({"id": "1", "total": "5"}, rest) == sent
    reading = Reading(dict(sent), owned=True)
    reading.take("id")
    reading.writes("total", "5")
    assert reading.remainder() == rest


def _order() -> dict[str, Any]:
    return {
        "id": "o1",
        "lines": [{"sku": "a", "qty": 1, "title": "A"}, {"sku": "b", "qty": 2}],
        "ship_to": {"city": "Paris", "zip": "75001"},
        "empty": {},
        "note": "n",
    }


def test_parts_nest_their_remainders_and_the_reverse_reads_them_back():
    """Parts keep their own remainders under their keys; Carried hands each to the reverse."""
    order = Reading(_order(), path="$.data")
    order.take("id")
    lines = order.parts("lines")
    assert lines is not None and [line.path for line in lines] == ["$.data.lines[0]", "$.data.lines[1]"]
    for line in lines:
        line.take("sku")
        line.take("qty")
        line.writes("price", "1.00")
    ship_to = order.part("ship_to")
    assert ship_to is not None and ship_to.at("city") == "$.data.ship_to.city"
    ship_to.take("city")
    assert order.part("empty", keep=True) is not None
    assert order.part("note") is None  # not an object: carried
    rest = order.remainder()
    assert rest == {
        "lines": [{"title": "A", OMITTED: ["price"]}, {OMITTED: ["price"]}],
        "ship_to": {"zip": "75001"},
        "empty": {},
        "note": "n",
    }
    carried = Carried(rest)
    written_lines = [{"sku": "a", "qty": 1, "price": "1.00"}, {"sku": "b", "qty": 2, "price": "1.00"}]
    parts = carried.parts("lines")
    assert parts is not None
    out = {
        "id": "o1",
        "lines": [part.restore(line) for part, line in zip(parts, written_lines, strict=True)],
        "ship_to": carried.part("ship_to").restore({"city": "Paris"}),
        "empty": carried.part("empty").restore({}),
    }
    assert carried.restore(out) == _order()


def test_parts_left_out_when_the_canonical_order_gives_them_back():
    """All-empty remainders of a list are not kept (the reverse writes the items again), unless keep=True."""
    for keep, expected in ((False, {}), (True, {"lines": [{}, {}]})):
        order = Reading(copy.deepcopy(_order()))
        for line in order.parts("lines", keep=keep) or []:
            for key in list(line.value):
                line.take(key)
        for key in ("id", "ship_to", "empty", "note"):
            order.take(key)
        assert order.remainder() == expected


def test_carried_is_lenient_about_what_it_is_given():
    """Junk where a remainder belongs counts as nothing: the reverse writes what the canonical order says."""
    for junk in (None, 5, "x", [1], {"_omitted": "not a list", "lines": "not a list"}):
        carried = Carried(junk)
        assert carried.parts("lines") is None
        assert carried.part("ship_to").restore({"city": "Paris"}) == {"city": "Paris"}


# The patch spelling: Reading.wrote / Reading.patch, patch_of, apply.

objects = st.dictionaries(keys, values, max_size=4)
nested = st.recursive(
    values | objects,
    lambda inner: st.dictionaries(keys, inner, max_size=3) | st.lists(objects, max_size=3),
    max_leaves=6,
)


@st.composite
def sent_and_written_nested(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """An object and what a reverse writes for it, objects and lists of objects inside, often alike."""
    sent = draw(st.dictionaries(keys, nested, max_size=6))

    def like(value: Any) -> Any:
        if isinstance(value, dict) and draw(st.booleans()):
            written = {key: like(item) for key, item in value.items() if draw(st.integers(0, 4))}
            written.update(draw(st.dictionaries(keys, values, max_size=2)))
            return written
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value) and draw(st.booleans()):
            return [like(item) for item in value]
        return copy.deepcopy(value) if draw(st.booleans()) else draw(nested)

    written = {key: like(item) for key, item in sent.items() if draw(st.integers(0, 4))}
    written.update(draw(st.dictionaries(keys, nested, max_size=3)))
    return sent, written


@given(sent_and_written_nested())
def test_apply_gives_the_object_back(pair):
    """apply(written, *patch_of(sent, written)) is sent: the same text, and == too."""
    sent, written = pair
    rebuilt = apply(copy.deepcopy(written), *patch_of(sent, written))
    assert _text(rebuilt) == _text(sent)


@given(sent_and_written_nested(), st.booleans())
def test_a_reading_told_what_is_written_records_patch_of(pair, owned):
    """Reading.wrote + Reading.patch give patch_of: the same keys in the same order, the same absent paths."""
    sent, written = pair
    before = copy.deepcopy(sent)
    reading = Reading(owned_copy(sent)[0] if owned else sent, owned=owned)
    reading.wrote(written)
    absent: list[str] = []
    patch = reading.patch(absent)
    expected, expected_absent = patch_of(before, written)
    assert absent == expected_absent
    assert _tokens(patch) == _tokens(expected)
    if not owned:
        assert sent == before  # the payload is never changed


def _tokens(value: Any) -> Any:
    """``value`` with its key order and types visible (dict equality ignores order, 1 == 1.0 == True)."""
    if isinstance(value, dict):
        return [(key, _tokens(item)) for key, item in value.items()]
    if isinstance(value, list):
        return ["list", *map(_tokens, value)]
    return type(value).__name__, str(copy_json(value))


def test_absent_keys_are_reported_with_their_paths_in_order():
    """Depth first in the payload's key order, each object's own keys after its parts', as written."""
    sent = {"items": [{"id": "1"}, {"id": "2", "odd key": {}}], "a": {"x": 1}}
    written = {"a": {"x": 1, "y": 2}, "items": [{"id": "1", "sku": None}, {"id": "2", "odd key": {"z": 0}}],
               "total": 5}  # fmt: skip
    expected = ["$.items[0].sku", "$.items[1]['odd key'].z", "$.a.y", "$.total"]
    assert patch_of(sent, written) == ({}, expected)
    reading = Reading(copy.deepcopy(sent), owned=True)
    reading.wrote(written)
    absent: list[str] = []
    assert reading.patch(absent) == {}
    assert absent == expected
    assert apply(written, {}, absent) == sent


def test_a_patch_keeps_what_differs_inside_objects_and_lists_of_as_many_objects():
    sent = {"id": "1", "ship_to": {"city": "Paris", "zip": "75001"}, "lines": [{"sku": "a"}, {"sku": "b", "n": 1}],
            "tags": [{"t": 1}], "total": Decimal("1.50")}  # fmt: skip
    written = {"id": "1", "ship_to": {"city": "Lyon"}, "lines": [{"sku": "a"}, {"sku": "b"}], "tags": [],
               "total": Decimal("1.5")}  # fmt: skip
    patch = {"ship_to": {"city": "Paris", "zip": "75001"}, "lines": [{}, {"n": 1}], "tags": [{"t": 1}],
             "total": Decimal("1.50")}  # fmt: skip
    assert patch_of(sent, written) == (patch, [])
    reading = Reading(sent)
    reading.wrote(written)
    assert reading.patch([]) == patch
    assert apply(copy.deepcopy(written), patch, []) == sent


def test_apply_is_lenient_about_paths_it_did_not_write():
    written = {"items": [{"id": "1"}], "total": 5}
    assert apply(written, {}, ["$.items[3].id", "$.nowhere.x", "not a path", 7, "$.total"]) == {"items": [{"id": "1"}]}


#: JSON as ``json.loads`` gives it: floats where the text had a fraction or an exponent, never a Decimal.
loaded = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4) | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(map(_has_float, value.values()))
    if isinstance(value, list):
        return any(map(_has_float, value))
    return type(value) is float


@given(loaded)
@example({"rate": 0.06, "lat": 52.20149319999999, "subtotal": 195.66, "id": 450789469})
def test_floats_noted_copied_exactly_and_given_back_as_the_same_floats(value):
    """note_floats copies json.loads output with exact Decimals and says it held floats; as_floats undoes it, =="""
    copied, floats = note_floats(value)
    assert floats == _has_float(value)
    assert not _has_float(copied)
    assert same(copied, value)
    back = as_floats(copied)
    assert back == value
    assert _text(back) == _text(value)  # 1.0 stays the float 1.0, never the int 1


class _Text(str):
    """A str subclass: not plain JSON, whatever it holds."""


class _Colour(enum.Enum):
    RED = "red"


def _cyclic() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


#: Values that are not plain JSON (some of which orjson writes natively), for owned_copy to refuse to vouch for.
unusual = st.sampled_from(
    [(1, "x"), _Text("t"), _Colour.RED, datetime(2026, 1, 1, tzinfo=timezone.utc), {1: "x"}, OrderedDict(a=1),
     Decimal("NaN"), float("nan"), float("-inf"), -0.0, 5e-324, 1e300, 1.5e16, 2**64 - 1, 2**64, 2**131, 2**133]
)  # fmt: skip
#: Limits orjson can answer for and limits it cannot (too few digits for 64 bits, deeper than it nests).
owned_limits = st.sampled_from(
    [DEFAULT_LIMITS, Limits(max_depth=3), Limits(max_number_digits=20), Limits(max_number_digits=19),
     Limits(max_array_items=3, max_nodes=12), Limits(max_string_chars=8), Limits(max_depth=254),
     Limits(max_depth=255), Limits(max_number_digits=16)]
)  # fmt: skip


@given(st.recursive(arbitrary_json | unusual, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8), owned_limits)  # fmt: skip
@example([_cyclic()], DEFAULT_LIMITS)
@example({"a": "x" * 9}, Limits(max_string_chars=8))
@example({"a": [1, 2, 3, 4]}, Limits(max_array_items=3, max_nodes=12))
@example([[1, 2, 3], [1, 2, 3], [1, 2, 3]], Limits(max_array_items=3, max_nodes=12))
@example({"a": [[["deep"]]]}, Limits(max_depth=3))
@example({"a": 2**64}, Limits(max_number_digits=19))
@example({"a": (1.5, float("nan"))}, DEFAULT_LIMITS)  # orjson writes a tuple, and NaN as null: the walk looks
@example({"a": [{"b": 0.1}, -0.0, 0.0, 0.1]}, DEFAULT_LIMITS)
def test_owned_copy_bounds_as_check_payload_and_copies_as_note_floats(payload, limits):
    """
    Within the limits: note_floats' copy (types, texts, key order) and answer; beyond: check_payload's
    error. check_within, the same bound without the copy, gives the same verdicts.
    """
    try:
        check_payload(payload, limits)
    except LimitExceededError as error:
        expected: Any = (error.path, error.value, error.expected)
    else:
        expected = None
    try:
        copied, floats = owned_copy(payload, limits)
    except LimitExceededError as error:
        assert (error.path, error.value, error.expected) == expected
    else:
        assert expected is None
        reference, reference_floats = note_floats(payload)
        assert floats == reference_floats
        assert _tokens(copied) == _tokens(reference)
    try:
        check_within(payload, limits)
    except LimitExceededError as error:
        assert (error.path, error.value, error.expected) == expected
    else:
        assert expected is None


def test_owned_copy_vouches_for_a_plain_payload_in_one_walk(monkeypatch):
    """A json.loads payload within the limits is bounded by orjson and copied once: the careful walks never run."""
    if _json.within_written({}, DEFAULT_LIMITS) is None:
        pytest.skip("orjson is not installed: the Python walk bounds every value")
    monkeypatch.setattr(lossless, "check_payload", _never)
    monkeypatch.setattr(lossless._Owner, "dict_", _never)
    monkeypatch.setattr(lossless._Owner, "list_", _never)
    payload = {"id": "o_1", "rate": 8.875, "tax": -0.0, "lines": [{"n": 2**63, "note": "é"}, [None, True]]}
    copied, floats = owned_copy(payload, DEFAULT_LIMITS)
    assert floats and copied == {"id": "o_1", "rate": Decimal("8.875"), "tax": Decimal("-0.0"),
                                 "lines": [{"n": 2**63, "note": "é"}, [None, True]]}  # fmt: skip
    assert str(copied["tax"]) == "-0.0" and copied["lines"] is not payload["lines"]
    check_within(payload, DEFAULT_LIMITS)  # the same, without the copy


def _never(*_args: Any) -> None:
    raise AssertionError("the careful walk ran")


def test_wrote_is_the_one_call_on_its_reading():
    """A reading told piecemeal (take, part …) or told twice refuses wrote: the patch would drop what it was told."""
    for owned in (False, True):
        told = Reading({"a": 1, "b": {"c": 2}}, owned=owned)
        told.take("a")
        with pytest.raises(ValueError, match="one call"):
            told.wrote({"a": 1})
        twice = Reading({"a": 1}, owned=owned)
        twice.wrote({"a": 1})
        with pytest.raises(ValueError, match="one call"):
            twice.wrote({"a": 1})


@given(sent_and_written_nested(), st.booleans())
def test_a_part_told_with_wrote_is_patched_under_its_key(pair, owned):
    """part(key).wrote(written) beside a take: the part's patch_of under its key, its absent paths below it."""
    sent, written = pair
    payload = {"id": "o_1", "part": sent}
    before = copy.deepcopy(payload)
    reading = Reading(owned_copy(payload)[0] if owned else payload, owned=owned)
    reading.take("id")
    part = reading.part("part")
    assert part is not None
    part.wrote(written)
    absent: list[str] = []
    patch = reading.patch(absent)
    expected, expected_absent = patch_of(before["part"], written)
    assert _tokens(patch) == _tokens({"part": expected} if expected else {})
    assert absent == [path.replace("$", "$.part", 1) for path in expected_absent]
