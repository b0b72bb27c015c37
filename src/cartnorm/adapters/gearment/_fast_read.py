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
import functools
import math
import re
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ..._datetime import parse_rfc3339
from ..._json import JSON_LIMITS
from ...errors import CartnormError
from ...limits import Limits, is_valid_text, max_int_bits
from ...money import NANOS_PER_UNIT, normalize_currency
from ._amounts import Amounts, exact_amount, text_amount
from ._protojson import MoneyContext, normalize_message
from ._schema import MESSAGES, Field, MessageSpec

__all__ = [
    "CANONICAL_INT",
    "NOTED_MONEYS",
    "UNBOUNDED",
    "read_order",
    "read_order_and_timestamps",
    "reader_enforces",
]

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: An int64 exactly as protojson writes it: no sign on zero, no leading zeros.
CANONICAL_INT: Final = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")


#: The Money fields, by message, whose amounts the mapping reads from `Amounts` and whose
#: spelling decides whether they are given back: only these are noted. Any other Money is
#: carried as it came; were the mapping to read one, it would find no note and compute the
#: amount itself (correct, only slower; a test keeps this in step with the mapping).
NOTED_MONEYS: Final[Mapping[str, frozenset[str]]] = {
    "VendorOrder": frozenset({"order_total", "order_tax", "order_discount", "order_shipping_fee"}),
    "VendorOrderLineItem": frozenset({"item_price", "line_tax", "line_discount"}),
}


class _NeedsFullReadError(Exception):
    """The fast reader met a value it does not take: the full normaliser must read the order."""


#: The longest timestamp text the fast reader takes (RFC 3339 with nanoseconds is 35 characters).
_MAX_TIMESTAMP_CHARS: Final = 64
#: The longest int64 text: "-9223372036854775808".
_MAX_INT64_CHARS: Final = 20
#: Integer texts this long always fit an int64.
_SURE_INT64_CHARS: Final = 18


def _message_depth(name: str, seen: frozenset[str] = frozenset()) -> int:
    """How many containers deep a message's deepest message field sits below it (lists count)."""
    if name in seen:
        msg = f"recursive Gearment message {name}: the fast reader's depth bound needs a finite schema"
        raise AssertionError(msg)
    depth = 0
    for field in MESSAGES[name].fields.values():
        if field.kind == "message" and field.message is not None:
            below = _message_depth(field.message, seen | {name})
            depth = max(depth, below + (2 if field.repeated else 1))
    return depth


#: The deepest a known message sits in a payload: under the envelope's ``data``, at this depth.
_DEEPEST_MESSAGE: Final = 1 + _message_depth("VendorOrder")


@functools.lru_cache(maxsize=64)  # Limits are frozen: one answer per Limits
def reader_enforces(limits: Limits) -> bool:
    """
    True when the reader's own checks enforce ``limits`` (`Adapter.checks_limits`): when known
    fields can never exceed them (int64s have 19 digits, enum names and timestamps are short,
    messages nest a few levels). Whatever the reader then accepts is within ``limits``; at the
    first value that may not be, it declines, and the careful pass
    (`cartnorm.limits.check_payload`) decides and names the place.
    """
    return (
        limits.max_number_digits >= _MAX_INT64_CHARS
        and limits.max_string_chars >= max(_MAX_TIMESTAMP_CHARS, _LONGEST_NAME)
        and limits.max_array_items >= len(_MONEY_KEYS)
        and limits.max_depth > _DEEPEST_MESSAGE + 1
    )


#: No bounds but those on free JSON (`JSON_LIMITS`, which unknown fields always get).
UNBOUNDED: Final = Limits(
    max_depth=sys.maxsize, max_number_digits=sys.maxsize, max_string_chars=sys.maxsize,
    max_array_items=sys.maxsize, max_nodes=sys.maxsize,
)  # fmt: skip


