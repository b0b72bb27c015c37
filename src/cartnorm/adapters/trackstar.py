"""
The Trackstar cart order itself as a source: reads and writes the canonical JSON.

Useful where a pipeline already holds Trackstar documents (re-validation, conformance
fixtures, denormalizing into a vendor from stored Trackstar JSON). A record is one order: the
order object, or the ``{"data": {...}}`` body of ``GET /cart/orders/{id}``. The list body of
``GET /cart/orders`` (``{"data": [...], "next_token": …}``) is a page of orders, not one: it is
refused with a `PayloadError` that says so; `cartnorm.from_trackstar_page` reads it (its orders
and the ``next_token`` of the next page).

**Signs.** Trackstar's schema gives amounts and quantities no minimum, but their meanings do: the order's
``total_price`` (what the customer paid), ``total_tax``, ``total_discount`` (the amount taken off) and
``total_shipping``, a line's per-unit ``unit_price``, ``discount`` and ``tax``, and every ``quantity`` (of a
line, a shipping group's line, a shipment's line) are never below zero. A negative one is a `MoneyError`
(a count: a `PayloadError`) at its path, ``$.line_items[0].unit_price`` (``$.data…`` in a response body).
Trackstar has no field for a refund or an adjustment, so no amount is allowed below zero.
`cartnorm.from_trackstar` and `cartnorm.loads` still read what the schema reads (the model holds any sign).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from .._paths import ROOT, child
from ..adapter import Adapter, Normalized, StatusDecision, StatusTable, read_options
from ..codec import from_trackstar, to_trackstar
from ..errors import MoneyError, PayloadError
from ..lifecycle import STATUS_INFO
from ..model import CartOrder

__all__ = ["ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical", "to_canonical"]

NAME: Final = "trackstar"
_KEYS: Final = frozenset(attribute.name for attribute in CartOrder.__attrs_attrs__)

STATUS_TABLES: Final = (
    StatusTable(
        vendor=NAME,
        title="Trackstar status (identity)",
        axes=("status",),
        rows={(status.value,): StatusDecision(status, info.definition) for status, info in STATUS_INFO.items()},
        unknown_reason="not a Trackstar status: the document is rejected by the schema",
        values={"status": tuple(status.value for status in STATUS_INFO)},
    ),
)


#: The amounts that are never below zero, and what each is (Trackstar's descriptions).
_ORDER_AMOUNTS: Final = (
    ("total_price", "the total price the customer paid"),
    ("total_tax", "the total tax on the order"),
    ("total_discount", "the total amount discounted from the order"),
    ("total_shipping", "the total shipping cost the customer incurred"),
)
_LINE_AMOUNTS: Final = (
    ("unit_price", "the price of one unit"),
    ("discount", "the amount discounted from one unit"),
    ("tax", "the tax on one unit"),
)
_SIGN_HINT: Final = (
    "Trackstar amounts and quantities are never negative: fix the document (or what wrote it), "
    "or set it aside as a rejection."
)


def _negative_amount(path: str, value: Decimal, name: str, meaning: str) -> MoneyError:
    return MoneyError(path, value, f"an amount of zero or more ({name} is {meaning})", hint=_SIGN_HINT)


def _negative_count(path: str, value: int, what: str) -> PayloadError:
    return PayloadError(path, value, f"a quantity of zero or more (the quantity {what})", hint=_SIGN_HINT)


def _check_signs(order: CartOrder, path: str = ROOT) -> None:
    """
    Refuse an amount or quantity below zero in ``order``, read from the document at ``path``: a `MoneyError`
    (a `PayloadError` for a quantity) naming its place. Every amount and count of a Trackstar order is one
    that cannot be negative (see the module's docstring). Paths are only made for an error.
    """
    for name, meaning in _ORDER_AMOUNTS:
        amount = getattr(order, name)
        if amount is not None and amount < 0:
            raise _negative_amount(child(path, name), amount, name, meaning)
    for index, line in enumerate(order.line_items):
        if line.quantity < 0:
            raise _negative_count(f"{path}.line_items[{index}].quantity", line.quantity, "ordered")
        for name, meaning in _LINE_AMOUNTS:
            amount = getattr(line, name)
            if amount is not None and amount < 0:
                raise _negative_amount(f"{path}.line_items[{index}].{name}", amount, name, meaning)
    for index, group in enumerate(order.shipping_groups):
        for position, item in enumerate(group.line_items):
            if item.quantity < 0:
                where = f"{path}.shipping_groups[{index}].line_items[{position}].quantity"
                raise _negative_count(where, item.quantity, "to ship in the group")
    for index, shipment in enumerate(order.shipments):
        for position, shipped in enumerate(shipment.line_items):
            if shipped.quantity < 0:
                where = f"{path}.shipments[{index}].line_items[{position}].quantity"
                raise _negative_count(where, shipped.quantity, "shipped")


def detect(payload: Any) -> bool:
    """True for a mapping with exactly the 29 keys of a Trackstar cart order (never raises)."""
    try:
        return isinstance(payload, Mapping) and payload.keys() == _KEYS
    except Exception:  # noqa: BLE001 - a hostile Mapping must not break detection
        return False


def convert(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> Normalized:
    """Read a Trackstar order or ``{"data": {...}}`` body (``observed_at`` is ignored: the order has its dates)."""
    del observed_at
    read_options(NAME, (), options)  # it takes none: any is a ConfigurationError
    order = from_trackstar(payload)
    _check_signs(order, ROOT if "data" not in payload else child(ROOT, "data"))  # read: payload is a Mapping
    return Normalized(order)


def to_canonical(payload: Any, *, observed_at: datetime | None = None, **options: Any) -> CartOrder:
    """Read a Trackstar document into a `CartOrder`."""
    return convert(payload, observed_at=observed_at, **options).order


def from_canonical(order: CartOrder) -> dict[str, Any]:
    """Write a `CartOrder` as a Trackstar document."""
    return to_trackstar(order)


ADAPTER: Final = Adapter(
    name=NAME,
    description="Trackstar cart order JSON (the canonical model itself)",
    detect=detect,
    convert=convert,
    from_canonical=from_canonical,
    status_tables=STATUS_TABLES,
    detectable=False,  # used by name only: a document of the model is no vendor's payload
)
