"""
A fast reader for the common case: a valid order, keyed and typed as protojson writes it.

`normalize_message` (in `._protojson`) accepts every protobuf JSON spelling and builds a
JSON path for every value so that its errors can name the culprit. Most orders need
neither: they come in Gearment's own encoding (or with lowerCamelCase keys) and are valid.
`read_order` first tries a reader that accepts only such values, through per-message field
tables built once, and builds no paths. At the first value it does not take (an int64
sent as a number-string with leading zeros, a Money out of range, a currency mismatch, any
error at all) it gives up, and the full normaliser reads the order again from the start:
the result, and every error with its path, stay exactly what `normalize_message` gives.

The fast reader is strictly narrower than `normalize_message`: whatever it accepts, the
full reader accepts too and turns into the same dict.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._json import freeze_json
from ...errors import CartnormError
from ...money import NANOS_PER_UNIT, normalize_currency
from ._protojson import MoneyContext, normalize_message
from ._schema import MESSAGES, Field, MessageSpec

__all__ = ["read_order", "read_order_and_timestamps"]

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: An int64 exactly as protojson writes it: no sign on zero, no leading zeros.
_CANONICAL_INT: Final = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")


class _NeedsFullReadError(Exception):
    """The fast reader met a value it does not take: the full normaliser must read the order."""


class _Seen:
    """
    What the fast reader has seen so far (no paths kept): the order's one currency, and
    every timestamp it parsed (by text), so that the mapping need not parse them again.
    """

    __slots__ = ("code", "last_sent", "timestamps")

    def __init__(self) -> None:
        self.code: str | None = None
        self.last_sent: str | None = None  # the last code as sent, known to normalise to `code`
        self.timestamps: dict[str, datetime] = {}

    def check_currency(self, sent: str) -> None:
        if sent == self.last_sent:
            return
        try:
            code = normalize_currency(sent)
        except CartnormError:
            raise _NeedsFullReadError from None
        if self.code is None:
            self.code = code
        elif code != self.code:
            raise _NeedsFullReadError
        self.last_sent = sent


Reader = Callable[[Any, _Seen], Any]


def _string(value: Any, seen: _Seen) -> Any:
    if type(value) is not str:
        raise _NeedsFullReadError
    return value


def _bool(value: Any, seen: _Seen) -> Any:
    if type(value) is not bool:
        raise _NeedsFullReadError
    return value


def _int32(value: Any, seen: _Seen) -> Any:
    if type(value) is not int or not _INT32_MIN <= value <= _INT32_MAX:
        raise _NeedsFullReadError
    return value


def _int64(value: Any, seen: _Seen) -> Any:
    if type(value) is str and _CANONICAL_INT.match(value) and _INT64_MIN <= int(value) <= _INT64_MAX:
        return value
    if type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
        return str(value)
    raise _NeedsFullReadError


def _timestamp(value: Any, seen: _Seen) -> Any:
    try:
        seen.timestamps[value] = parse_rfc3339(value, sub_microsecond="truncate")
    except CartnormError:
        raise _NeedsFullReadError from None
    return value


def _enum(kind: type[enum.IntEnum]) -> Reader:
    """Names stay names (aliases become the canonical name); known numbers become names."""
    by_name = {name: member.name for name, member in kind.__members__.items()}
    by_number = {member.value: member.name for member in kind}

    def read(value: Any, seen: _Seen) -> Any:
        if type(value) is str:
            return by_name.get(value, value)
        if type(value) is int and _INT32_MIN <= value <= _INT32_MAX:
            return by_number.get(value, value)
        raise _NeedsFullReadError

    return read


def _message(name: str) -> Reader:
    if name == "Money":
        return _money

    def read(value: Any, seen: _Seen) -> Any:
        return _read_message(value, _TABLES[name], seen)

    return read


#: A Money's keys as protojson writes them.
_MONEY_KEYS: Final = frozenset({"currency_code", "units", "nanos"})


def _money(value: Any, seen: _Seen) -> Any:
    """
    A Money: most are ``{"currency_code": str, "units": int64 string, "nanos": int}``, checked
    here in one go and copied as they are; any other shape goes through the Money table.
    """
    if type(value) is not dict or not value.keys() <= _MONEY_KEYS:
        return _read_message(value, _TABLES["Money"], seen)
    code, units, nanos = value.get("currency_code"), value.get("units"), value.get("nanos")
    if (
        (code is not None and type(code) is not str)
        or (units is not None and not (type(units) is str and _CANONICAL_INT.match(units)))
        or (nanos is not None and type(nanos) is not int)
    ):
        return _read_message(value, _TABLES["Money"], seen)
    _check_amount(0 if units is None else int(units), 0 if nanos is None else nanos)
    if code:  # an empty or omitted currency_code defers to the order's currency
        seen.check_currency(code)
    return dict(value)


def _repeated(single: Reader) -> Reader:
    def read(value: Any, seen: _Seen) -> Any:
        if type(value) is not list:
            raise _NeedsFullReadError
        return [single(item, seen) for item in value]

    return read


_SCALARS: Final[Mapping[str, Reader]] = {
    "string": _string,
    "bool": _bool,
    "int32": _int32,
    "int64": _int64,
    "timestamp": _timestamp,
}


def _reader(field: Field) -> Reader:
    if field.kind == "enum":
        assert field.enum is not None
        single = _enum(field.enum)
    elif field.kind == "message":
        assert field.message is not None
        single = _message(field.message)
    else:
        single = _SCALARS[field.kind]
    return _repeated(single) if field.repeated else single


#: Fields whose every valid value is stored as it came, by the one Python type it must have.
_AS_IS: Final[Mapping[str, type]] = {"string": str, "bool": bool}


class _Table:
    """
    A message's fields by JSON key (either spelling): the proto name to store under, and
    either the one type a value stored as is must have, or the reader that checks and converts it.
    """

    __slots__ = ("by_key", "is_money")

    def __init__(self, spec: MessageSpec) -> None:
        self.by_key: dict[str, tuple[str, type | None, Reader]] = {}
        for key, name in spec.by_key.items():
            field = spec.fields[name]
            as_is = None if field.repeated else _AS_IS.get(field.kind)
            self.by_key[key] = (name, as_is, _reader(field))
        self.is_money = spec.name == "Money"


def _read_message(raw: Any, table: _Table, seen: _Seen) -> dict[str, Any]:
    if type(raw) is not dict:
        raise _NeedsFullReadError
    out: dict[str, Any] = {}
    for key, value in raw.items():
        known = table.by_key.get(key)
        if known is None:
            out[key] = _unknown(key, value)
            continue
        name, as_is, read = known
        if value is None or type(value) is as_is:
            out[name] = value  # null ("unset") is kept; a string or bool is stored as it came
        else:
            out[name] = read(value, seen)
    if len(out) < len(raw):  # a field sent under both spellings: one overwrote the other
        raise _NeedsFullReadError
    if table.is_money:
        _check_money(out, seen)
    return out


def _unknown(key: object, value: Any) -> Any:
    """An unknown field, carried as it came (a checked deep copy)."""
    if type(key) is not str:
        raise _NeedsFullReadError
    try:
        return freeze_json(value)
    except CartnormError:
        raise _NeedsFullReadError from None


def _check_money(money: dict[str, Any], seen: _Seen) -> None:
    """google.type.Money's rules: units an int64, nanos in range and of the sign of units; one currency."""
    units = money.get("units")
    nanos = money.get("nanos")
    _check_amount(0 if units is None else int(units), 0 if nanos is None else nanos)
    code = money.get("currency_code")
    if code:  # an empty or omitted currency_code defers to the order's currency
        seen.check_currency(code)


