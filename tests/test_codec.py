"""The canonical codec: round trips, exact money, determinism and errors that name the place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartnorm
from cartnorm import OrderStatus, PayloadError, _fastdump
from cartnorm._json import encode_json, encode_json_python
from strategies.canonical import cart_orders, money


@given(cart_orders())
def test_text_round_trip(order):
    """loads(dumps(o)) == o for every canonical order."""
    assert cartnorm.loads(cartnorm.dumps(order)) == order


@given(cart_orders())
def test_dict_round_trip(order):
    """from_trackstar(to_trackstar(o)) == o, and the dict conforms to Trackstar's schema."""
    document = cartnorm.to_trackstar(order)
    assert cartnorm.from_trackstar(document) == order
    assert cartnorm.validate_trackstar(document) == []


@given(cart_orders())
def test_dumps_is_valid_json_in_schema_order(order):
    """The text parses with the standard library, keys in schema order, and is stable."""
    text = cartnorm.dumps(order)
    parsed = json.loads(text, parse_float=Decimal)
    assert list(parsed) == [field.name for field in cartnorm.CartOrder.__attrs_attrs__]
    assert cartnorm.dumps(cartnorm.loads(text)) == text


@given(cart_orders())
def test_fast_dumps_writes_the_same_bytes_as_the_generic_encoder(order):
    """dumps' generated encoder and encode_json(to_trackstar(o)) agree byte for byte."""
    assert cartnorm.dumps(order) == encode_json(cartnorm.to_trackstar(order))


_AWKWARD_TEXTS = st.sampled_from(["\ud800", "a\udfffb", '\x00\x1f"\\', "é\u2028", "\U0001f600"]) | st.text(max_size=4)


@given(cart_orders(), st.data())
def test_dumps_by_orjson_writes_the_pure_python_writers_bytes(order, data):
    """The orjson layout and the pure-Python writer agree, also where orjson refuses and hands over."""
    changes = {}
    if data.draw(st.booleans()):
        changes["raw_status"] = data.draw(_AWKWARD_TEXTS)  # lone surrogates: orjson refuses them
    if order.line_items and data.draw(st.booleans()):
        quantity = data.draw(st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**30]))  # beyond 64 bits: refused
        changes["line_items"] = (attrs.evolve(order.line_items[0], quantity=quantity), *order.line_items[1:])
    if data.draw(st.booleans()):
        changes["additional_fields"] = {"x": data.draw(json_trees), "deep": _nested(data.draw(st.integers(0, 300)))}
    order = attrs.evolve(order, **changes)
    written = _fastdump.dump_order(order)
    assert written == _fastdump.dump_order_python(order) == encode_json(cartnorm.to_trackstar(order))


def _nested(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


def test_dumps_remembers_a_date_time_by_the_object_only(sample_order):
    """Orders stamped with one observed_at share its text; another instant is written anew."""
    first = cartnorm.from_trackstar(sample_order)
    later = attrs.evolve(first, trackstar_created_date=first.trackstar_created_date + timedelta(seconds=1))
    for order in (first, later, first, later):
        assert cartnorm.dumps(order) == _fastdump.dump_order_python(order)
    assert '"trackstar_created_date":"2024-09-23T08:00:02.5Z"' in cartnorm.dumps(later)


@given(cart_orders())
def test_indented_output_is_the_same_json(order):
    """Pretty output holds the same document as compact output."""
    assert json.loads(cartnorm.dumps(order, indent=2)) == json.loads(cartnorm.dumps(order))


def test_money_is_written_exactly(sample_order):
    """0.1 + 0.2 style amounts survive as written; the float classic never appears."""
    order = cartnorm.from_trackstar({**sample_order, "total_price": 0.3, "total_tax": Decimal("0.30000000000000004")})
    text = cartnorm.dumps(order)
    assert '"total_price":0.3,' in text
    assert '"total_tax":0.30000000000000004,' in text
    assert order.total_price == Decimal("0.3")


def test_dates_are_written_in_utc_with_z(sample_order):
    """Offsets are converted to UTC; fractions keep their precision without trailing zeros."""
    order = cartnorm.from_trackstar({**sample_order, "created_date": "2024-09-22T16:55:44.940+02:00"})
    assert cartnorm.to_trackstar(order)["created_date"] == "2024-09-22T14:55:44.94Z"


def test_output_is_byte_identical_across_hash_seeds(sample_order):
    """Determinism: the same input gives the same bytes in fresh processes with different hash seeds."""
    script = "import sys, json, cartnorm; print(cartnorm.dumps(cartnorm.loads(sys.stdin.read())))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=cartnorm.dumps(cartnorm.from_trackstar(sample_order)),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1


def test_to_trackstar_copies_free_json(sample_order):
    """Mutating the returned dict never reaches into the (frozen) order."""
    order = cartnorm.from_trackstar(sample_order)
    document = cartnorm.to_trackstar(order)
    document["additional_fields"]["vendor"]["nested"].append("mutated")
    assert "mutated" not in order.additional_fields["vendor"]["nested"]


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        ({"id": 5}, "$.id", "a string"),
        ({"status": "shipped"}, "$.status", 'one of "open"'),
        ({"total_price": True}, "$.total_price", "a finite number"),
        ({"total_price": float("nan")}, "$.total_price", "a finite number"),
        ({"line_items": {"0": {}}}, "$.line_items", "an array"),
        ({"ship_to_address": "1 Loop Rd"}, "$.ship_to_address", "an object"),
        ({"tags": "vip"}, "$.tags", "an array"),
        ({"created_date": "2024-02-30T00:00:00Z"}, "$.created_date", "exists in the calendar"),
        ({"created_date": "2024-09-22 14:55:44Z"}, "$.created_date", "RFC 3339"),
        ({"created_date": "2024-09-22T14:55:44.1234567Z"}, "$.created_date", "microsecond precision"),
        ({"additional_fields": {"a": [{"b": float("inf")}]}}, "$.additional_fields.a[0].b", "a finite number"),
        ({"additional_fields": {"a": {1: "x"}}}, "$.additional_fields.a", "string object keys"),
        ({"trackstar_tags": "tag"}, "$.trackstar_tags", "an array"),
    ],
)
def test_bad_values_name_their_path(sample_order, change, path, expected):
    """Each rejected value raises PayloadError carrying the path, the value and what was expected."""
    with pytest.raises(PayloadError) as caught:
        cartnorm.from_trackstar({**sample_order, **change})
    assert caught.value.path == path
    assert expected in caught.value.expected
    assert path in str(caught.value)


