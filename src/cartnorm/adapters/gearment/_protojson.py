"""
Reading protobuf JSON as Gearment may send it, into Gearment's own encoding.

Gearment's own encoding is what its protojson writer emits: proto (snake_case) key names,
enum names, int64 as decimal strings, int32 as numbers, RFC 3339 timestamps. A parser must
also accept lowerCamelCase keys, enum numbers, int64 as numbers, int32 as strings, ``null``
for "unset", timestamps with any offset; `normalize_message` accepts all of these and
returns a fresh dict in the own encoding (the input is never modified). Unknown keys are
carried as they came. Every Money is checked (google.type.Money range and sign rules) and
every currency must agree (`MoneyContext`).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._json import freeze_json
from ..._paths import child as _child
from ...errors import CurrencyError, MoneyError, PayloadError
from ...money import NANOS_PER_UNIT, from_units_nanos, normalize_currency, to_units_nanos
from ._schema import MESSAGES, Field, MessageSpec, camel_name

__all__ = [
    "MoneyContext",
    "enum_value",
    "exact_amount",
    "format_timestamp",
    "money_amount",
    "money_json",
    "normalize_message",
    "parse_timestamp",
    "text_amount",
    "units_nanos",
]

_INTEGER = re.compile(r"-?[0-9]+\Z")
#: Paths are built for every value (errors need them); the same few recur order after order.
child = functools.lru_cache(maxsize=8192)(_child)
_INT32: Final = (-(2**31), 2**31 - 1)
_INT64: Final = (-(2**63), 2**63 - 1)


class MoneyContext:
    """
    Remembers the first currency met in an order and refuses any other.

    Attributes:
        currency: the order's upper-case ISO 4217 code, once one Money has named it.
        path: the JSON path of the ``currency_code`` that set it.
    """

    __slots__ = ("currency", "path")

    def __init__(self) -> None:
        self.currency: str | None = None
        self.path: str | None = None

    def check(self, code: object, path: str) -> None:
        """Accept ``code`` at ``path`` if it is the order's currency (or the first one seen)."""
        normalized = normalize_currency(code, path=path)
        if self.currency is None:
            self.currency, self.path = normalized, path
        elif normalized != self.currency:
            raise CurrencyError(
                path,
                code,
                f"the order's one currency {self.currency} (as at {self.path}): "
                "every amount on a Gearment order must share a currency",
            )


def _integer(value: object, path: str, bounds: tuple[int, int], what: str) -> int:
    if type(value) is int:
        number = value
    elif (
        (type(value) is Decimal and value.is_finite() and value == value.to_integral_value())
        or (type(value) is float and value.is_integer())
        or (type(value) is str and _INTEGER.match(value))
    ):
        number = int(value)
    else:
        raise PayloadError(path, value, f"an {what} (a JSON number or a decimal string)")
    if not bounds[0] <= number <= bounds[1]:
        raise PayloadError(path, value, f"an {what} within {bounds[0]}..{bounds[1]}")
    return number


def enum_value(value: object, kind: type[enum.IntEnum], path: str) -> str | int:
    """
    Return an enum value in the own encoding: the name when known, else as it came.

    Known numbers become names; unknown numbers stay numbers (protojson writes an enum
    number it has no name for as a number) and unknown names stay strings. Neither is an
    error: proto3 enums are open and Gearment adds values.
    """
    if type(value) is str:
        return kind[value].name if value in kind.__members__ else value
    if type(value) is int or (type(value) is Decimal and value.is_finite() and value == value.to_integral_value()):
        number = int(value)
        if not _INT32[0] <= number <= _INT32[1]:
            raise PayloadError(path, value, f"a {kind.__name__} number (an int32)")
        try:
            return kind(number).name
        except ValueError:
            return number
    raise PayloadError(path, value, f"a {kind.__name__} name or number")


def parse_timestamp(text: object, path: str) -> datetime:
    """Parse an RFC 3339 timestamp; digits below the microsecond are dropped (the text keeps them)."""
    return parse_rfc3339(text, path, sub_microsecond="truncate")