class _Seen:
    """
    What the fast reader has seen so far (no paths kept): the order's one currency, and
    every timestamp it parsed (by text), so that the mapping need not parse them again;
    also the values it counted, and the limits it reads under (`cartnorm.Limits`: strings,
    arrays and integers as they come; free JSON (unknown fields) nests only as deep as is
    left below the deepest known message, and within `JSON_LIMITS`).
    """

    __slots__ = ("amounts", "code", "free_depth", "free_digits", "last_sent", "max_bits", "max_chars", "max_items",
                 "nodes", "timestamps")  # fmt: skip

    def __init__(self, limits: Limits) -> None:
        self.code: str | None = None
        self.last_sent: str | None = None  # the last code as sent, known to normalise to `code`
        self.timestamps: dict[str, datetime] = {}
        self.amounts: Amounts = {}
        self.nodes = 0
        self.max_chars, self.max_items = limits.max_string_chars, limits.max_array_items
        self.max_bits = max_int_bits(limits)
        # unknown fields hang below a known message: their own nesting gets what is left
        self.free_depth = min(JSON_LIMITS.max_depth, limits.max_depth - _DEEPEST_MESSAGE - 1)
        self.free_digits = min(limits.max_number_digits, JSON_LIMITS.max_number_digits)

    def check_text(self, text: str) -> None:
        """A string of unknown content: not too long, and valid Unicode."""
        if len(text) > self.max_chars or not is_valid_text(text):
            raise _NeedsFullReadError

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
    seen.check_text(value)
    return value


def _bool(value: Any, seen: _Seen) -> Any:
    if type(value) is not bool:
        raise _NeedsFullReadError
    return value


def _int32(value: Any, seen: _Seen) -> Any:
    if type(value) is not int or not _INT32_MIN <= value <= _INT32_MAX:
        raise _NeedsFullReadError
    return value


def _count(value: Any, seen: _Seen) -> Any:
    """An int32 that is never negative (a quantity)."""
    if type(value) is not int or not 0 <= value <= _INT32_MAX:
        raise _NeedsFullReadError
    return value


def _int64(value: Any, seen: _Seen) -> Any:
    if (
        type(value) is str
        and len(value) <= _MAX_INT64_CHARS
        and CANONICAL_INT.match(value)
        and _INT64_MIN <= int(value) <= _INT64_MAX
    ):
        return value
    if type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
        return str(value)
    raise _NeedsFullReadError


def _timestamp(value: Any, seen: _Seen) -> Any:
    if type(value) is not str or len(value) > _MAX_TIMESTAMP_CHARS:
        raise _NeedsFullReadError
    if value in seen.timestamps:  # the same instant, as often (paid_at and approved_at): parsed once per order
        return value
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
            name = by_name.get(value)
            if name is None:  # an unknown name, kept as sent
                seen.check_text(value)
                return value
            return name
        if type(value) is int and _INT32_MIN <= value <= _INT32_MAX:
            return by_number.get(value, value)
        raise _NeedsFullReadError

    return read


def _message(name: str) -> Reader:
    """A message's reader: its table's own `_Table.read` (the tables all exist before any is filled)."""
    return _TABLES[name].read


#: A Money's keys as protojson writes them.
_MONEY_KEYS: Final = ("currency_code", "units", "nanos")


