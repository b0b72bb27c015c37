"""
Medusa money in both encodings, read and written exactly through `cartnorm.money`.

* v1: every amount is a JSON integer in the currency's minor unit (USD 2599 = 25.99,
  JPY 3000 = 3000, KWD 5250 = 5.250 with the admin-UI exponent table). Floats, strings and
  booleans are a `MoneyError`, never a guess.
* v2: amounts are major units; the exact value is the BigNumber string in ``raw_<field>``
  (``{"value": "15", "precision": 20}``). Without one, an integer or an exact `Decimal`
  (cartnorm's JSON parser) is accepted; a binary ``float`` is a `MoneyError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..._paths import child
from ...errors import MoneyError
from ...money import ISO_4217_MINOR_UNITS, PerUnitSplit, from_minor_units, split_per_unit, to_minor_units

__all__ = ["ADMIN_UI_EXPONENTS", "BIG_NUMBER_PRECISION", "Money", "default_exponent", "v2_number", "v2_text"]

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
        return from_minor_units(value, self.currency, exponents=self.exponents, path=child(path, key))

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
        raise MoneyError(
            child(path, key),
            value,
            f"an exact v2 amount: raw_{key} as a BigNumber, an integer, or a Decimal "
            "(parse with cartnorm's JSON reader)",
        )

    def write(self, target: dict[str, Any], key: str, amount: Decimal, path: str = "$") -> None:
        """Store ``amount`` at ``key`` in this encoding (v2 also writes ``raw_<key>``)."""
        if self.version == 2:
            target[key] = v2_number(amount)
            target["raw_" + key] = {"value": v2_text(amount), "precision": BIG_NUMBER_PRECISION}
        else:
            target[key] = to_minor_units(amount, self.currency, exponents=self.exponents, path=path)

    def split(self, line_amount: Decimal, quantity: int, path: str) -> PerUnitSplit:
        """Divide a line amount by ``quantity`` at this currency's exponent (remainder kept)."""
        return split_per_unit(line_amount, quantity, self.currency, exponents=self.exponents, path=path)
