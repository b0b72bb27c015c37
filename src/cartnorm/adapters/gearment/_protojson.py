"""
Reading protobuf JSON as Gearment may send it, into Gearment's own encoding.

Gearment's own encoding is what its protojson writer emits: proto (snake_case) key names,
enum names, int64 as decimal strings, int32 as numbers, RFC 3339 timestamps. A parser must
also accept lowerCamelCase keys, enum numbers, int64 as numbers, int32 as strings, ``null``
for "unset", timestamps with any offset; `normalize_message` accepts all of these and
returns a fresh dict in the own encoding (the input is never modified). Unknown keys are
carried as they came. Every Money is checked (google.type.Money range and sign rules, and
no negative price or charge: `._amounts`) and every currency must agree (`MoneyContext`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._json import freeze_json
from ..._paths import child
from ...errors import CurrencyError, MoneyError, PayloadError
from ...money import NANOS_PER_UNIT, normalize_currency
from ._amounts import check_not_negative, money_amount
from ._schema import MESSAGES, Field, MessageSpec, camel_name

__all__ = [
    "MoneyContext",
    "enum_value",
    "format_timestamp",
    "normalize_message",
    "parse_timestamp",
    "timestamp_reproduced",
]

_INTEGER = re.compile(r"-?[0-9]+\Z")
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


#: A Timestamp exactly as `format_timestamp` writes one: UTC ``Z``, and no fraction, or 3 digits
#: (whole milliseconds, not all zeros), or 6 (microseconds, not whole milliseconds).
_OWN_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.(?!000)[0-9]{3}|\.[0-9]{3}(?!000)[0-9]{3}|)Z\Z"
)


def timestamp_reproduced(when: datetime, sent: Any, parsed: Mapping[str, datetime]) -> bool:
    """
    True when ``format_timestamp(when) == sent``: whether a Timestamp field the mapping read
    is given back exactly. When the fast reader parsed ``sent`` into ``when`` itself
    (``parsed``: its parses by text), the spelling alone decides: a text gives its own
    instant back exactly when it is already in `format_timestamp`'s form.
    """
    if type(sent) is not str:
        return False
    if parsed.get(sent) is when:
        return _OWN_TIMESTAMP.match(sent) is not None
    return format_timestamp(when) == sent


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
        number = _integer(value, path, _INT32, "int32")
        if number < 0 and field.non_negative:
            raise PayloadError(path, value, f"a count of at least 0 ({field.name} is never negative)")
        return number
    if kind == "int64":
        return str(_integer(value, path, _INT64, "int64"))
    if kind == "timestamp":
        parse_timestamp(value, path)
        return value
    if kind == "enum":
        assert field.enum is not None
        return enum_value(value, field.enum, path)
    assert field.message is not None
    message = normalize_message(value, MESSAGES[field.message], path, money)
    if field.non_negative:  # a Money that is a price, a charge or a total
        check_not_negative(message, field.name, path)
    return message


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