def _money_reader(*, noted: bool, non_negative: bool) -> Reader:
    """
    A Money's reader: most are ``{"currency_code": str, "units": int64 string, "nanos": int}``,
    checked here in one go and copied as they are (and noted in `Amounts` when ``noted``: see
    `NOTED_MONEYS`); any other shape goes through the Money table. A negative amount where
    the field is ``non_negative`` is left to the full reader, which says so at its path.
    """

    def by_table(value: Any, seen: _Seen) -> Any:
        money = _TABLES["Money"].read(value, seen)
        nanos = money.get("nanos")
        if non_negative and ((nanos is not None and nanos < 0) or str(money.get("units", "")).startswith("-")):
            raise _NeedsFullReadError
        return money

    def read(value: Any, seen: _Seen) -> Any:
        if type(value) is not dict:
            raise _NeedsFullReadError
        code, units, nanos = value.get("currency_code"), value.get("units"), value.get("nanos")
        size = len(value)
        if code is not None and type(code) is not str:
            raise _NeedsFullReadError
        known = None
        if (type(units) is str or units is None) and (type(nanos) is int or nanos is None):
            known = _SEEN_MONEYS.get((code, units, nanos, size))  # exact types first: 1.0 == 1 == True
        if known is None:
            known = _money_shape(code, units, nanos, size)
            if known is None:
                return by_table(value, seen)  # other keys, nulls, other spellings
        canonical, amount, negative = known
        if negative and non_negative:
            raise _NeedsFullReadError  # a negative price: the full reader says so at its path
        if code and code != seen.last_sent:  # an empty currency_code defers to the order's currency
            seen.check_currency(code)  # a valid ISO 4217 code: short, ASCII
        seen.nodes += size
        copy = value.copy()
        if noted:
            seen.amounts[id(copy)] = (copy, canonical, amount)
        return copy

    return read


#: What `_money_shape` found of the Moneys seen so far, by (currency_code, units, nanos, number of
#: keys): Moneys repeat (a price on every line, order after order), and their checks and exact
#: amount depend on nothing else. Bounded: emptied when full.
_SEEN_MONEYS: dict[tuple[Any, Any, Any, int], tuple[bool, Decimal, bool]] = {}
_MAX_SEEN_MONEYS: Final = 4096


def _money_shape(code: Any, units: Any, nanos: Any, size: int) -> tuple[bool, Decimal, bool] | None:
    """
    For a Money of exactly these fields in protojson's own spelling and valid: (whether
    `money_json` writes it so, its exact amount, whether it is negative); None for any other
    (other keys, nulls, a number-string units, nanos out of range), left to the Money table.
    Raises `_NeedsFullReadError` when nanos and units disagree in sign.
    """
    if size != (code is not None) + (units is not None) + (nanos is not None):
        return None
    if units is not None and not (
        type(units) is str
        and len(units) <= _SURE_INT64_CHARS
        and (  # protojson's int64 text: no sign on zero, no leading zeros
            (units.isdigit() and units.isascii() and (units[0] != "0" or units == "0")) or CANONICAL_INT.match(units)
        )
    ):
        return None
    if nanos is None:
        part = 0
    elif type(nanos) is int and -NANOS_PER_UNIT < nanos < NANOS_PER_UNIT:
        part = nanos
    else:
        return None
    negative = (units is not None and units[0] == "-") or part < 0
    if part and units is not None and units != "0" and (units[0] == "-") != (part < 0):
        raise _NeedsFullReadError  # nanos must have the sign of units
    # in money_json's own spelling when it names a currency and leaves zeros out (no nulls, no other keys)
    found = (bool(code) and units != "0" and nanos != 0, text_amount(units, part), negative)
    if len(_SEEN_MONEYS) >= _MAX_SEEN_MONEYS:
        _SEEN_MONEYS.clear()
    _SEEN_MONEYS[code, units, nanos, size] = found
    return found


#: A Money reader per (noted, non_negative): noted Moneys are those of `NOTED_MONEYS`; the
#: others are carried as they came.
_MONEYS: Final[Mapping[tuple[bool, bool], Reader]] = {
    (noted, non_negative): _money_reader(noted=noted, non_negative=non_negative)
    for noted in (False, True)
    for non_negative in (False, True)
}


def _remember(money: dict[str, Any], whole: int, part: int, seen: _Seen) -> None:
    """Note a Money read field by field: its exact amount, and whether it is in `money_json`'s spelling."""
    has_units, has_nanos = money.get("units") is not None, money.get("nanos") is not None
    canonical = (
        bool(money.get("currency_code"))
        and len(money) == 1 + has_units + has_nanos  # no other keys, no nulls
        and (whole != 0) == has_units  # protojson leaves zeros out
        and (part != 0) == has_nanos
    )
    seen.amounts[id(money)] = (money, canonical, exact_amount(whole, part))


