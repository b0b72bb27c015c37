"""
Gearment money: ``google.type.Money`` read and written exactly, and the non-negative rule.

A Money is ``{"currency_code", "units" (int64, a string in Gearment's own encoding),
"nanos" (int32)}``; its amount is ``units + nanos / 10**9``, exact (`Decimal`, never a float).
Protojson leaves zero fields out, so ``{"currency_code": "USD"}`` is zero. Gearment's prices,
charges and totals are never negative; only a refund's ``amount`` may be (the schema says
which: ``Field.non_negative``, see `._schema`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from typing import Any, Final

from ...errors import CartnormError, MoneyError
from ...lossless import same
from ...money import NANOS_PER_UNIT, from_units_nanos, to_units_nanos

__all__ = [
    "Amounts",
    "check_not_negative",
    "exact_amount",
    "money_amount",
    "money_json",
    "money_reproduced",
    "text_amount",
    "units_nanos",
]

_INT64: Final = (-(2**63), 2**63 - 1)

#: Every Money the fast reader noted (``NOTED_MONEYS`` in `._fast_read`), by ``id`` of its copy:
#: ``(the copy itself (so the id stays its own), whether `money_json` would write it exactly so,
#: its exact amount)``. A Money ``m`` was noted when ``(known := amounts.get(id(m))) is not None
#: and known[0] is m``; the mapping looks it up so, inline, on its hot path.
Amounts = dict[int, tuple[dict[str, Any], bool, Decimal]]


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


def check_not_negative(money: Mapping[str, Any], field: str, path: str) -> None:
    """
    A `MoneyError` at ``path`` when the Money (own encoding, already checked) is negative:
    ``field`` is a price, a charge or a total (a refund's amount, the one exception, is not checked).
    """
    units, nanos = money.get("units"), money.get("nanos")
    if (units is not None and units.startswith("-")) or (type(nanos) is int and nanos < 0):
        raise MoneyError(
            path,
            money,
            f"a non-negative amount ({field} is a price, charge or total; only a refund's amount may be negative)",
            hint="Gearment sends refunds as negative amounts in refunds[].amount only; fix the record upstream.",
        )


def money_reproduced(sent: Any, currency: str, amounts: Amounts) -> bool:
    """
    True when a sent Money is what ``money_json(<its own amount>, currency)`` writes: how the
    forward mapping tells the engine whether a Money field it maps is given back exactly.
    """
    known = amounts.get(id(sent))
    if known is not None and known[0] is sent:  # read by the fast reader: its spelling is known
        return known[1] and sent.get("currency_code") == currency
    try:
        amount = money_amount(sent, "$")
        return same(money_json(amount, currency), sent)
    except CartnormError:
        return False