def _check_amount(whole: int, part: int) -> None:
    """Units an int64, nanos in range and of the sign of units."""
    if not _INT64_MIN <= whole <= _INT64_MAX or not -NANOS_PER_UNIT < part < NANOS_PER_UNIT:
        raise _NeedsFullReadError
    if (whole > 0 > part) or (whole < 0 < part):
        raise _NeedsFullReadError


_TABLES: Final[Mapping[str, _Table]] = {name: _Table(spec) for name, spec in MESSAGES.items()}


def read_order(raw: object, path: str) -> tuple[dict[str, Any], str | None]:
    """
    Return the order ``raw`` (at ``path``) in the own encoding, and its currency if any Money names one.

    Same result, and same errors, as `normalize_message` with a fresh `MoneyContext`.
    """
    order, currency, _ = read_order_and_timestamps(raw, path)
    return order, currency


def read_order_and_timestamps(raw: object, path: str) -> tuple[dict[str, Any], str | None, dict[str, datetime]]:
    """
    `read_order`, and the timestamps the fast reader parsed on the way, by text (as
    `parse_timestamp` gives them; none when the full normaliser had to read the order).
    """
    seen = _Seen()
    try:
        return _read_message(raw, _TABLES["VendorOrder"], seen), seen.code, seen.timestamps
    except _NeedsFullReadError:
        money = MoneyContext()
        return normalize_message(raw, MESSAGES["VendorOrder"], path, money), money.currency, {}