def _repeated(single: Reader) -> Reader:
    def read(value: Any, seen: _Seen) -> Any:
        if type(value) is not list or len(value) > seen.max_items:
            raise _NeedsFullReadError
        seen.nodes += len(value)
        return [single(item, seen) for item in value]

    return read


_SCALARS: Final[Mapping[str, Reader]] = {
    "string": _string,
    "bool": _bool,
    "int32": _int32,
    "int64": _int64,
    "timestamp": _timestamp,
}


def _reader(field: Field, *, noted: bool = False) -> Reader:
    if field.kind == "enum":
        assert field.enum is not None
        single = _enum(field.enum)
    elif field.message == "Money":
        single = _MONEYS[noted, field.non_negative]
    elif field.kind == "message":
        assert field.message is not None
        single = _message(field.message)
    elif field.kind == "int32" and field.non_negative:
        single = _count
    else:
        single = _SCALARS[field.kind]
    return _repeated(single) if field.repeated else single


_UNSHAPED: Final[Any] = object()
#: The most shapes (key sets) one message's table remembers; real payloads have a few each.
_MAX_SHAPES: Final = 256
#: Shapes compiled only up to these many keys, and unknown keys among them (Gearment's largest
#: message has 55 fields, and adds a few new ones at a time): a message with more is read by the
#: loop, so that no payload makes cartnorm compile large code.
_MAX_SHAPE_KEYS: Final = 96
_MAX_SHAPE_UNKNOWN: Final = 12


def _generate_reader(
    name: str, keys: tuple[Any, ...], by_key: Mapping[str, tuple[str, type | None, Reader]]
) -> Reader | None:
    """
    The source of a reader for one shape of a message, compiled. It does what `_Table.read`'s
    loop does, field by field, unrolled: texts and flags checked and kept as they came (the
    message is copied whole first), every other known field read by its reader, unknown fields
    copied by `_free_copy`. Keys reach the code as constants of its namespace, never as source.
    """
    if len(keys) > _MAX_SHAPE_KEYS or sum(key not in by_key for key in keys) > _MAX_SHAPE_UNKNOWN:
        return None  # a hostile or odd message: not worth compiling code for (the loop reads it)
    if not all(type(key) is str and (key not in by_key or by_key[key][0] == key) for key in keys):
        return None  # another spelling (renamed keys), or a key that is not a string
    namespace: dict[str, Any] = {"Declined": _NeedsFullReadError, "valid": is_valid_text, "free": _free_copy}
    body = ["    out = raw.copy()", "    limit = seen.max_chars"]
    longest_unknown = 0
    for index, key in enumerate(keys):
        namespace[f"k{index}"] = key
        known = by_key.get(key)
        if known is None:
            longest_unknown = max(longest_unknown, len(key))
            body.append(f"    out[k{index}] = free(raw[k{index}], seen, 0)")
        elif known[1] is str:
            body.append(
                f"    if (v := raw[k{index}]) is not None and (type(v) is not str or len(v) > limit"
                " or not (v.isascii() or valid(v))):\n        raise Declined"
            )
        elif known[1] is bool:
            body.append(f"    if (v := raw[k{index}]) is not None and type(v) is not bool:\n        raise Declined")
        else:
            namespace[f"r{index}"] = known[2]
            body.append(f"    if (v := raw[k{index}]) is not None:\n        out[k{index}] = r{index}(v, seen)")
    if longest_unknown:
        body.insert(2, f"    if {longest_unknown} > limit:\n        raise Declined")
    source = "def read(raw, seen):\n" + "\n".join(body) + "\n    return out\n"
    exec(compile(source, f"<cartnorm gearment reader {name}>", "exec"), namespace)  # noqa: S102 - our own template
    reader: Reader = namespace["read"]
    return reader


