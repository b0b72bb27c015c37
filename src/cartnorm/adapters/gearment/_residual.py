"""
What a Gearment object keeps beside the canonical order: its *residual*.

For every Gearment object (the order, a line item, an address, a tracking) the adapter
knows how to rebuild its mapped fields from the canonical order (the *encoded* object).
The residual is what that cannot give back exactly: every field it does not produce, and
every field whose value differs from what was sent. If the encoded object has a field the
payload did not have, the residual lists it under ``"_omitted"``. Hence, by construction,
``merge(encoded, residual(raw, encoded)) == raw`` for every object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ...errors import CartnormError
from ...money import NANOS_PER_UNIT
from ._fast_read import CANONICAL_INT, Amounts
from ._protojson import format_timestamp, money_amount
from ._schema import MessageSpec

__all__ = [
    "OMITTED", "ExpectedMoney", "SentMoney", "SentTimestamp", "merge", "money_reproduced", "ordered", "residual",
    "same", "strip_reproduced", "timestamp_reproduced",
]  # fmt: skip

#: Residual key listing fields the payload did not have although the canonical order implies them.
OMITTED: Final = "_omitted"
#: Immutable JSON scalars: shared, never copied.
_SCALARS: Final = frozenset({str, int, bool, type(None), Decimal, float})
#: Scalars for which ``==`` between two values of one type is exactly `same` (no NaN among them).
_PLAIN: Final = frozenset({str, int, bool, type(None)})


def same(left: Any, right: Any) -> bool:
    """JSON equality that tells ``true`` from ``1`` and ``"1"`` from ``1``."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left == right and all(_same_member(value, right[key]) for key, value in left.items())
    if isinstance(left, list):
        return left == right and all(_same_member(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def _same_member(left: Any, right: Any) -> bool:
    """`same` for two members of containers already known equal (``==``): only types remain to check."""
    if type(left) is not type(right):
        return False
    return type(left) in _PLAIN or same(left, right)


def residual(raw: Mapping[str, Any], encoded: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``raw`` that ``encoded`` does not reproduce exactly."""
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if key in encoded and _reproduces(encoded[key], value):
            continue
        kept[key] = value
    omitted = [key for key in encoded if key not in raw]
    if omitted:
        kept[OMITTED] = omitted
    return kept


def strip_reproduced(raw: dict[str, Any], encoded: Mapping[str, Any]) -> dict[str, Any]:
    """
    `residual`, computed in place: ``raw`` (a dict of our own, e.g. the reader's copy of the
    payload) loses the fields ``encoded`` reproduces, and is returned.

    Same result, key order included, as ``residual(raw, encoded)``, but the work is per
    *encoded* field (a handful) rather than per payload field, and nothing is copied.
    """
    omitted = []
    for key, mapped in encoded.items():
        if key not in raw:
            omitted.append(key)
            continue
        sent = raw[key]
        kind = type(sent)
        if type(mapped) is kind and kind in _PLAIN:  # the usual case, inline: two scalars of one type
            if mapped == sent:
                del raw[key]
        elif _reproduces(mapped, sent):
            del raw[key]
    if omitted:
        raw[OMITTED] = omitted
    return raw


class ExpectedMoney:
    """
    A Money the canonical order implies, for comparison only: it matches a sent Money exactly
    when ``money_json(amount, currency)`` would equal it, without building that dict.

    Protojson's Money is ``{"currency_code", "units" (int64 text, left out when 0), "nanos"
    (left out when 0, of the sign of units)}``; the residual keeps every other spelling.
    """

    __slots__ = ("amount", "currency")

    def __init__(self, amount: Decimal, currency: str) -> None:
        self.amount = amount
        self.currency = currency

    def matches(self, sent: Any) -> bool:
        """True when ``sent`` is this amount exactly as `money_json` writes it."""
        if type(sent) is not dict or sent.get("currency_code") != self.currency:
            return False
        units, nanos = sent.get("units"), sent.get("nanos")
        whole = part = 0
        size = 1
        if units is not None:
            if type(units) is not str or not CANONICAL_INT.match(units):
                return False
            whole, size = int(units), size + 1
        if nanos is not None:
            if type(nanos) is not int or not nanos:
                return False
            part, size = nanos, size + 1
        if len(sent) != size or (not whole and units is not None):
            return False  # another key, a null, or an explicit zero: money_json writes none of them
        if not -NANOS_PER_UNIT < part < NANOS_PER_UNIT or whole > 0 > part or whole < 0 < part:
            return False
        return self._same_amount(whole, part)

    def _same_amount(self, whole: int, part: int) -> bool:
        """True when ``whole + part / 10**9`` is this amount, exactly."""
        try:
            numerator, denominator = self.amount.as_integer_ratio()
        except (ValueError, OverflowError):  # NaN, infinity: never a Money
            return False
        return numerator * NANOS_PER_UNIT == (whole * NANOS_PER_UNIT + part) * denominator


class SentMoney:
    """
    For the encoders, the Money of a field whose canonical amount was read from that very
    field: it is given back when sent in `money_json`'s spelling of ``currency``
    (`money_reproduced`). One object serves every such field of an order.
    """

    __slots__ = ("amounts", "currency")

    def __init__(self, currency: str, amounts: Amounts) -> None:
        self.currency = currency
        self.amounts = amounts

    def writer(self, _amount: Decimal, _currency: str) -> SentMoney:
        """A `MoneyWriter` for the encoders: every Money field gets this expectation."""
        return self

    def matches(self, sent: Any) -> bool:
        """True when ``sent`` is given back exactly."""
        return money_reproduced(sent, self.currency, self.amounts)


def money_reproduced(sent: Any, currency: str, amounts: Amounts) -> bool:
    """
    True when a sent Money is what ``money_json(<its own amount>, currency)`` writes: the
    residual's test for a Money field mapped to an amount that gives the same amount back.
    """
    known = amounts.get(id(sent))
    if known is not None and known[0] is sent:  # read by the fast reader: its spelling is known
        return known[1] and sent.get("currency_code") == currency
    try:
        amount = money_amount(sent, "$")
    except CartnormError:
        return False
    return ExpectedMoney(amount, currency).matches(sent)


#: A Timestamp exactly as `format_timestamp` writes one: UTC ``Z``, and no fraction, or 3 digits
#: (whole milliseconds, not all zeros), or 6 (microseconds, not whole milliseconds).
_OWN_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.(?!000)[0-9]{3}|\.[0-9]{3}(?!000)[0-9]{3}|)Z\Z"
)


def timestamp_reproduced(when: datetime, sent: Any, parsed: Mapping[str, datetime]) -> bool:
    """
    True when ``format_timestamp(when) == sent``. When the fast reader parsed ``sent`` into
    ``when`` itself (``parsed``: its parses by text), the spelling alone decides: a text gives
    its own instant back exactly when it is already in `format_timestamp`'s form.
    """
    if type(sent) is not str:
        return False
    if parsed.get(sent) is when:
        return _OWN_TIMESTAMP.match(sent) is not None
    return format_timestamp(when) == sent


class SentTimestamp:
    """
    For `encode_order_fields`, the Timestamp of a field whose canonical date-time was read
    from that very field (`timestamp_reproduced`), compared rather than formatted.
    """

    __slots__ = ("parsed", "when")

    def __init__(self, when: datetime, parsed: Mapping[str, datetime]) -> None:
        self.when = when
        self.parsed = parsed

    @staticmethod
    def writer(parsed: Mapping[str, datetime]) -> Any:
        """A `TimestampWriter` for the encoders: every Timestamp field gets this expectation."""
        return lambda when: SentTimestamp(when, parsed)

    def matches(self, sent: Any) -> bool:
        """True when ``sent`` is given back exactly."""
        return timestamp_reproduced(self.when, sent, self.parsed)


#: Stand-ins the encoders may write instead of a value, compared by their own ``matches``.
_EXPECTATIONS: Final = frozenset({ExpectedMoney, SentMoney, SentTimestamp})


def _reproduces(mapped: Any, sent: Any) -> bool:
    """`same`, with the usual case (two plain scalars of one type) decided inline."""
    kind = type(sent)
    if type(mapped) is not kind:
        return type(mapped) in _EXPECTATIONS and bool(mapped.matches(sent))
    return bool(mapped == sent) if kind in _PLAIN else same(mapped, sent)


def merge(encoded: Mapping[str, Any], rest: Mapping[str, Any] | None) -> dict[str, Any]:
    """Rebuild an object from its encoded fields and its residual (a fresh deep copy)."""
    out = dict(encoded)
    if not rest:
        return out
    omitted = rest.get(OMITTED)
    if isinstance(omitted, list):
        for key in omitted:
            out.pop(key, None)
    for key, value in rest.items():
        if key != OMITTED:
            out[key] = _copy(value)
    return out


def ordered(obj: dict[str, Any], spec: MessageSpec) -> dict[str, Any]:
    """``obj`` with known fields in proto order (Gearment's own key order), unknown ones after."""
    out = {name: obj[name] for name in spec.fields if name in obj}
    if len(out) < len(obj):
        out.update((key, value) for key, value in obj.items() if key not in out)
    return out


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:  # the usual containers first: isinstance(…, Mapping) is an ABC check, slow
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value