def format_timestamp(value: datetime) -> str:
    """
    Format like Gearment's protojson writer: UTC ``Z`` with 0, 3, 6 (or 9) fraction digits.

    >>> format_timestamp(datetime(2026, 3, 1, 12, 0, 0, 120000, tzinfo=timezone.utc))
    '2026-03-01T12:00:00.120Z'
    """
    utc = value if value.tzinfo is timezone.utc else value.astimezone(timezone.utc)
    # isoformat (in C) writes YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00 for a UTC datetime
    text = utc.isoformat()[:-6]
    micro = utc.microsecond
    if micro and micro % 1000 == 0:
        text = text[:-3]  # milliseconds: protojson writes 3 digits
    return text + "Z"


def money_amount(money: Mapping[str, Any], path: str) -> Decimal:
    """The exact amount of a Money in the own encoding (``units`` string, ``nanos`` int)."""
    units = money.get("units")
    nanos = money.get("nanos")
    whole = 0 if units is None else int(units)
    part = 0 if nanos is None else nanos
    if _valid_money(whole, part):
        return exact_amount(whole, part)
    return from_units_nanos(whole, part, path=path)  # raises the MoneyError that says what is wrong


def _valid_money(whole: int, part: object) -> bool:
    """What `from_units_nanos` accepts: int64 units, nanos in range and of the sign of units."""
    return (
        type(part) is int
        and -NANOS_PER_UNIT < part < NANOS_PER_UNIT
        and _INT64[0] <= whole <= _INT64[1]
        and not (whole > 0 > part or whole < 0 < part)
    )


def exact_amount(whole: int, part: int) -> Decimal:
    """
    ``whole + part / 10**9`` as `from_units_nanos` gives it (trailing zeros dropped), for a
    Money already checked: the count of nanos scaled down in C, under a context that can hold
    every int64 Money's 29 digits and traps any rounding (a test holds the two together).
    """
    if not part:
        return Decimal(whole)
    return _NANOS_CONTEXT.scaleb(whole * NANOS_PER_UNIT + part, -9).normalize(_NANOS_CONTEXT)


def text_amount(units: str | None, part: int) -> Decimal:
    """
    `exact_amount` for a Money as protojson writes it, already checked: ``units`` its int64
    text (no leading zeros, or None for zero), ``part`` its nanos (of the sign of units). One
    `Decimal` read from text, which is exact whatever the context (a test holds it to
    `from_units_nanos` digit for digit).
    """
    if not part:
        return Decimal(units) if units is not None else _ZERO
    fraction = str(abs(part)).rjust(9, "0").rstrip("0")
    if part < 0 and (units is None or units == "0"):
        return Decimal("-0." + fraction)
    return Decimal((units or "0") + "." + fraction)


_ZERO: Final = Decimal(0)
#: Exact for any valid Money (int64 units and nine places: at most 29 digits); never rounds.
_NANOS_CONTEXT: Final = Context(prec=40, traps=[Inexact, Rounded, InvalidOperation])


def money_json(amount: Decimal, currency: str, path: str = "$") -> dict[str, Any]:
    """
    Return a Money in the own encoding, zero fields omitted as protojson omits them.

    >>> money_json(Decimal("-1.75"), "USD")
    {'currency_code': 'USD', 'units': '-1', 'nanos': -750000000}
    """
    units, nanos = units_nanos(amount, path)
    out: dict[str, Any] = {"currency_code": currency}
    if units:
        out["units"] = str(units)
    if nanos:
        out["nanos"] = nanos
    return out


