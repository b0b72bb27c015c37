"""
Medusa money in both encodings, read and written exactly through `cartnorm.money`.

* v1: every amount is a JSON integer in the currency's minor unit (USD 2599 = 25.99,
  JPY 3000 = 3000, KWD 5250 = 5.250 with the admin-UI exponent table). Floats, strings and
  booleans are a `MoneyError`, never a guess.
* v2: amounts are major units; the exact value is the BigNumber string in ``raw_<field>``
  (``{"value": "15", "precision": 20}``). Without one, the JSON number is read: an integer, an
  exact `Decimal` (cartnorm's JSON parser), or a ``float`` from ``json.loads``, read back as the
  decimal text JavaScript wrote (`cartnorm._json.exact_float`; ``docs/money.md`` says when that
  holds). Per-unit amounts are exact when the division is (v2 amounts are not kept at the
  currency's minor unit), else rounded to the 20 significant digits of Medusa's BigNumbers.

Amounts that cannot be below zero (prices, line and order totals) are read with
`Money.amount`, which turns a negative one into a `MoneyError` naming its path.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..._json import exact_float
from ..._paths import child
from ...errors import CartnormError, MoneyError
from ...money import (
    ISO_4217_MINOR_UNITS,
    PerUnitSplit,
    _exact_split,
    exponent_of,
    from_minor_units,
    split_per_unit,
    to_minor_units,
)

__all__ = [
    "ADMIN_UI_EXPONENTS",
    "BIG_NUMBER_PRECISION",
    "Money",
    "default_exponent",
    "v2_number",
    "v2_split",
    "v2_text",
]

#: The ``precision`` Medusa v2 writes in every BigNumber.
BIG_NUMBER_PRECISION: Final = 20

#: Where the Medusa v1 admin UI (``packages/admin-ui/ui/src/utils/currencies.ts``, ``decimal_digits``:
#: prices typed there are stored as ``amount * 10**decimal_digits``) disagrees with ISO 4217, or
#: lists a code ISO has withdrawn. Every other code follows ISO 4217 (`cartnorm.money`).
ADMIN_UI_EXPONENTS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "AFN": 0, "IQD": 0, "IRR": 0, "MGA": 0, "PKR": 0, "RSD": 0, "SOS": 0, "SYP": 0, "ZMW": 0, "ZWL": 0,
        "ISK": 2, "UGX": 2, "EEK": 2, "LTL": 2, "LVL": 2,
    }
)  # fmt: skip


def default_exponent(currency: str, version: int) -> int | None:
    """
    The exponent a Medusa payload of ``version`` uses for ``currency`` (upper case), if known.

    v1 stores what the admin UI wrote (`ADMIN_UI_EXPONENTS`, else ISO 4217); v2 amounts are
    major units, and the exponent only sets the per-unit rounding step (ISO 4217).

    >>> default_exponent("PKR", 1), default_exponent("PKR", 2), default_exponent("KWD", 1)
    (0, 2, 3)
    """
    if version == 1 and currency in ADMIN_UI_EXPONENTS:
        return ADMIN_UI_EXPONENTS[currency]
    return ISO_4217_MINOR_UNITS.get(currency)


def v2_text(amount: Decimal) -> str:
    """
    The shortest plain decimal text of ``amount``, as JavaScript writes numbers.

    >>> v2_text(Decimal("15.50")), v2_text(Decimal("1E+2"))
    ('15.5', '100')
    """
    text = format(amount.normalize(), "f")
    return "0" if text == "-0" else text


def v2_number(amount: Decimal) -> int | Decimal:
    """The JSON number Medusa v2 writes beside a BigNumber: an int when whole."""
    text = v2_text(amount)
    return Decimal(text) if "." in text else int(text)


#: Amounts of at most this many digits (and decimal places) take the direct conversions below;
#: anything larger, and anything malformed, goes through `cartnorm.money`, which also raises
#: every error. Well inside `cartnorm.money`'s own bound of 40.
_DIRECT_DIGITS: Final = 18
_DIRECT_LIMIT: Final = 10**_DIRECT_DIGITS


@functools.lru_cache(maxsize=64)
def _accepted_exponent(currency: str, exponent: int) -> int | None:
    """
    ``exponent`` when `cartnorm.money` accepts it for ``currency``, else None.

    `cartnorm.money` re-validates the currency and the exponent on every conversion; this
    answers once per pair. None sends every conversion down the `cartnorm.money` path, which
    raises the proper error.
    """
    try:
        return exponent_of(currency, exponents={currency: exponent})
    except CartnormError:
        return None


def _direct_from_minor(value: object, exponent: int | None) -> Decimal | None:
    """``from_minor_units`` for an ordinary integer (the same Decimal, digits and exponent); else None."""
    if exponent is None or type(value) is not int or not -_DIRECT_LIMIT < value < _DIRECT_LIMIT:
        return None
    return Decimal(f"{value}E-{exponent}")  # exact: the constructor never rounds


def _direct_to_minor(amount: object, exponent: int | None) -> int | None:
    """
    ``to_minor_units`` for an ordinary amount that is whole in minor units; else None.

    The amount's exact ratio of integers (one C call) scaled to minor units in integers, instead
    of Decimal arithmetic: below 10**18 in magnitude, an amount that is whole in minor units lies
    well inside `cartnorm.money`'s bounds; anything else goes there, which also raises every error.
    """
    if exponent is None or type(amount) is not Decimal or not amount.is_finite():
        return None
    if not -_DIRECT_DIGITS <= amount.adjusted() < _DIRECT_DIGITS:  # 10**-18 <= |amount| < 10**18, or zero
        return None if amount else 0
    numerator, denominator = amount.as_integer_ratio()
    scale, rest = divmod(10**exponent, denominator)
    return None if rest else numerator * scale


def _direct_exact_split(line_amount: object, quantity: object, exponent: int | None) -> PerUnitSplit | None:
    """
    ``split_per_unit`` when an ordinary amount divides exactly at ``exponent``; None otherwise,
    rounding included.

    The checks `split_per_unit` makes on every call (currency, exponent, amount, quantity) are
    made here once per currency (`_accepted_exponent`) or by type; the split itself is
    `split_per_unit`'s own exact one in C.
    """
    if exponent is None or type(line_amount) is not Decimal or type(quantity) is not int or quantity <= 0:
        return None
    if not line_amount.is_finite():
        return None
    _, digits, places = line_amount.as_tuple()
    if len(digits) > _DIRECT_DIGITS or not -_DIRECT_DIGITS <= int(places) <= _DIRECT_DIGITS:
        return None  # beyond this, split_per_unit's bounds decide
    return _exact_split(line_amount, quantity, exponent)


#: A v2 per-unit amount that does not divide exactly is rounded (half to even) to this many
#: significant digits: the precision Medusa v2 itself keeps its BigNumbers at.
_V2_DIGITS: Final = BIG_NUMBER_PRECISION
_TRAPS: Final = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
_V2_ROUNDED: Final = decimal.Context(prec=_V2_DIGITS, rounding=decimal.ROUND_HALF_EVEN, traps=_TRAPS)
#: Division that never rounds: an inexact quotient raises (and is then rounded as above).
_V2_EXACT: Final = decimal.Context(prec=120, traps=[decimal.Inexact, *_TRAPS])


def v2_split(line_amount: Decimal, quantity: int, exponent: int) -> PerUnitSplit:
    """
    A Medusa v2 line amount per unit: the exact quotient when it terminates, else the quotient
    rounded half-even to 20 significant digits; never fewer decimal places than the currency
    has (``exponent``). ``per_unit * quantity + remainder == line_amount`` exactly.

    >>> v2_split(Decimal("0.3125"), 2, 3).per_unit, v2_split(Decimal("3.2"), 2, 2).per_unit
    (Decimal('0.15625'), Decimal('1.60'))
    >>> v2_split(Decimal("10"), 3, 2)
    PerUnitSplit(per_unit=Decimal('3.3333333333333333333'), remainder=Decimal('1E-19'), quantity=3)
    """
    try:
        per_unit = _V2_EXACT.divide(line_amount, quantity)
    except decimal.Inexact:
        per_unit = _V2_ROUNDED.divide(line_amount, quantity)
    places = per_unit.as_tuple().exponent
    if isinstance(places, int) and places > -exponent:
        per_unit = per_unit.quantize(Decimal(1).scaleb(-exponent), context=_V2_EXACT)
    remainder = _V2_EXACT.subtract(line_amount, _V2_EXACT.multiply(per_unit, quantity))
    if not remainder:
        remainder = Decimal(0)
    return PerUnitSplit(per_unit=per_unit if per_unit else per_unit.copy_abs(), remainder=remainder, quantity=quantity)


@attrs.frozen(kw_only=True)
class Money:
    """
    How one order's amounts are encoded.

    Attributes:
        version: Medusa major version, 1 or 2.
        currency: upper-case ISO 4217 code.
        exponent: decimal places of one minor unit (the ISO table or the caller's override).
    """

    version: int
    currency: str
    exponent: int

    @property
    def exponents(self) -> Mapping[str, int]:
        """The exponent table to hand to `cartnorm.money` (this currency only)."""
        return {self.currency: self.exponent}

    def read(self, obj: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """The exact amount at ``key`` in major units; None when absent or null."""
        if self.version == 2:
            return self._read_v2(obj, key, path)
        value = obj.get(key)
        if value is None:
            return None
        amount = _direct_from_minor(value, _accepted_exponent(self.currency, self.exponent))
        if amount is not None:
            return amount
        return from_minor_units(value, self.currency, exponents=self.exponents, path=child(path, key))

    def amount(self, obj: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """`read` for an amount that cannot be below zero: a negative one is a `MoneyError`."""
        value = self.read(obj, key, path)
        if value is not None and value < 0:
            raise MoneyError(
                child(path, key), obj.get(key, value), "an amount of zero or more (Medusa never writes it below zero)"
            )
        return value

    def _read_v2(self, obj: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        raw = obj.get("raw_" + key)
        if isinstance(raw, Mapping):
            text = raw.get("value")
            where = child(child(path, "raw_" + key), "value")
            try:
                amount = Decimal(text) if isinstance(text, str) else None
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite():
                raise MoneyError(where, text, "a BigNumber decimal string such as '15.99'")
            return amount
        value = obj.get(key)
        if value is None:
            return None
        if type(value) is int:
            return Decimal(value)
        if type(value) is Decimal and value.is_finite():
            return value
        if type(value) is float:  # json.loads: the shortest text of the double is the text Medusa wrote
            return exact_float(value, child(path, key))
        raise MoneyError(child(path, key), value, f"a v2 amount: raw_{key} as a BigNumber, or a JSON number")

    def write(self, target: dict[str, Any], key: str, amount: Decimal, path: str = "$") -> None:
        """Store ``amount`` at ``key`` in this encoding (v2 also writes ``raw_<key>``); ``path`` is ``target``'s."""
        if self.version == 2:
            target[key] = v2_number(amount)
            target["raw_" + key] = {"value": v2_text(amount), "precision": BIG_NUMBER_PRECISION}
            return
        minor = _direct_to_minor(amount, _accepted_exponent(self.currency, self.exponent))
        if minor is None:
            minor = to_minor_units(amount, self.currency, exponents=self.exponents, path=child(path, key))
        target[key] = minor

    def split(self, line_amount: Decimal, quantity: int, path: str, key: str) -> PerUnitSplit:
        """
        Divide a line amount (at ``key`` in the object at ``path``) by ``quantity``: at this
        currency's exponent (v1), or exactly where it can be (v2, see `v2_split`).
        """
        if self.version == 2:
            return v2_split(line_amount, quantity, self.exponent)
        split = _direct_exact_split(line_amount, quantity, _accepted_exponent(self.currency, self.exponent))
        if split is None:
            where = child(path, key)
            split = split_per_unit(line_amount, quantity, self.currency, exponents=self.exponents, path=where)
        return split

    def exact_per_unit(self, obj: Mapping[str, Any], key: str, quantity: int) -> Decimal | None:
        """
        ``split(read(obj, key), quantity).per_unit`` when ``obj[key]`` is an ordinary v1 integer
        that divides exactly by ``quantity``; None otherwise (then read and split it).

        Most line amounts divide evenly: in minor units that is one integer division, with no
        Decimal between reading the amount and writing the per-unit one.
        """
        exponent = _accepted_exponent(self.currency, self.exponent) if self.version == 1 else None
        value = obj.get(key)
        if exponent is None or type(value) is not int or type(quantity) is not int or quantity <= 0:
            return None
        if not -_DIRECT_LIMIT < value < _DIRECT_LIMIT:
            return None
        per_unit, rest = divmod(value, quantity)
        return None if rest else Decimal(f"{per_unit}E-{exponent}")
