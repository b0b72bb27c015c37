"""The lossless engine keeps its laws: what a Reading records is remainder_of, and restore gives the payload back."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from cartnorm._json import encode_json
from cartnorm.lossless import (
    ESCAPED,
    OMITTED,
    Carried,
    Reading,
    apply,
    as_floats,
    copy_json,
    note_floats,
    owned_copy,
    patch_of,
    remainder_of,
    restore,
    same,
)
from strategies.canonical import json_values

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