#: Fields whose every valid value is stored as it came, by the one Python type it must have.
_AS_IS: Final[Mapping[str, type]] = {"string": str, "bool": bool}


class _Table:
    """
    A message's fields by JSON key (either spelling): the proto name to store under, and
    either the one type a value stored as is must have, or the reader that checks and converts it.
    """

    __slots__ = ("by_key", "is_money", "shapes", "spec")

    def __init__(self, spec: MessageSpec) -> None:
        self.spec = spec
        self.by_key: dict[str, tuple[str, type | None, Reader]] = {}  # see `fill`
        self.is_money = spec.name == "Money"
        self.shapes: dict[tuple[Any, ...], Reader | None] = {}  # see `_shape_reader`

    def _shape_reader(self, keys: tuple[Any, ...]) -> Reader | None:
        """
        A reader for messages with exactly these keys, all in Gearment's own spelling (None for
        other spellings: the field-by-field loop reads those): one straight function per shape,
        generated once, with no loop and no table look-up per field. Messages of a kind come
        with the same keys order after order; the shapes are remembered (bounded: emptied when full).
        """
        reader = _generate_reader(self.spec.name, keys, self.by_key)
        if len(self.shapes) >= _MAX_SHAPES:
            self.shapes.clear()
        self.shapes[keys] = reader
        return reader

    def fill(self) -> None:
        """Make the readers: a message field's is its table's bound `read` (one call per message, no wrapper)."""
        spec = self.spec
        noted = NOTED_MONEYS.get(spec.name, frozenset())
        for key, name in spec.by_key.items():
            field = spec.fields[name]
            as_is = None if field.repeated else _AS_IS.get(field.kind)
            self.by_key[key] = (name, as_is, _reader(field, noted=name in noted and not field.repeated))

    def read(self, raw: Any, seen: _Seen) -> dict[str, Any]:
        """The message ``raw``, checked and copied (see the module's docstring)."""
        if type(raw) is not dict or len(raw) > seen.max_items:
            raise _NeedsFullReadError
        seen.nodes += len(raw)
        if not self.is_money:
            keys = tuple(raw)
            reader = self.shapes.get(keys, _UNSHAPED)
            if reader is _UNSHAPED:
                reader = self._shape_reader(keys)
            if reader is not None:
                shaped: dict[str, Any] = reader(raw, seen)
                return shaped
        max_chars = seen.max_chars
        field_for = self.by_key.get
        out: dict[str, Any] = {}
        for key, value in raw.items():
            known = field_for(key)
            if known is None:
                out[key] = _unknown(key, value, seen)
                continue
            name, as_is, read = known
            kind = type(value)
            if kind is as_is:  # a string or bool, stored as it came
                if kind is str and (len(value) > max_chars or not (value.isascii() or is_valid_text(value))):
                    raise _NeedsFullReadError
                out[name] = value
            elif value is None:
                out[name] = None  # null ("unset") is kept
            else:
                out[name] = read(value, seen)
        if len(out) < len(raw):  # a field sent under both spellings: one overwrote the other
            raise _NeedsFullReadError
        if self.is_money:
            _check_money(out, seen)
        return out


def _unknown(key: object, value: Any, seen: _Seen) -> Any:
    """An unknown field, carried as it came (a checked deep copy)."""
    if type(key) is not str or len(key) > seen.max_chars:
        raise _NeedsFullReadError
    return _free_copy(value, seen, 0)


