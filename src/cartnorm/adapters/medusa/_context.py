"""The state of one forward conversion: where the order sits, its money, its warnings, its remainders."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ...adapter import WarningLog
from ._amounts import Money
from ._reading import child

__all__ = ["Context", "LineFacts"]


@attrs.frozen
class LineFacts:
    """
    What one line's amounts say beyond its canonical fields (v2 order totals need it).

    Attributes:
        quantity: the ordered quantity.
        basis: the units the line's amounts cover (Medusa 2.x: the kept units after a received
            return; else the quantity).
        per_unit_total: ``unit_price − discount + tax`` for one unit, or None when a part is unknown.
        discount, tax: per unit (None when unknown).
    """

    quantity: int
    basis: int
    per_unit_total: Decimal | None
    discount: Decimal | None
    tax: Decimal | None


@attrs.define
class Context:
    """
    What every forward reader needs.

    Attributes:
        order: the Medusa order object (never modified).
        path: its JSON path in the payload as passed (``$``, ``$.order``, ``$.data``).
        money: how its amounts are encoded.
        log: the warnings met so far.
        remainders: per-unit rounding remainders by order-relative JSON path.
        quantities: the units a line's amounts cover, by order-relative item path, when not its quantity.
        parcels: how many shipments a fulfillment became, by order-relative path, when more than one.
        lines: per item index, what its amounts say (`LineFacts`).
        v2: True for a Medusa v2 order (``money.version == 2``).
    """

    order: Mapping[str, Any]
    path: str
    money: Money
    log: WarningLog
    remainders: dict[str, Decimal] = attrs.field(factory=dict)
    quantities: dict[str, int] = attrs.field(factory=dict)
    parcels: dict[str, int] = attrs.field(factory=dict)
    lines: list[LineFacts] = attrs.field(factory=list)
    v2: bool = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.v2 = self.money.version == 2

    def at(self, *keys: str | int) -> str:
        """The payload path of ``keys`` inside the order."""
        path = self.path
        for key in keys:
            path = child(path, key)
        return path
