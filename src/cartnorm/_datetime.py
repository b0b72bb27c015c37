"""RFC 3339 date-times: strict parsing to aware datetimes, and one canonical UTC output form."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Final, Literal

from .errors import PayloadError

__all__ = ["format_rfc3339", "parse_rfc3339", "quoted_rfc3339"]

try:  # a dependency on CPython: writes a UTC datetime in C, several times cheaper than isoformat
    from orjson import OPT_UTC_Z as _UTC_Z
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - exercised by tests/test_without_orjson.py, in a subprocess
    _orjson_dumps = None  # type: ignore[assignment]

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,32}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z"
)
_EXPECTED = "an RFC 3339 date-time with an offset, such as '2024-09-22T14:55:44.943Z'"
#: The everyday spelling, which `datetime.fromisoformat` reads (in C, on Python 3.10 too once
#: ``Z`` is spelled ``+00:00``) exactly as `_RFC3339` does: upper-case T, no fraction or one of
#: 3 or 6 digits, ``Z`` or a ``±HH:MM`` offset. ASCII digits only (``\\d`` would also match
#: other scripts' digits, which fromisoformat refuses), and the fraction as alternatives rather
#: than nested optional groups: both make the match itself cheaper.
_EVERYDAY = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6}|)(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"
)
#: From Python 3.11 on, `datetime.fromisoformat` reads a trailing ``Z`` (as UTC) itself.
_READS_Z: Final = sys.version_info >= (3, 11)


def parse_rfc3339(
    text: object,
    path: str = "$",
    *,
    sub_microsecond: Literal["error", "truncate"] = "error",
) -> datetime:
    """
    Parse an RFC 3339 ``date-time`` (offset required) into an aware `datetime`.

    Fractions finer than a microsecond cannot be held by `datetime`: by default they
    are an error unless the extra digits are zeros; ``sub_microsecond="truncate"``
    drops them (callers that do so must keep the original text if they need it).

    >>> parse_rfc3339("2024-09-22T16:55:44.943+02:00").isoformat()
    '2024-09-22T16:55:44.943000+02:00'
    """
    if not isinstance(text, str):
        raise PayloadError(path, text, _EXPECTED)
    if _EVERYDAY.match(text):
        try:
            if text[-1] == "Z":  # already UTC, so representable in UTC: no astimezone check
                return datetime.fromisoformat(text if _READS_Z else text[:-1] + "+00:00")
            value = datetime.fromisoformat(text)
            value.astimezone(timezone.utc)  # must be representable in UTC for output
        except (ValueError, OverflowError):
            pass  # not in the calendar, or an offset out of range: the parser below says which
        else:
            return value
    return _parse_by_parts(text, path, sub_microsecond)


def _parse_by_parts(text: str, path: str, sub_microsecond: Literal["error", "truncate"]) -> datetime:
    """Every RFC 3339 spelling, field by field, with an error that says what is wrong."""
    match = _RFC3339.match(text)
    if match is None:
        raise PayloadError(path, text, _EXPECTED)
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    fraction = fraction or ""
    if len(fraction) > 6 and fraction[6:].strip("0") and sub_microsecond == "error":
        raise PayloadError(path, text, "a date-time with at most microsecond precision")
    micro = int((fraction[:6]).ljust(6, "0"))
    if zulu:
        tz = timezone.utc
    else:
        hours, minutes = int(off_h), int(off_m)
        if hours > 23 or minutes > 59:
            raise PayloadError(path, text, _EXPECTED)
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if sign == "-" else offset)
    try:
        value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
        value.astimezone(timezone.utc)  # must be representable in UTC for output
    except (ValueError, OverflowError):
        raise PayloadError(path, text, f"{_EXPECTED} that exists in the calendar") from None
    return value


def format_rfc3339(value: datetime) -> str:
    """
    Format an aware `datetime` in UTC: ``YYYY-MM-DDTHH:MM:SS[.fraction]Z``.

    The fraction is written only when non-zero, without trailing zeros.

    >>> format_rfc3339(parse_rfc3339("2024-09-22T16:55:44.940+02:00"))
    '2024-09-22T14:55:44.94Z'
    """
    return quoted_rfc3339(value)[1:-1]


def quoted_rfc3339(value: datetime) -> str:
    """
    `format_rfc3339` as a JSON string literal (with its quotes), the form `cartnorm.dumps` writes.

    A plain `datetime` in `timezone.utc` (the usual one) is written by orjson when installed:
    it spells the instant as ``"YYYY-MM-DDTHH:MM:SS[.ffffff]Z"`` already quoted, about four
    times cheaper than aware ``isoformat()``; only the fraction's trailing zeros are cut. A
    property test holds it to `_format_plain`, which writes everything else.
    """
    if value.tzinfo is timezone.utc and type(value) is datetime and _orjson_dumps is not None:
        text = _orjson_dumps(value, None, _UTC_Z).decode()
        return text[:-2].rstrip("0") + 'Z"' if value.microsecond else text  # a non-zero fraction stops the strip
    return '"' + _format_plain(value) + '"'


def _format_plain(value: datetime) -> str:
    """`format_rfc3339` without orjson: aware ``isoformat()`` (in C) of the UTC instant, cut to shape."""
    utc = value if value.tzinfo is timezone.utc else value.astimezone(timezone.utc)
    text = utc.isoformat()[:-6]  # C: YYYY-MM-DDTHH:MM:SS[.ffffff] (then +00:00, cut)
    return (text.rstrip("0") if utc.microsecond else text) + "Z"  # a non-zero fraction stops the strip
