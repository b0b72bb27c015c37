"""cartnorm.read_records: every layout reads back, a bad record costs itself only, checks equal check_payload's."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import cartnorm

try:
    import orjson
except ImportError:  # the walk answers alone
    orjson = None
from cartnorm._json import encode_json
from cartnorm._paths import ROOT, child
from cartnorm.errors import LimitExceededError
from cartnorm.limits import DEFAULT_LIMITS, Limits, check_payload
from cartnorm.reading import Unreadable, _written_quotes, parse_text
from conftest import FIXTURES
from strategies.mutations import arbitrary_json

SAMPLES = (FIXTURES / "samples" / "orders.jsonl").read_bytes()
SMALL = Limits(max_depth=4, max_number_digits=12, max_string_chars=8, max_array_items=3)
# Bounds few generated values reach, with texts longer than the smallest of them: the reader's
# path for long records (sizes walked by check_payload's fast pass, then strings counted).
LONG_TEXTS = Limits(max_array_items=10)
# Shallow, with numbers as long as a 64-bit integer: the depth and numbers are orjson's to check
# (when installed), which writes the record inside as many arrays as leave it max_depth levels.
SHALLOW = Limits(max_depth=2, max_number_digits=20)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
records = st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=4), max_size=6)


def _layouts(values: list) -> dict[str, bytes]:
    return {
        "lines": "".join(encode_json(value) + "\n" for value in values).encode(),
        "array": encode_json(values).encode(),
        "pretty array": encode_json(values, indent=2).encode(),
        "documents": "".join(encode_json(value, indent=2) + "\n" for value in values).encode(),
    }


@given(records)
def test_every_layout_reads_back_exactly_with_locations(values):
    """JSON Lines, arrays (compact or not) and pretty documents give the same records, located exactly."""
    for layout, data in _layouts(values).items():
        read = list(cartnorm.read_records(data))
        assert all(item.ok for item in read), layout
        assert [item.value for item in read] == values, layout
        for number, item in enumerate(read, 1):
            where = item.location
            assert where.number == number and where.source == "<bytes>"
            assert data[where.offset :].startswith(item.text.encode())
            assert where.line == data[: where.offset].count(b"\n") + 1


junk_lines = st.sampled_from(
    [
        b"\xef\xbb\xbf{}",
        b'{"a": NaN}',
        b'{"a": [1, 2',
        b'{"a": "\xff"}',
        b"}{",
        b'{"a": 1, "a": 2}',
        b"not json",
    ]
)


@given(records.filter(bool), st.lists(st.tuples(st.integers(min_value=0, max_value=10), junk_lines), max_size=4))
def test_a_bad_line_costs_that_line_only(values, junk):
    """Bad lines anywhere in JSON Lines: one rejection each, kept byte for byte, every good line read."""
    lines = [encode_json(value).encode() for value in values]
    for index, line in sorted(junk, reverse=True):
        lines.insert(min(index, len(lines)), line)
    data = b"\n".join(lines) + b"\n"
    read = list(cartnorm.read_records(data))
    assert len(read) == len(lines)
    assert [item.value for item in read if item.ok] == values
    for line, item in zip(lines, read, strict=True):
        if not item.ok:
            kept = item.record if isinstance(item.record, bytes) else item.record.encode()
            assert kept == line and item.location.offset == data.index(line + b"\n", item.location.offset)


def test_a_line_holding_two_records_is_one_rejection_in_json_lines():
    """Two values glued on one line of a JSON Lines file: the line is rejected whole (lines stand alone)."""
    read = list(cartnorm.read_records(b'{"a": 1}\n{"b": 2}{"c": 3}\n{"d": 4}\n'))
    assert [item.ok for item in read] == [True, False, True]
    assert read[1].record == '{"b": 2}{"c": 3}' and read[1].reason == "invalid_json"


def test_documents_one_after_another_on_one_line_are_read():
    """Concatenated JSON (``{…}{…}`` with no newlines) is read as documents."""
    read = list(cartnorm.read_records(b'{"a": 1}{"b": 2} {"c": 3}'))
    assert [item.value for item in read] == [{"a": 1}, {"b": 2}, {"c": 3}]


@given(records.filter(bool), st.lists(st.integers(min_value=0, max_value=10), max_size=3), st.data())
def test_a_broken_array_element_costs_that_element_only(values, places, data):
    """Elements with syntax errors in an array: each is one rejection, the elements after it are read."""
    elements = [encode_json(value) for value in values]
    broken = ['{"a" 1}', '{"a": }', "[1,,2]", "tru", '{"a": [1}']
    for place in sorted(places, reverse=True):
        elements.insert(min(place, len(elements)), data.draw(st.sampled_from(broken)))
    read = list(cartnorm.read_records(("[\n  " + ",\n  ".join(elements) + "\n]\n").encode()))
    assert [item.value for item in read if item.ok] == values
    assert [item.record for item in read if not item.ok] == [e for e in elements if e in broken]


@pytest.mark.parametrize(
    ("data", "problem", "read_before"),
    [
        (b'[{"a": 1} {"b": 2}]', "',' or ']' after record 1", 1),
        (b'[{"a": 1}, {"b": 2', "the input ends inside record 2", 1),
        (b'[{"a": 1},]', "a record after the ','", 1),
        (b'\xef\xbb\xbf[{"a": 1}]', "byte order mark before the array", 0),
    ],
)
def test_an_array_broken_beyond_one_record_raises_read_error(data, problem, read_before):
    """The records before the break are yielded, then ReadError names the byte and the count."""
    read = []
    with pytest.raises(cartnorm.ReadError) as caught:
        read.extend(cartnorm.read_records(data))
    assert len(read) == read_before and caught.value.records == read_before
    assert problem in caught.value.problem and 0 <= caught.value.offset < len(data)
    assert f"(byte {caught.value.offset})" in str(caught.value)


@given(arbitrary_json, st.sampled_from([DEFAULT_LIMITS, SMALL, LONG_TEXTS, SHALLOW]))
def test_reading_refuses_exactly_what_check_payload_refuses(payload, limits):
    """The reader's check (fast or careful) gives check_payload's verdict, path, value and expectation."""
    try:
        text = encode_json(payload)
    except ValueError:  # NaN and infinities cannot be written as JSON
        assume(False)
    meant = json.loads(text, parse_float=Decimal)  # what the text says (an escaped surrogate pair is one character)
    try:
        check_payload(meant, limits)
        expected = None
    except LimitExceededError as error:
        expected = (error.path, error.value, error.expected)
    try:
        value = parse_text(text, limits)
    except Unreadable as refused:
        assert refused.reason == "limit_exceeded_error"
        assert (refused.error.path, refused.error.value, refused.error.expected) == expected
    else:
        assert expected is None
        assert value == meant


@given(
    st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=4),
    json_values,
    st.sampled_from([DEFAULT_LIMITS, LONG_TEXTS, SHALLOW]),
)
def test_a_key_given_twice_is_refused_with_its_path(payload, again, limits):
    """A key repeated in an object, at the top or nested: a PayloadError at that key's path, both values named."""
    key = next(iter(payload))
    text = encode_json(payload)
    doubled = "{" + encode_json(key) + ":" + encode_json(again) + "," + text[1:]
    for wrapped, path in ((doubled, child(ROOT, key)), ('{"order": [' + doubled + "]}", child("$.order[0]", key))):
        with pytest.raises(Unreadable) as caught:
            parse_text(wrapped, limits)
        assert caught.value.reason == "duplicate_key"
        assert caught.value.error.path == path and caught.value.error.value == [again, payload[key]]
        with pytest.raises(cartnorm.PayloadError) as loaded:
            cartnorm._json.parse_json(wrapped)
        assert loaded.value.path == path


