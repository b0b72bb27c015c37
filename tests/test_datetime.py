"""RFC 3339 parsing: the C fast path for everyday spellings agrees with the field-by-field parser."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from cartnorm._datetime import _format_plain, _parse_by_parts, format_rfc3339, parse_rfc3339, quoted_rfc3339
from cartnorm.errors import PayloadError

digits = st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}")
everyday_like = st.builds(
    lambda year, month, day, hour, minute, second, fraction, zone: (
        f"{year:04d}-{month}-{day}T{hour}:{minute}:{second}{fraction}{zone}"
    ),
    st.integers(min_value=0, max_value=9999),
    digits,
    digits,
    digits,
    digits,
    digits,
    st.sampled_from(["", ".1", ".12", ".123", ".1234", ".123456", ".000000", ".123456789"]),
    st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-23:59", "+24:00", "+23:60", "+14:00", ""]),
)


def _outcome(parse, text):
    try:
        value = parse(text)
    except PayloadError as error:
        return "error", error.path, error.expected
    return value, value.utcoffset(), value.tzinfo


#: Digits of other scripts: the careful parser reads them (``\\d``, `int`); the fast path leaves them to it.
other_digits = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")


@given(
    everyday_like
    | everyday_like.map(lambda text: text.translate(other_digits))
    | everyday_like.map(lambda text: text[:3] + text[3].translate(other_digits) + text[4:])
    | st.datetimes(timezones=st.timezones()).map(datetime.isoformat)
)
def test_fast_path_agrees_with_the_careful_parser(text):
    careful = _outcome(lambda t: _parse_by_parts(t, "$.at", "error"), text)
    assert _outcome(lambda t: parse_rfc3339(t, "$.at"), text) == careful


def _written_by_fields(value: datetime) -> str:
    utc = value.astimezone(timezone.utc)
    text = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    return text + ("." + f"{utc.microsecond:06d}".rstrip("0") if utc.microsecond else "") + "Z"


@given(st.datetimes(timezones=st.just(timezone.utc) | st.timezones()))
def test_format_writes_utc_with_z_and_no_trailing_zeros(value):
    """format_rfc3339 (isoformat in C) writes what formatting field by field writes."""
    try:
        expected = _written_by_fields(value)
    except OverflowError:  # not representable in UTC
        return
    assert format_rfc3339(value) == expected


@given(st.datetimes(timezones=st.just(timezone.utc) | st.timezones()))
def test_quoted_fast_path_writes_what_the_plain_path_writes(value):
    """quoted_rfc3339 (orjson for plain UTC datetimes) agrees with isoformat cut to shape, quotes added."""
    try:
        expected = _format_plain(value)
    except OverflowError:  # not representable in UTC
        return
    assert quoted_rfc3339(value) == '"' + expected + '"'
    assert format_rfc3339(value) == expected
