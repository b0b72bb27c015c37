"""What the forward mapping knows about one order while it reads it, and the money it declares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import Any, Final

import attrs

from ...adapter import WarningLog
from ...errors import PayloadError
from ...lossless import Reading
from ...money import split_per_unit
from ._amounts import MoneySide, OrderMoney, never_negative
from ._from_canonical import bag

__all__ = ["ZERO", "Context", "objects"]

ZERO: Final = Decimal(0)


def objects(reading: Reading, key: str, what: str, *, keep: bool = False) -> list[Reading] | None:
    """
    The objects of the list at ``key``, each a part (`Reading.parts`); None when the key is absent or
    null; a `PayloadError` when it is anything but a list of objects.
    """
    found = reading.value.get(key)
    if found is None:
        return None
    parts = reading.parts(key, keep=keep)
    if parts is None:
        raise PayloadError(reading.at(key), found, f"{what}: a list of objects")
    return parts


@attrs.define
class Context:
    """
    One order's reading: its money (side, currency, whether it has MoneyBags and whether the bare
    strings are in the side's currency), the shop's UTC offset, the warnings and the per-unit remainders.
    """

    money: OrderMoney
    bags: bool
    offset: tzinfo
    log: WarningLog
    taxes_included: bool = False
    remainders: list[dict[str, Any]] = attrs.Factory(list)

    @property
    def side(self) -> MoneySide:
        return self.money.side

    @property
    def currency(self) -> str:
        return self.money.currency

    @property
    def bare(self) -> bool:
        """The bare amount strings are in the side's currency: the reverse writes them too."""
        return self.money.bare_strings_fit

    def amount(self, reading: Reading, key: str, *, number: bool = False, signed: bool = False) -> Decimal | None:
        """
        The amount ``key`` of ``reading`` on the order's side, without declaring it: never below zero
        (`OrderMoney.amount`), unless ``signed`` (`OrderMoney.read`: the few amounts Shopify writes negative).
        """
        if signed:
            return self.money.read(reading.value, key, reading.path, number=number)
        return self.money.amount(reading.value, key, reading.path, number=number)

    def never_negative(self, reading: Reading, key: str) -> None:
        """Refuse the amount ``key`` of ``reading`` below zero (`never_negative`) where it is not read."""
        never_negative(reading.value, key, reading.path, self.side)

    def written(self, reading: Reading, key: str, amount: Decimal | None, *, bare: bool = True) -> None:
        """
        Declare what the reverse writes for the amount ``key`` (`._from_canonical`): the bare string
        ``str(amount)`` when the bare strings are in the side's currency, and the side of the MoneyBag
        ``<key>_set`` when the order has bags; whatever differs from what was sent is carried.
        """
        if amount is None:
            return
        text = str(amount)
        if bare and self.bare:
            reading.writes(key, text)
        if not self.bags:
            return
        bag_key = key + "_set"
        found = reading.part(bag_key)
        if found is None:
            reading.writes(bag_key, bag(amount, self.currency, self.side))
            return
        side = found.part(self.side.bag_key)
        if side is None:
            found.writes(self.side.bag_key, bag(amount, self.currency, self.side)[self.side.bag_key])
            return
        side.writes("amount", text)
        side.writes("currency_code", self.currency)

    def total(self, readings: Sequence[Reading], key: str, *, number: bool = False) -> Decimal:
        """Σ of the amount ``key`` of each object (absent counts as zero)."""
        found = ZERO
        for reading in readings:
            amount = self.amount(reading, key, number=number)
            if amount is not None:
                found += amount
        return found

    def per_unit(self, amount: Decimal, quantity: int, line: Reading, index: int, field: str) -> Decimal:
        """
        ``amount`` (a line's) per unit at the currency's exponent, half-even; what rounding leaves is kept
        in ``per_unit_remainders`` with a ``rounding_remainder`` warning (per unit × quantity + remainder is
        the line amount exactly).
        """
        split = split_per_unit(amount, quantity, self.currency, path=line.path)
        if not split.exact:
            line_id = line.value.get("id")
            self.remainders.append(
                {"line_index": index, "line_item_id": str(line_id), "field": field, "remainder": str(split.remainder)}
            )
            self.log.add(
                "rounding_remainder",
                line.path,
                f"{field}: {amount} {self.currency} over quantity {quantity} is {split.per_unit} per unit, "
                f"remainder {split.remainder} kept in additional_fields.shopify.per_unit_remainders",
            )
        return split.per_unit
