"""The state of one forward conversion: where the order sits, its money, its warnings, its remainders."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ...adapter import WarningLog
from ._amounts import Money
from ._reading import child

__all__ = ["Context"]


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
    """

    order: Mapping[str, Any]
    path: str
    money: Money
    log: WarningLog
    remainders: dict[str, Decimal] = attrs.field(factory=dict)

    def at(self, *keys: str | int) -> str:
        """The payload path of ``keys`` inside the order."""
        path = self.path
        for key in keys:
            path = child(path, key)
        return path