def test_every_problem_is_listed(sample_order):
    """The first problem is raised; .errors holds all of them, in document order."""
    bad = {**sample_order, "id": 1, "status": "nope"}
    del bad["raw_status"]
    with pytest.raises(PayloadError) as caught:
        cartnorm.from_trackstar(bad)
    assert [error.path for error in caught.value.errors] == ["$.id", "$.status", "$.raw_status"]


def test_integral_numbers_are_integers(sample_order):
    """JSON Schema counts 2.0 as an integer, so a quantity of 2.0 is read as 2."""
    line = {**sample_order["line_items"][0], "quantity": 2.0}
    order = cartnorm.from_trackstar({**sample_order, "line_items": [line]})
    assert order.line_items[0].quantity == 2


def test_loads_rejects_bad_text():
    """Broken JSON, NaN and oversized numbers are PayloadErrors at $, not crashes."""
    for text in ("{", '{"a": NaN}', "1" * 5000, '{"a": 1e999999}'):
        with pytest.raises(PayloadError) as caught:
            cartnorm.loads(text)
        assert caught.value.path == "$"


def test_model_refuses_naive_datetimes_and_floats(sample_order):
    """The model itself guards its invariants for orders built by hand."""
    order = cartnorm.from_trackstar(sample_order)
    with pytest.raises(ValueError, match="timezone-aware"):
        order.__class__(**{**_fields(order), "created_date": order.created_date.replace(tzinfo=None)})
    with pytest.raises(TypeError, match="finite decimal"):
        order.__class__(**{**_fields(order), "total_price": 1.5})
    with pytest.raises(TypeError, match="list or tuple"):
        order.__class__(**{**_fields(order), "tags": "vip"})


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("id", None, "id must be a str"),
        ("carrier_name", 7, "carrier_name must be a str or None"),
        ("created_date", "2026-01-01T00:00:00Z", "created_date must be a datetime"),
        ("status", "open", "status must be a OrderStatus"),
        ("ship_to_address", {}, "ship_to_address must be a ShipToAddress"),
        ("line_items", [{"sku": "x"}], "line_items must be a tuple of LineItem"),
    ],
)
def test_model_refuses_wrong_types_by_field_name(sample_order, field, bad, message):
    """Each field's validator names the field and what it must be."""
    order = cartnorm.from_trackstar(sample_order)
    with pytest.raises(TypeError, match=message):
        order.__class__(**{**_fields(order), field: bad})


def test_status_enum_values_match_schema():
    """OrderStatus lists exactly the schema's status values, in the schema's order."""
    schema = cartnorm.schema.trackstar_schema()
    assert [s.value for s in OrderStatus] == schema["$defs"]["CartOrderApiItemSchema"]["properties"]["status"]["enum"]


def _fields(order):
    return {field.name: getattr(order, field.name) for field in order.__attrs_attrs__}


json_trees = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | money() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_trees)
def test_orjson_backend_writes_the_same_bytes(value):
    """With orjson installed, encode_json gives exactly the pure-Python writer's text."""
    assert encode_json(value) == encode_json_python(value)


@given(st.text())
def test_any_string_can_be_written_as_utf8_and_read_back(text):
    """Lone surrogates are escaped, so output always encodes as UTF-8 and parses back equal."""
    written = encode_json({"s": text})
    written.encode("utf-8")
    assert json.loads(written) == {"s": text}