@pytest.mark.parametrize("max_depth", [1, 2, 5, 64, 200])
@pytest.mark.parametrize("kind", ["[", "{"])
def test_depth_is_refused_one_level_beyond_the_limit_and_not_before(max_depth, kind):
    """At max_depth levels a record reads; one more is refused where check_payload refuses it."""
    limits = Limits(max_depth=max_depth)
    for levels in (max_depth - 1, max_depth, max_depth + 1):
        text = '"x"'
        for _ in range(levels):
            text = f"[{text}]" if kind == "[" else f'{{"k":{text}}}'
        meant = json.loads(text)
        try:
            check_payload(meant, limits)
            expected = None
        except LimitExceededError as error:
            expected = error.path
        assert (expected is None) == (levels <= max_depth)
        if orjson is not None:  # orjson checks the depth, answering for a record within it (not leaving it to the walk)
            assert (_written_quotes(meant, limits) is not None) == (levels <= max_depth)
        try:
            assert parse_text(text, limits) == meant and expected is None
        except Unreadable as refused:
            assert refused.reason == "limit_exceeded_error" and refused.error.path == expected


def test_loads_refuses_a_duplicate_key():
    """cartnorm.loads names the key given twice (the last one no longer wins silently)."""
    text = (FIXTURES / "trackstar" / "full_order.payload.json").read_text()
    doubled = text.replace(
        '"invoice_currency_code": "USD"', '"invoice_currency_code": "JPY", "invoice_currency_code": "USD"', 1
    )
    assert doubled != text
    with pytest.raises(cartnorm.PayloadError) as caught:
        cartnorm.loads(doubled)
    assert caught.value.path == "$.invoice_currency_code" and caught.value.value == ["JPY", "USD"]


