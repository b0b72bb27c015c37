"""
The Trackstar cart order itself as a source: reads and writes the canonical JSON.

Useful where a pipeline already holds Trackstar documents (re-validation, conformance
fixtures, denormalizing into a vendor from stored Trackstar JSON). A record is one order: the
order object, or the ``{"data": {...}}`` body of ``GET /cart/orders/{id}``. The list body of
``GET /cart/orders`` (``{"data": [...], "next_token": …}``) is a page of orders, not one: it is
refused with a `PayloadError` that says so; `cartnorm.from_trackstar_page` reads it (its orders
and the ``next_token`` of the next page).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from ..adapter import Adapter, Normalized, StatusDecision, StatusTable, read_options
from ..codec import from_trackstar, to_trackstar
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
    return Normalized(from_trackstar(payload))


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