def _free_copy(value: Any, seen: _Seen, depth: int) -> Any:
    """
    `cartnorm._json.freeze_json`'s copy of free JSON, within the reader's limits too: the same
    result where both accept (a test holds them together), and a decline wherever either may not.
    """
    kind = type(value)
    if kind is str:
        seen.check_text(value)
        return value
    if kind is int:
        if value.bit_length() > seen.max_bits:
            raise _NeedsFullReadError
        return value
    if kind is bool or value is None:
        return value
    if kind is dict or kind is list:
        if depth >= seen.free_depth or len(value) > seen.max_items:
            raise _NeedsFullReadError
        seen.nodes += len(value)
        if kind is list:
            return [_free_copy(item, seen, depth + 1) for item in value]
        out = {}
        for key, item in value.items():
            if type(key) is not str or len(key) > seen.max_chars:
                raise _NeedsFullReadError
            out[key] = _free_copy(item, seen, depth + 1)
        return out
    if kind is float and math.isfinite(value):
        value = Decimal(repr(value))  # the number as written (`cartnorm._json.exact_float`)
    elif kind is not Decimal or not value.is_finite():
        raise _NeedsFullReadError  # tuples, other mappings, NaN: the careful readers decide
    _, digits, exponent = value.as_tuple()
    if not (type(exponent) is int and len(digits) <= seen.free_digits and abs(exponent) <= seen.free_digits):
        raise _NeedsFullReadError  # as `cartnorm._json.decimal_within` decides
    return value


def _check_money(money: dict[str, Any], seen: _Seen) -> None:
    """google.type.Money's rules: units an int64, nanos in range and of the sign of units; one currency."""
    units = money.get("units")
    nanos = money.get("nanos")
    whole, part = 0 if units is None else int(units), 0 if nanos is None else nanos
    _check_amount(whole, part)
    code = money.get("currency_code")
    if code:  # an empty or omitted currency_code defers to the order's currency
        seen.check_currency(code)
    _remember(money, whole, part, seen)


def _check_amount(whole: int, part: int) -> None:
    """Units an int64, nanos in range and of the sign of units."""
    if not _INT64_MIN <= whole <= _INT64_MAX or not -NANOS_PER_UNIT < part < NANOS_PER_UNIT:
        raise _NeedsFullReadError
    if (whole > 0 > part) or (whole < 0 < part):
        raise _NeedsFullReadError


_TABLES: Final[Mapping[str, _Table]] = {name: _Table(spec) for name, spec in MESSAGES.items()}
for _table in _TABLES.values():
    _table.fill()
#: The longest key or enum name the reader stores without a length check (known to the schema).
_LONGEST_NAME: Final = max(
    *(len(key) for spec in MESSAGES.values() for key in spec.by_key),
    *(len(name) for spec in MESSAGES.values() for field in spec.fields.values() if field.enum is not None
      for name in field.enum.__members__),
)  # fmt: skip


def read_order(raw: object, path: str) -> tuple[dict[str, Any], str | None]:
    """
    Return the order ``raw`` (at ``path``) in the own encoding, and its currency if any Money names one.

    Same result, and same errors, as `normalize_message` with a fresh `MoneyContext`.
    """
    order, currency, _, _ = read_order_and_timestamps(raw, path)
    return order, currency


def read_order_and_timestamps(
    raw: object,
    path: str,
    limits: Limits = UNBOUNDED,
    spent_nodes: int = 1,
    before_full_read: Callable[[], object] | None = None,
) -> tuple[dict[str, Any], str | None, dict[str, datetime], Amounts]:
    """
    `read_order`, and the timestamps the fast reader parsed on the way, by text (as
    `parse_timestamp` gives them), and the amounts of the Moneys it copied (`Amounts`);
    neither when the full normaliser had to read the order.

    The fast reader reads within ``limits`` (see `reader_enforces`), ``spent_nodes`` of whose
    ``max_nodes`` the caller has counted already (the payload's root, the envelope's values);
    when it declines, ``before_full_read`` runs first (the careful limits check, which raises
    where the payload exceeds them).
    """
    seen = _Seen(limits)
    try:
        order = _TABLES["VendorOrder"].read(raw, seen)
        if seen.nodes > limits.max_nodes - spent_nodes:
            raise _NeedsFullReadError
    except _NeedsFullReadError:
        if before_full_read is not None:
            before_full_read()
        money = MoneyContext()
        return normalize_message(raw, MESSAGES["VendorOrder"], path, money), money.currency, {}, {}
    return order, seen.code, seen.timestamps, seen.amounts
