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
    ├── ConfigurationError (also ValueError) the caller passed an option that cannot work
    └── MissingDependencyError (also ImportError)  an optional extra is not installed

Data errors name the place with a JSON path (``$.line_items[2].unit_price``), the
value found there and what was expected; their message says what to do next.
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = [
    "CartnormError",
    "ConfigurationError",
    "CurrencyError",
    "LimitExceededError",
    "MissingDependencyError",
    "MoneyError",
    "PayloadError",
    "UnrecognizedPayloadError",
    "VendorErrorResponse",
]

_short = reprlib.Repr()
_short.maxstring = 80
_short.maxother = 80
_short.maxlong = 60
_short.maxdict = 4
_short.maxlist = 4
_short.maxlevel = 2


def describe_value(value: Any) -> str:
    """Return a short, safe ``repr`` of ``value`` for messages (long values are elided)."""
    return _short.repr(value)


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


class ConfigurationError(CartnormError, ValueError):
    """An option passed by the caller cannot work (for example a negative exponent)."""


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
