"""
Exceptions raised by cartnorm.

Every exception cartnorm raises on purpose derives from one root, so ETL code can
set a whole record aside with a single ``except CartnormError``::

    CartnormError
    ├── PayloadError (also ValueError)       the data is wrong: carries .path, .value, .expected
    │   ├── MoneyError                       an amount that is not exact, out of range or malformed
    │   ├── CurrencyError                    a missing or unknown ISO 4217 currency code
    │   ├── UnrecognizedPayloadError         no adapter (or several) claims the payload
    │   ├── VendorErrorResponse              the vendor answered with an error envelope
    │   └── LimitExceededError               the payload is larger or deeper than the configured limits
    ├── ReadError (also ValueError)          a stream cannot be read on past some point (a broken JSON array)
    ├── ConfigurationError (also ValueError) the caller passed an option that cannot work
    ├── InputTypeError (also TypeError)      the caller passed the wrong kind of object (one payload for many)
    └── MissingDependencyError (also ImportError)  an optional extra is not installed

Data errors name the place with a JSON path (``$.line_items[2].unit_price``), the
value found there and what was expected; their message says what to do next.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

__all__ = [
    "CartnormError",
    "ConfigurationError",
    "CurrencyError",
    "InputTypeError",
    "LimitExceededError",
    "MissingDependencyError",
    "MoneyError",
    "PayloadError",
    "ReadError",
    "UnrecognizedPayloadError",
    "VendorErrorResponse",
]

_MAX_TEXT = 80  # characters of a string shown in a message
_MAX_ITEMS = 4  # members of an object or array shown
_MAX_DIGITS = 60  # digits of a number shown


def describe_value(value: Any) -> str:
    """
    A short rendering of ``value`` for messages, written as JSON reads (long values are elided).

    Strings are quoted as in JSON, numbers written as their digits (``25.99``, never
    ``Decimal('25.99')``), ``null``/``true``/``false`` as in JSON: a data engineer reads the
    value as it was in the payload, not as Python holds it.

    >>> describe_value(Decimal("25.99")), describe_value("jpy"), describe_value(None)
    ('25.99', '"jpy"', 'null')
    """
    return _describe(value, 2)


def _describe(value: Any, levels: int) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"
        return json.dumps(shown, ensure_ascii=not _is_text(shown))
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > _MAX_DIGITS * 4:  # str() of a huge int is slow, or refused
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, (int, Decimal, float)):
        text = str(value) if not isinstance(value, float) or math.isfinite(value) else str(Decimal(value))
        return text if len(text) <= _MAX_DIGITS else f"{text[:_MAX_DIGITS]}… ({len(text)} characters)"
    if isinstance(value, Mapping):
        if levels <= 0:
            return "{…}" if value else "{}"
        members = [f"{_describe(str(key), 0)}: {_describe(item, levels - 1)}" for key, item in _first(value.items())]
        return "{" + ", ".join(members) + (", …}" if len(value) > _MAX_ITEMS else "}")
    if isinstance(value, (list, tuple)):
        if levels <= 0:
            return "[…]" if value else "[]"
        items = [_describe(item, levels - 1) for item in _first(value)]
        return "[" + ", ".join(items) + (", …]" if len(value) > _MAX_ITEMS else "]")
    if isinstance(value, (date, time)):
        return _describe(value.isoformat(), 0)
    return f"a {type(value).__name__}"


def _is_text(text: str) -> bool:
    """True when ``text`` can be written as UTF-8 (no lone surrogates, which are shown escaped)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _first(items: Any) -> list[Any]:
    shown: list[Any] = []
    for item in items:
        if len(shown) == _MAX_ITEMS:
            break
        shown.append(item)
    return shown


class CartnormError(Exception):
    """The root of every exception cartnorm raises on purpose."""


