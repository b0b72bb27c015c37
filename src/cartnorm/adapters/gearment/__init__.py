"""
The Gearment adapter: Gearment API v3 orders ⇄ Trackstar cart orders, exact and lossless.

>>> from cartnorm.adapters import gearment
>>> order = gearment.to_canonical(payload, observed_at=ts)   # doctest: +SKIP
>>> gearment.from_canonical(order) == payload                # doctest: +SKIP
True

``payload`` is the ``GET /api/v3/orders/{order_id}`` response ``{"status", "message",
"data"}`` or the bare ``data`` order, in any protobuf JSON spelling. The mapping is
documented in ``docs/vendors/gearment.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ...adapter import Adapter
from ._from_canonical import from_canonical
from ._statuses import STATUS_TABLES
from ._to_canonical import NAME, OPTIONS, convert, to_canonical

__all__ = ["ADAPTER", "NAME", "STATUS_TABLES", "convert", "detect", "from_canonical", "to_canonical"]

_ORDER_KEYS: Final = frozenset(
    {
        "order_id", "orderId", "order_status", "orderStatus", "line_items", "lineItems",
        "order_trackings", "orderTrackings", "order_total", "orderTotal",
    }
)  # fmt: skip
_ENVELOPE_KEYS: Final = frozenset({"status", "message", "data"})


def _looks_like_order(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and ("order_id" in value or "orderId" in value)
        and len(_ORDER_KEYS.intersection(value)) >= 2
    )


def detect(payload: Any) -> bool:
    """
    True when ``payload`` looks like a Gearment v3 order: the bare order or its envelope.

    Cheap and never raises: it looks at key names only (snake_case or lowerCamelCase).
    """
    try:
        if not isinstance(payload, Mapping):
            return False
        if "status" in payload and "data" in payload:
            data = payload["data"]
            return _looks_like_order(data) or (payload["status"] == "error" and "message" in payload and not data)
        if payload.get("status") == "error" and "message" in payload and set(payload) <= _ENVELOPE_KEYS:
            return True
        return _looks_like_order(payload)
    except Exception:  # noqa: BLE001 - a hostile Mapping must not break detection
        return False


#: The adapter, as `cartnorm.adapters.get_adapter("gearment")` returns it.
ADAPTER: Final = Adapter(
    name=NAME,
    description="Gearment API v3 orders (GET /api/v3/orders/{order_id}), protobuf JSON, google.type.Money amounts",
    detect=detect,
    convert=convert,
    from_canonical=from_canonical,
    status_tables=STATUS_TABLES,
    options=OPTIONS,
    checks_limits=True,
)