def test_paths_bytes_and_streams_read_alike(tmp_path):
    """A path, bytes, a binary stream and a text stream give the same records."""
    path = tmp_path / "orders.jsonl"
    path.write_bytes(SAMPLES)
    sources = [path, str(path), SAMPLES, io.BytesIO(SAMPLES), io.StringIO(SAMPLES.decode())]
    results = [
        [(item.value, item.location.line, item.location.offset) for item in cartnorm.read_records(s)] for s in sources
    ]
    assert all(result == results[0] for result in results) and len(results[0]) == 14


def test_json_text_in_a_string_is_not_a_path():
    """read_records('{...}') is a mistake worth a clear error, not 'file not found'."""
    with pytest.raises(cartnorm.InputTypeError, match=r"text\.encode"):
        list(cartnorm.read_records('{"order": {}}'))


def test_normalize_many_takes_what_read_records_yields():
    """Records keep their location; rejections pass through in place; positions count every record."""
    data = SAMPLES.splitlines()
    text = b"\n".join([data[0], b"{broken", data[1], data[10]]) + b"\n"
    results = list(cartnorm.normalize_many(cartnorm.read_records(text)))
    assert [result.ok for result in results] == [True, False, True, False]
    assert [result.position for result in results] == [0, 1, 2, 3]
    assert [result.location.line for result in results] == [1, 2, 3, 4]
    assert results[1].reason == "invalid_json" and results[1].record == "{broken"
    assert results[3].reason == "money_error" and results[3].source == "medusa"
    assert results[3].to_json()["line"] == 4


@pytest.mark.parametrize("single", [{"order": {"id": "x"}}, "abc", b"abc"])
def test_normalize_many_refuses_a_single_payload_or_a_string(single):
    """One payload (or a string) where records were expected: InputTypeError, a TypeError, raised at once."""
    with pytest.raises(cartnorm.InputTypeError) as caught:
        cartnorm.normalize_many(single)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, cartnorm.CartnormError)
    assert "normalize_many() takes an iterable of records" in str(caught.value)


def test_messages_show_values_as_json_not_python():
    """A Decimal reads 25.99, a string "jpy", None null: never Decimal('25.99')."""
    payload = json.loads(SAMPLES.splitlines()[10], parse_float=Decimal)
    (rejection,) = cartnorm.normalize_many([payload])
    assert "got 25.99 @" in rejection.message and "Decimal(" not in rejection.message
    error = cartnorm.PayloadError("$.x", {"a": [Decimal("1.50"), None, "jpy"]}, "something else")
    assert str(error).startswith('expected something else, got {"a": [1.50, null, "jpy"]} @ $.x')