class PayloadError(CartnormError, ValueError):
    """
    A payload does not have the shape or values cartnorm needs.

    Attributes:
        path: JSON path of the offending place, ``$`` being the payload itself.
        value: the value found there (``MISSING`` when the key is absent).
        expected: what would have been accepted, in words.
        hint: what the caller can do about it.
    """

    default_hint = "Fix the record at that path, or set it aside as a rejection."

    def __init__(
        self,
        path: str,
        value: Any,
        expected: str,
        *,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.value = value
        self.expected = expected
        self.hint = hint if hint is not None else self.default_hint
        super().__init__(path, value, expected)

    @property
    def problem(self) -> str:
        """The message without the hint: ``expected …, got … @ $.path``."""
        got = "nothing (the key is missing)" if self.value is MISSING else describe_value(self.value)
        return f"expected {self.expected}, got {got} @ {self.path}"

    def __str__(self) -> str:
        return f"{self.problem}. {self.hint}" if self.hint else self.problem

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only ``hint`` needs help to survive pickling (multiprocessing, Spark).
        return (_rebuild, (type(self), self.path, self.value, self.expected, self.hint))


def _rebuild(cls: type[PayloadError], path: str, value: Any, expected: str, hint: str) -> PayloadError:
    return cls(path, value, expected, hint=hint)


class MoneyError(PayloadError):
    """An amount is not exact, out of range, or not in the vendor's encoding."""

    default_hint = "Money must be exact: send integers or decimal strings in the vendor's encoding."


class CurrencyError(PayloadError):
    """A currency code is missing or is not an ISO 4217 code cartnorm knows."""

    default_hint = (
        "Send a three-letter ISO 4217 code; for a currency cartnorm does not list, "
        "pass its exponent with exponents={'XYZ': 2}."
    )


class UnrecognizedPayloadError(PayloadError):
    """No adapter, or more than one, recognises the payload; pass ``source=`` to choose."""

    default_hint = "Pass source= with an adapter's name (cartnorm.available_adapters() lists them) to say what it is."


class VendorErrorResponse(PayloadError):  # noqa: N818 - names what arrived: the vendor's error response
    """The vendor's response envelope reports an error instead of an order."""

    default_hint = "The vendor did not return an order; retry the request or fix it upstream."


class LimitExceededError(PayloadError):
    """The payload exceeds a configured size limit (digits, string length, depth, items)."""

    default_hint = "Raise the limit if the record is genuine, or set the record aside."


class ReadError(CartnormError, ValueError):
    """
    A stream cannot be read on past some point: records after it cannot be located reliably.

    Raised by `cartnorm.read_records` (and ended by ``cartnorm normalize`` with exit status 3)
    for a JSON array whose structure is broken beyond one record (a missing ``,`` between
    records, an array never closed) or a record longer than the limit inside an array. The
    records before it were yielded; nothing after it was.

    Attributes:
        source: the name of the stream (a file name, ``<stdin>``, ``<bytes>``).
        line: the line of the problem (1-based).
        offset: its byte offset from the start of the stream (0-based: the bytes before it).
        records: how many records were read before it.
        problem: what is wrong there, in words.
    """

    def __init__(self, source: str, line: int, offset: int, records: int, problem: str) -> None:
        self.source = source
        self.line = line
        self.offset = offset
        self.records = records
        self.problem = problem
        super().__init__(source, line, offset, records, problem)

    def __str__(self) -> str:
        counted = f"{self.records} record{'s' if self.records != 1 else ''} read before it"
        return f"{self.source}:{self.line} (byte {self.offset}): {self.problem}; {counted}"


class ConfigurationError(CartnormError, ValueError):
    """An option passed by the caller cannot work (for example a negative exponent)."""


class InputTypeError(CartnormError, TypeError):
    """The caller passed the wrong kind of object: one payload or a string where records were expected."""


class MissingDependencyError(CartnormError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class _Missing:
    """The value of ``PayloadError.value`` when the key was absent."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
