"""
Exact money: ISO 4217 exponents and lossless conversions.

Every function here is exact or raises; none of them ever touches ``float``.
Currency codes are normalised (upper-cased, validated) *before* any table look-up,
because vendors send ``"usd"`` and a lower-case look-up is a silent 100x bug for JPY.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import (
    Clamped,
    Context,
    Decimal,
    DivisionByZero,
    FloatOperation,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
)
from types import MappingProxyType
from typing import Any, Final, cast

import attrs
from babel.numbers import get_currency_name

from .errors import ConfigurationError, CurrencyError, MoneyError

__all__ = [
    "ISO_4217_MINOR_UNITS",
    "NANOS_PER_UNIT",
    "WITHDRAWN_CURRENCIES",
    "PerUnitSplit",
    "currency_name",
    "exact_per_unit",
    "exponent_of",
    "from_minor_units",
    "from_units_nanos",
    "line_amount",
    "normalize_currency",
    "split_per_unit",
    "to_minor_units",
    "to_units_nanos",
]

# Minor units (the exponent: how many decimal places a currency's amounts have).
# Source: ISO 4217 "List One" (current currencies and funds), as published by the
# maintenance agency SIX Financial Information AG, state of 2025 (amendments up to
# the introduction of XCG, the Caribbean guilder).  Codes whose minor unit is
# "N.A." (precious metals, SDR, testing codes such as XTS and XXX) are deliberately
# absent: they are not order currencies.  This is NOT babel's CLDR display-digits
# table, which answers 0 for IQD, IRR, LBP, ... and 2 for any code it does not know.
_CURRENT: Final[dict[str, int]] = {
    "AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2,
    "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2,
    "BND": 2, "BOB": 2, "BOV": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2,
    "BZD": 2, "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2, "CHW": 2, "CLF": 4, "CLP": 0,
    "CNY": 2, "COP": 2, "COU": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0,
    "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2,
    "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "GNF": 0, "GTQ": 2,
    "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2,
    "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2,
    "KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2,
    "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2,
    "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2,
    "MXN": 2, "MXV": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2,
    "NPR": 2, "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2,
    "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2,
    "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2, "SOS": 2,
    "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2, "TJS": 2,
    "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2,
    "UGX": 0, "USD": 2, "USN": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2, "VED": 2,
    "VES": 2, "VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0,
    "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}  # fmt: skip

# Withdrawn codes that still occur in order history (ISO 4217 "List Three").
_WITHDRAWN: Final[dict[str, int]] = {
    "ANG": 2, "BYR": 0, "CUC": 2, "HRK": 2, "MRO": 2, "SLL": 2, "STD": 2, "VEF": 2,
    "ZWL": 2,
}  # fmt: skip

#: ISO 4217 minor units keyed by upper-case code (current codes plus recently withdrawn ones).
ISO_4217_MINOR_UNITS: Final[Mapping[str, int]] = MappingProxyType(dict(sorted({**_CURRENT, **_WITHDRAWN}.items())))
#: Codes ISO 4217 has withdrawn; accepted because historic orders carry them.
WITHDRAWN_CURRENCIES: Final[frozenset[str]] = frozenset(_WITHDRAWN)
#: ``google.type.Money``: one unit is 10**9 nanos.
NANOS_PER_UNIT: Final = 1_000_000_000
_MAX_NANOS: Final = NANOS_PER_UNIT - 1
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
# Far beyond any real amount, small enough that 10**n stays cheap on hostile input.
_MAX_EXPONENT_SPAN: Final = 40


def normalize_currency(
    code: object,
    *,
    path: str = "$",
    exponents: Mapping[str, int] | None = None,
) -> str:
    """
    Return the upper-case ISO 4217 code for ``code``, or raise `CurrencyError`.

    Matching is case-insensitive and ignores surrounding white space. A code that is
    neither in `ISO_4217_MINOR_UNITS` nor in the caller's ``exponents`` is an error,
    never a guess.

    >>> normalize_currency("usd")
    'USD'
    """
    if not isinstance(code, str):
        raise CurrencyError(path, code, "an ISO 4217 currency code string such as 'usd' or 'EUR'")
    upper = code.strip().upper()
    if upper in ISO_4217_MINOR_UNITS or (exponents is not None and _override_for(upper, exponents) is not None):
        return upper
    raise CurrencyError(path, code, "a known ISO 4217 currency code")


def exponent_of(
    currency: str,
    *,
    exponents: Mapping[str, int] | None = None,
    path: str = "$",
) -> int:
    """
    Return the number of decimal places of ``currency`` (normalised first).

    ``exponents`` overrides the ISO table per call, for vendors whose convention differs
    (Medusa stores some three-decimal currencies with two decimals).

    >>> exponent_of("jpy"), exponent_of("usd"), exponent_of("KWD")
    (0, 2, 3)
    >>> exponent_of("kwd", exponents={"KWD": 2})
    2
    """
    code = normalize_currency(currency, path=path, exponents=exponents)
    if exponents is not None:
        override = _override_for(code, exponents)
        if override is not None:
            return override
    return ISO_4217_MINOR_UNITS[code]


def _override_for(code: str, exponents: Mapping[str, int]) -> int | None:
    for key, value in exponents.items():
        if not isinstance(key, str) or key.strip().upper() != code:
            continue
        if type(value) is not int or not 0 <= value <= 9:
            msg = f"exponent for {key!r} must be an integer from 0 to 9, got {value!r}"
            raise ConfigurationError(msg)
        return value
    return None


def currency_name(code: str, locale: str = "en") -> str:
    """
    Return the display name of a currency (from babel's CLDR data).

    >>> currency_name("jpy")
    'Japanese Yen'
    """
    return str(get_currency_name(normalize_currency(code), locale=locale))


def _pow10(exponent: int) -> int:
    """``10**exponent`` for a non-negative exponent, typed as int."""
    return int(10**exponent)


def _digits_to_int(digits: tuple[int, ...]) -> int:
    magnitude = 0
    for digit in digits:  # faster than int("".join(map(str, digits))) for money-sized numbers
        magnitude = magnitude * 10 + digit
    return magnitude


def _check_finite(amount: Any, path: str) -> Decimal:
    if type(amount) is not Decimal:
        raise MoneyError(path, amount, "a decimal.Decimal amount")
    if not amount.is_finite():
        raise MoneyError(path, amount, "a finite amount")
    if amount and not (-_MAX_EXPONENT_SPAN <= amount.adjusted() <= _MAX_EXPONENT_SPAN and _no_digit_below_span(amount)):
        raise MoneyError(path, amount, f"an amount within 10**±{_MAX_EXPONENT_SPAN}")
    return amount


def _no_digit_below_span(amount: Decimal) -> bool:
    """
    True when ``amount``'s exponent is at least ``-_MAX_EXPONENT_SPAN`` (its leading digit already
    within the span, so its exponent is at most the span too): quantizing there drops no digit.
    One C call, cheaper than ``as_tuple()``.
    """
    try:
        _EXACT.quantize(amount, _SMALLEST_UNIT)  # a dropped digit, even a zero, raises Rounded
    except ArithmeticError:
        return False
    return True


def _decimal(negative: bool, magnitude: int, exponent: int) -> Decimal:
    """Build ``±magnitude * 10**exponent`` exactly, whatever the context precision."""
    # Decimal("123E-2") is exact (no context rounding) and keeps the exponent: Decimal('1.23').
    return Decimal(f"{'-' if negative else ''}{magnitude}E{exponent}")


def from_minor_units(
    amount: object,
    currency: str,
    *,
    exponents: Mapping[str, int] | None = None,
    path: str = "$",
) -> Decimal:
    """
    Convert an integer count of minor units to an exact `Decimal` in major units.

    Floats, strings and booleans are refused: an integer encoding is never guessed.

    >>> from_minor_units(2599, "usd"), from_minor_units(3000, "jpy"), from_minor_units(5250, "kwd")
    (Decimal('25.99'), Decimal('3000'), Decimal('5.250'))
    """
    if type(amount) is not int:
        raise MoneyError(path, amount, "an integer number of minor units (cents)")
    exponent = exponent_of(currency, exponents=exponents, path=path)
    if len(str(abs(amount))) > _MAX_EXPONENT_SPAN:
        raise MoneyError(path, amount, f"at most {_MAX_EXPONENT_SPAN} digits")
    return _decimal(amount < 0, abs(amount), -exponent)


def to_minor_units(
    amount: Decimal,
    currency: str,
    *,
    exponents: Mapping[str, int] | None = None,
    path: str = "$",
) -> int:
    """
    Convert an exact major-unit `Decimal` to an integer count of minor units.

    Raises `MoneyError` when the amount has more decimal places than the currency
    allows (nothing is rounded away).

    >>> to_minor_units(Decimal("25.99"), "usd"), to_minor_units(Decimal("3000"), "jpy")
    (2599, 3000)
    """
    exponent = exponent_of(currency, exponents=exponents, path=path)
    code = normalize_currency(currency, exponents=exponents)
    return _to_scaled_int(amount, exponent, path, f"at most {exponent} decimal places for {code}")


def _to_scaled_int(amount: Decimal, exponent: int, path: str, expected: str) -> int:
    """``amount * 10**exponent`` as an int, or `MoneyError` if that is not whole."""
    sign, digits, exp = _check_finite(amount, path).as_tuple()
    assert isinstance(exp, int)
    magnitude = _digits_to_int(digits)
    shift = exp + exponent
    if shift >= 0:
        magnitude *= _pow10(shift)
    else:
        magnitude, rest = divmod(magnitude, _pow10(-shift))
        if rest:
            raise MoneyError(path, amount, expected)
    return -magnitude if sign else magnitude


def from_units_nanos(units: object, nanos: object, *, path: str = "$") -> Decimal:
    """
    Convert ``google.type.Money`` ``units``/``nanos`` to an exact `Decimal`.

    The rules of ``google/type/money.proto`` are enforced: ``nanos`` lies in
    [-999 999 999, +999 999 999] and has the sign of ``units`` (or is zero when
    ``units`` is zero); ``units`` is an int64. Trailing zeros are dropped.

    >>> from_units_nanos(-1, -750_000_000)
    Decimal('-1.75')
    """
    if type(units) is not int or not _INT64_MIN <= units <= _INT64_MAX:
        raise MoneyError(f"{path}.units", units, "an int64 number of whole units")
    if type(nanos) is not int or not -_MAX_NANOS <= nanos <= _MAX_NANOS:
        raise MoneyError(f"{path}.nanos", nanos, "an integer from -999999999 to 999999999")
    if (units > 0 and nanos < 0) or (units < 0 and nanos > 0):
        raise MoneyError(f"{path}.nanos", nanos, "nanos with the same sign as units (google.type.Money)")
    if not nanos:
        return Decimal(units)
    # exact in C: units + nanos * 10**-9, trailing zeros of the fraction dropped (a non-zero
    # fraction keeps the exponent negative, so normalize never writes 1E+2 for 100)
    return _EXACT.add(units, _EXACT.scaleb(nanos, -9)).normalize(_EXACT)


def to_units_nanos(amount: Decimal, *, path: str = "$") -> tuple[int, int]:
    """
    Convert an exact `Decimal` to ``(units, nanos)`` following ``google.type.Money``.

    Raises `MoneyError` for more than nine decimal places or units outside int64.

    >>> to_units_nanos(Decimal("-1.75"))
    (-1, -750000000)
    """
    total = _to_scaled_int(amount, 9, path, "at most 9 decimal places (nanos)")
    units, nanos = divmod(abs(total), NANOS_PER_UNIT)
    if total < 0:
        units, nanos = -units, -nanos
    if not _INT64_MIN <= units <= _INT64_MAX:
        raise MoneyError(path, amount, "an amount whose whole units fit in an int64")
    return units, nanos


@attrs.frozen(kw_only=True)
class PerUnitSplit:
    """
    A line amount divided into a per-unit amount plus what rounding left over.

    ``per_unit * quantity + remainder == line_amount`` always holds exactly.
    """

    per_unit: Decimal
    remainder: Decimal
    quantity: int

    @property
    def exact(self) -> bool:
        """True when the line amount divided evenly at the currency exponent."""
        return not self.remainder

    @property
    def line_amount(self) -> Decimal:
        """The amount that was split, rebuilt exactly."""
        return _decimal_sum(self.per_unit, self.quantity, self.remainder)


def line_amount(per_unit: Decimal, quantity: int, remainder: Decimal | None = None) -> Decimal:
    """
    ``per_unit * quantity + remainder``, exactly: a split line amount given back
    (`PerUnitSplit.line_amount` without building the split; no remainder is zero).

    >>> line_amount(Decimal("3.33"), 3, Decimal("0.01"))
    Decimal('10.00')
    """
    return _decimal_sum(per_unit, quantity, _ZERO if remainder is None else remainder)


#: Decimal arithmetic that never rounds, clamps or guesses: any such result raises instead
#: (callers then take an exact integer route), so whatever it returns is exact.
_EXACT: Final = Context(
    prec=2 * _MAX_EXPONENT_SPAN + 40,
    traps=[Clamped, DivisionByZero, FloatOperation, Inexact, InvalidOperation, Overflow, Rounded],
)
#: The same, but dropping trailing zeros is allowed (values stay exact; exponents may move).
_EXACT_VALUE: Final = Context(
    prec=_EXACT.prec, traps=[Clamped, DivisionByZero, FloatOperation, Inexact, InvalidOperation, Overflow]
)


def _decimal_sum(per_unit: Decimal, quantity: int, remainder: Decimal) -> Decimal:
    """
    ``per_unit * quantity + remainder`` exactly, at the smaller exponent of the two amounts.

    One fused multiply-add in C under a context that refuses to round (the usual case);
    amounts too long for it, and anything odd, take the integer route, which is exact always.
    """
    try:
        total = _EXACT.fma(per_unit, quantity, remainder)
    except (ArithmeticError, TypeError):
        return _decimal_sum_by_integers(per_unit, quantity, remainder)
    return total if total else total.copy_abs()  # zero carries no sign, as the integer route gives it


def _decimal_sum_by_integers(per_unit: Decimal, quantity: int, remainder: Decimal) -> Decimal:
    exponent = min(_exp(per_unit), _exp(remainder))
    scaled = _scaled(per_unit, exponent) * quantity + _scaled(remainder, exponent)
    return Decimal(f"{scaled}E{exponent}")  # exact whatever the context, like _decimal


def _exp(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent


def _scaled(value: Decimal, exponent: int) -> int:
    """``value`` as an integer count of ``10**exponent`` (exponent <= value's own, so exact)."""
    # as_integer_ratio is done in C: much cheaper than rebuilding the int from as_tuple()'s digits
    numerator, denominator = value.as_integer_ratio()
    if exponent <= 0:
        return numerator * _pow10(-exponent) // denominator
    return numerator // (denominator * _pow10(exponent))


_ZERO: Final = Decimal(0)
_SMALLEST_UNIT: Final = Decimal(f"1E-{_MAX_EXPONENT_SPAN}")
_QUANTA: Final = {exponent: Decimal(f"1E{-exponent}") for exponent in range(10)}


def _quantum(exponent: int) -> Decimal:
    """``Decimal("1E-<exponent>")``: the currency's minor unit, for `Decimal.quantize`."""
    return _QUANTA.get(exponent) or Decimal(f"1E{-exponent}")


def split_per_unit(
    line_amount: Decimal,
    quantity: int,
    currency: str,
    *,
    exponents: Mapping[str, int] | None = None,
    path: str = "$",
) -> PerUnitSplit:
    """
    Divide a per-line amount into a per-unit amount at the currency's exponent.

    Rounding rule: the exact quotient is rounded half-to-even (banker's rounding) to
    the currency's minor unit; what rounding loses is returned as ``remainder`` so a
    caller can keep it. When the quotient is exact at that exponent, ``remainder``
    is zero. ``quantity`` must be a positive integer.

    >>> split_per_unit(Decimal("10.00"), 3, "usd")
    PerUnitSplit(per_unit=Decimal('3.33'), remainder=Decimal('0.01'), quantity=3)
    >>> split_per_unit(Decimal("10.00"), 4, "usd").exact
    True
    """
    exponent = exponent_of(currency, exponents=exponents, path=path)
    _check_finite(line_amount, path)
    if type(quantity) is not int or quantity <= 0:
        raise MoneyError(path, quantity, "a positive integer quantity to divide by")
    return _exact_split(line_amount, quantity, exponent) or _split_by_integers(line_amount, quantity, exponent)


def exact_per_unit(line_amount: object, quantity: object, exponent: int, *, bounded: bool = False) -> Decimal | None:
    """
    ``split_per_unit(line_amount, quantity, currency).per_unit`` when the split is exact at
    ``exponent`` (the currency's, see `exponent_of`), else None: for an amount that needs
    rounding, and for anything `split_per_unit` would refuse (it then says why).

    For callers that split many amounts of one currency: the currency is looked up once, and
    the usual exact split is two operations in C, with no `PerUnitSplit` built. A caller that
    knows ``line_amount`` is a finite `Decimal` within 10**±40 and ``quantity`` a positive
    ``int`` (an amount it read from a Money or from minor units, a quantity it checked) may
    say ``bounded=True`` to skip checking them again.

    >>> exact_per_unit(Decimal("10.00"), 4, 2), exact_per_unit(Decimal("10.00"), 3, 2)
    (Decimal('2.50'), None)
    """
    if not bounded and not _splittable(line_amount, quantity):
        return None  # beyond split_per_unit's bounds: it raises
    try:
        # the quotient's own exponent is irrelevant: quantize puts it at the currency's
        quotient = _EXACT_VALUE.divide(cast(Decimal, line_amount), cast(int, quantity))  # checked above, or bounded
        per_unit = _EXACT_VALUE.quantize(quotient, _quantum(exponent))
    except ArithmeticError:
        return None
    return per_unit if per_unit else per_unit.copy_abs()


def _splittable(line_amount: object, quantity: object) -> bool:
    """What `split_per_unit` accepts (the currency aside): a finite Decimal within 10**±40, a positive int."""
    if type(line_amount) is not Decimal or type(quantity) is not int or quantity <= 0:
        return False
    return line_amount.is_finite() and (
        not line_amount
        or (-_MAX_EXPONENT_SPAN <= line_amount.adjusted() <= _MAX_EXPONENT_SPAN and _no_digit_below_span(line_amount))
    )


def _exact_split(line_amount: Decimal, quantity: int, exponent: int) -> PerUnitSplit | None:
    """
    The usual case, in C: the amount divides exactly at the currency's exponent (None if not).

    Same digits and exponents as `_split_by_integers` gives (a test holds them together).
    """
    try:
        # the quotient's own exponent is irrelevant: quantize puts it at the currency's
        per_unit = _EXACT_VALUE.quantize(_EXACT_VALUE.divide(line_amount, quantity), _quantum(exponent))
        remainder = _EXACT.fma(per_unit, -quantity, line_amount)  # zero, at the smaller exponent
    except ArithmeticError:  # inexact at that exponent: rounding is needed
        return None
    return PerUnitSplit(per_unit=per_unit if per_unit else per_unit.copy_abs(),
                        remainder=remainder.copy_abs(), quantity=quantity)  # fmt: skip


def _split_by_integers(line_amount: Decimal, quantity: int, exponent: int) -> PerUnitSplit:
    """Round the quotient half-even at the exponent, with integers; the remainder is what that lost."""
    scale = min(_exp(line_amount), -exponent)
    numerator = _scaled(line_amount, scale)
    divisor = quantity * _pow10(-exponent - scale)
    quotient, rest = divmod(abs(numerator), divisor)
    if 2 * rest > divisor or (2 * rest == divisor and quotient % 2 == 1):
        quotient += 1
    negative = numerator < 0
    per_unit = _decimal(negative and quotient != 0, quotient, -exponent)
    remainder_scaled = numerator - (-quotient if negative else quotient) * divisor
    remainder = _decimal(remainder_scaled < 0, abs(remainder_scaled), scale)
    return PerUnitSplit(per_unit=per_unit, remainder=remainder, quantity=quantity)