def units_nanos(amount: Decimal, path: str = "$") -> tuple[int, int]:
    """
    `to_units_nanos`, with a shortcut for the usual amount: a Decimal with 0 to 9 decimal
    places (exponent -9..0) whose whole units fit an int64. Anything else, valid or not,
    goes to `to_units_nanos` itself, which also raises its errors.
    """
    if type(amount) is Decimal and amount.is_finite():
        exponent = amount.as_tuple().exponent
        if type(exponent) is int and -9 <= exponent <= 0:
            numerator, denominator = amount.as_integer_ratio()
            total = numerator * NANOS_PER_UNIT // denominator  # exact: denominator divides 10**9
            units, nanos = divmod(abs(total), NANOS_PER_UNIT)
            if total < 0:
                units, nanos = -units, -nanos
            if _INT64[0] <= units <= _INT64[1]:
                return units, nanos
    return to_units_nanos(amount, path=path)


def normalize_message(raw: object, spec: MessageSpec, path: str, money: MoneyContext) -> dict[str, Any]:
    """
    Return ``raw`` (a ``spec`` message in any protobuf JSON spelling) in the own encoding.

    Raises `PayloadError` (or `MoneyError`, `CurrencyError`) naming the JSON path of the
    first value that is not valid protobuf JSON for its field.
    """
    if not isinstance(raw, Mapping):
        raise PayloadError(path, raw, f"a JSON object (a Gearment {spec.name})")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if type(key) is not str:
            raise PayloadError(path, key, "string object keys")
        name = spec.by_key.get(key)
        here = child(path, key)
        if name is None:
            out[key] = freeze_json(value, path=here)
            continue
        if name in out:
            raise PayloadError(here, value, f"only one of '{name}' and its lowerCamelCase spelling")
        try:
            out[name] = _value(value, spec.fields[name], here, money)
        except PayloadError as error:
            if spec.name != "Money" or isinstance(error, MoneyError):
                raise
            raise MoneyError(error.path, error.value, f"{error.expected} (google.type.Money)") from None
    if spec.name == "Money":
        _check_money(out, raw, path, money)
    return out


def _value(value: object, field: Field, path: str, money: MoneyContext) -> Any:
    if value is None:
        return None  # protobuf JSON: null means "unset"; kept so the payload survives as sent
    if not field.repeated:
        return _single(value, field, path, money)
    if not isinstance(value, list):
        raise PayloadError(path, value, f"a JSON array (repeated {field.name})")
    return [_single(item, field, child(path, index), money) for index, item in enumerate(value)]


def _single(value: object, field: Field, path: str, money: MoneyContext) -> Any:
    kind = field.kind
    if kind == "string":
        if type(value) is not str:
            raise PayloadError(path, value, "a string")
        return value
    if kind == "bool":
        if type(value) is not bool:
            raise PayloadError(path, value, "true or false")
        return value
    if kind == "int32":
        return _integer(value, path, _INT32, "int32")
    if kind == "int64":
        return str(_integer(value, path, _INT64, "int64"))
    if kind == "timestamp":
        parse_timestamp(value, path)
        return value
    if kind == "enum":
        assert field.enum is not None
        return enum_value(value, field.enum, path)
    assert field.message is not None
    return normalize_message(value, MESSAGES[field.message], path, money)


def _check_money(out: dict[str, Any], raw: Mapping[str, Any], path: str, money: MoneyContext) -> None:
    nanos = out.get("nanos")
    if nanos is not None and not -NANOS_PER_UNIT < nanos < NANOS_PER_UNIT:
        raise MoneyError(child(path, _spelling(raw, "nanos")), nanos, "an integer from -999999999 to 999999999")
    try:
        money_amount(out, path)
    except MoneyError as error:  # re-raise at the key as sent (units / nanos)
        key = error.path.rsplit(".", 1)[-1]
        raise MoneyError(child(path, _spelling(raw, key)), error.value, error.expected) from None
    code = out.get("currency_code")
    if code:  # an empty or omitted currency_code defers to the order's currency
        money.check(code, child(path, _spelling(raw, "currency_code")))


def _spelling(raw: Mapping[str, Any], name: str) -> str:
    """The key as the payload spelled it (``currency_code`` or ``currencyCode``)."""
    return name if name in raw or camel_name(name) not in raw else camel_name(name)
